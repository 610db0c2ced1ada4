import * as ort from 'onnxruntime-node';
import { ModelIntegrityError } from '@lf/model-artifacts';
import type { ModelArtifact } from './load-model-artifact';
import type { ModelRunner, ModelRunnerFactory } from './model-runner';

export interface OnnxRunnerOptions {
  /** Threads per ONNX run; undefined = onnxruntime's default (all cores). Set it when pods share nodes. */
  intraOpNumThreads?: number;
}

/** An onnxruntime-node session over a verified artifact; input/output names come from the manifest. */
export function onnxRunnerFactory(options: OnnxRunnerOptions = {}): ModelRunnerFactory {
  return async (artifact: ModelArtifact): Promise<ModelRunner> => {
    const session = await ort.InferenceSession.create(artifact.bytes, {
      graphOptimizationLevel: 'all',
      ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
    });
    const inputName = artifact.manifest.inputs[0].name;
    const outputName = artifact.manifest.outputs[0].name;
    if (!session.inputNames.includes(inputName) || !session.outputNames.includes(outputName)) {
      await session.release();
      throw new ModelIntegrityError(
        artifact.dir,
        `graph has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}], manifest says ${inputName} -> ${outputName}`,
      );
    }
    return {
      async run(input, shape) {
        const out = await session.run({ [inputName]: new ort.Tensor('float32', input, [...shape]) });
        const data = out[outputName].data;
        if (!(data instanceof Float32Array)) throw new Error(`output ${outputName} is not float32`);
        return data;
      },
      release: () => session.release(),
    };
  };
}

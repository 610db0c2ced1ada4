import * as ort from 'onnxruntime-node';
import { ModelIntegrityError } from '@lf/model-artifacts';
import type { ModelArtifact } from './load-model-artifact';
import type { ModelRunner, ModelRunnerFactory } from './model-runner';

export interface OnnxRunnerOptions {
  /**
   * Threads per ONNX run (default 1). The models are small (an imaging batch of 32 runs in ~0.3 ms), so
   * a thread pool buys nothing, and onnxruntime's pool spins between runs: with the default (all cores)
   * the three workers burned ~4x the vitals worker's real CPU on a 2-core machine. Above 1, spinning is off.
   */
  intraOpNumThreads?: number;
}

/** An onnxruntime-node session over a verified artifact; input/output names come from the manifest. */
export function onnxRunnerFactory(options: OnnxRunnerOptions = {}): ModelRunnerFactory {
  return async (artifact: ModelArtifact): Promise<ModelRunner> => {
    const threads = options.intraOpNumThreads ?? 1;
    const session = await ort.InferenceSession.create(artifact.bytes, {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      ...(threads > 1 ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
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

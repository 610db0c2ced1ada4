import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMetrics } from '@lf/observability';
import { captureLogger } from '../../test/support/capture-logger';
import { tempModelsDir, writeModelVersion } from '../../test/support/write-model-version';
import { createWorkerMetrics } from '../worker-metrics';
import { loadModelArtifact } from './load-model-artifact';
import { ModelIntegrityError } from '@lf/model-artifacts';
import { ModelRegistry, type ModelRegistryOptions } from './model-registry';
import type { ModelRunnerFactory } from './model-runner';
import { onnxRunnerFactory } from './onnx-model-runner';

const item = (values: number[]) => ({ tensor: Float32Array.from(values), shape: [4], qualityFlags: [] });

/** Real onnxruntime sessions; `gate` (when set) holds every run until released, to keep a batch in flight. */
function gatedOnnx() {
  const onnx = onnxRunnerFactory({ intraOpNumThreads: 1 });
  const state: { gate?: Promise<void>; runs: Array<{ version: string; n: number }>; released: string[] } = { runs: [], released: [] };
  const factory: ModelRunnerFactory = async (artifact) => {
    const runner = await onnx(artifact);
    return {
      run: async (input, shape) => {
        state.runs.push({ version: artifact.manifest.version, n: shape[0] });
        if (state.gate) await state.gate;
        return runner.run(input, shape);
      },
      release: async () => {
        state.released.push(artifact.manifest.version);
        await runner.release();
      },
    };
  };
  return { factory, state };
}

function registry(modelsDir: string, createRunner: ModelRunnerFactory, extra: Partial<ModelRegistryOptions> = {}) {
  const { logger, lines } = captureLogger();
  const metrics = createWorkerMetrics(createMetrics('test', { defaultMetrics: false }), 'testmodality');
  const r = new ModelRegistry({ modelsDir, modelName: 'testmod', createRunner, batching: { maxBatchSize: 32, maxWaitMs: 1 }, logger, metrics, ...extra });
  return { registry: r, lines, metrics };
}

const waitFor = async (condition: () => boolean, timeoutMs = 5000) => {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('loadModelArtifact', () => {
  it('rejects a model whose ONNX file does not match the manifest sha256', async () => {
    const dir = tempModelsDir();
    const versionDir = writeModelVersion(dir, { version: '1.0.0', corruptSha: true });
    await expect(loadModelArtifact(versionDir, 'testmod')).rejects.toThrow(ModelIntegrityError);
    await expect(loadModelArtifact(versionDir, 'testmod')).rejects.toThrow(/sha256 mismatch/);
  });

  it('rejects a manifest for another model or another version than its folder', async () => {
    const dir = tempModelsDir();
    const versionDir = writeModelVersion(dir, { version: '1.0.0' });
    await expect(loadModelArtifact(versionDir, 'other')).rejects.toThrow("manifest names model 'testmod'");
    const manifest = JSON.parse(readFileSync(join(versionDir, 'manifest.json'), 'utf8'));
    writeFileSync(join(versionDir, 'manifest.json'), JSON.stringify({ ...manifest, version: '2.0.0' }));
    await expect(loadModelArtifact(versionDir, 'testmod')).rejects.toThrow('does not match its folder');
  });
});

describe('ModelRegistry', () => {
  it('serves the highest version and batches concurrent inferences into one ONNX run', async () => {
    const dir = tempModelsDir();
    writeModelVersion(dir, { version: '1.0.0', weights: [1, 0, 0, 0] });
    writeModelVersion(dir, { version: '1.1.0', weights: [0, 1, 0, 0], bias: 0.5 });
    const { factory, state } = gatedOnnx();
    const { registry: r } = registry(dir, factory);
    await r.load();
    expect(r.current?.version).toBe('1.1.0');
    state.runs.length = 0; // drop the warm-up run
    const logits = await Promise.all([1, 2, 3].map((x) => r.withModel((m) => m.infer(item([9, x, 9, 9])))));
    expect(logits).toEqual([1.5, 2.5, 3.5]);
    expect(state.runs).toEqual([{ version: '1.1.0', n: 3 }]);
    await r.close();
  });

  it('refuses to start on a sha256 mismatch, and keeps serving when a newer version has one', async () => {
    const dir = tempModelsDir();
    writeModelVersion(dir, { version: '1.0.0', corruptSha: true });
    const { factory } = gatedOnnx();
    await expect(registry(dir, factory).registry.load()).rejects.toThrow(/sha256 mismatch/);

    const dir2 = tempModelsDir();
    writeModelVersion(dir2, { version: '1.0.0' });
    const { registry: r, lines, metrics } = registry(dir2, factory);
    await r.load();
    writeModelVersion(dir2, { version: '2.0.0', corruptSha: true });
    const result = await r.reload();
    expect(result).toMatchObject({ status: 'failed' });
    expect(r.current?.version).toBe('1.0.0');
    expect(lines.some((l) => l.includes('sha256 mismatch'))).toBe(true);
    expect(await metrics.registry.getSingleMetricAsString('lf_model_reloads_total')).toContain('outcome="failed"');
    // A watch/poll-triggered retry skips the unchanged bad folder; a forced one (SIGHUP) tries again.
    await expect(r.reload()).resolves.toMatchObject({ status: 'failed', error: expect.objectContaining({ message: expect.stringContaining('has not changed') }) });
    await r.close();
  });

  it('hot swap: an in-flight batch finishes on the old version, the next job uses the new one', async () => {
    const dir = tempModelsDir();
    writeModelVersion(dir, { version: '1.0.0', weights: [1, 0, 0, 0] });
    const { factory, state } = gatedOnnx();
    const { registry: r, metrics } = registry(dir, factory);
    await r.load();

    let release!: () => void;
    state.gate = new Promise<void>((resolve) => (release = resolve));
    const inFlight = r.withModel(async (m) => ({ version: m.version, logit: await m.infer(item([2, 3, 0, 0])) }));
    await waitFor(() => state.runs.some((run) => run.version === '1.0.0' && run.n === 1 && state.runs.length > 1));

    writeModelVersion(dir, { version: '1.1.0', weights: [0, 1, 0, 0] });
    state.gate = undefined; // let the new version's warm-up run
    const swapped = await r.reload({ force: true });
    expect(swapped).toEqual({ status: 'swapped', from: '1.0.0', to: '1.1.0' });

    const next = await r.withModel(async (m) => ({ version: m.version, logit: await m.infer(item([2, 3, 0, 0])) }));
    expect(next).toEqual({ version: '1.1.0', logit: 3 });
    expect(state.released).toEqual([]); // the old session is still running the held batch

    release();
    await expect(inFlight).resolves.toEqual({ version: '1.0.0', logit: 2 });
    await waitFor(() => state.released.includes('1.0.0'));
    const gauge = await metrics.registry.getSingleMetricAsString('lf_model_loaded_info');
    expect(gauge).toContain('lf_model_loaded_info{modality="testmodality",model="testmod",model_version="1.1.0",app="test"} 1');
    expect(gauge).not.toContain('model_version="1.0.0"');
    // Inference time per version: the held batch ran on 1.0.0, the next job on 1.1.0 (warm-ups are not jobs).
    const runs = await metrics.modelInference.get();
    const count = (version: string) =>
      runs.values.find((v) => v.metricName === 'lf_model_inference_seconds_count' && v.labels['model_version'] === version && v.labels['modality'] === 'testmodality')?.value;
    expect(count('1.0.0')).toBe(1);
    expect(count('1.1.0')).toBe(1);
    expect((await metrics.inferenceBatchSize.get()).values.find((v) => v.metricName === 'lf_model_inference_batch_items_count')?.labels).toEqual({
      modality: 'testmodality',
      model: 'testmod',
    });
    await r.close();
    expect(state.released).toEqual(['1.0.0', '1.1.0']);
  });

  it('picks up a new version folder through the file watcher', async () => {
    const dir = tempModelsDir();
    writeModelVersion(dir, { version: '1.0.0' });
    const { factory } = gatedOnnx();
    const { registry: r } = registry(dir, factory);
    await r.load();
    r.watch({ pollMs: 0, debounceMs: 50 });
    writeModelVersion(dir, { version: '1.0.1', weights: [0, 0, 0, 1] });
    await waitFor(() => r.current?.version === '1.0.1');
    await expect(r.withModel((m) => m.infer(item([0, 0, 0, 7])))).resolves.toBe(7);
    await r.close();
  });

  it('falls back to polling when no file event arrives', async () => {
    const dir = tempModelsDir();
    writeModelVersion(dir, { version: '1.0.0' });
    const { factory } = gatedOnnx();
    const { registry: r, metrics } = registry(dir, factory);
    await r.load();
    // Watching a folder that is then replaced wholesale loses fs.watch events on some file systems; the poll
    // still sees it. Here: the poll alone (debounce longer than the test) finds the new version.
    r.watch({ pollMs: 50, debounceMs: 60_000 });
    writeModelVersion(dir, { version: '1.2.0' });
    await waitFor(() => r.current?.version === '1.2.0');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await metrics.registry.getSingleMetricAsString('lf_model_reloads_total')).toContain('outcome="unchanged"');
    await r.close();
  });

  it('a pinned version is served even when newer ones exist', async () => {
    const dir = tempModelsDir();
    writeModelVersion(dir, { version: '1.0.0' });
    writeModelVersion(dir, { version: '2.0.0' });
    const { factory } = gatedOnnx();
    const { registry: r } = registry(dir, factory, { pinnedVersion: '1.0.0' });
    await r.load();
    expect(r.current?.version).toBe('1.0.0');
    await expect(r.reload()).resolves.toEqual({ status: 'unchanged', version: '1.0.0' });
    await r.close();
  });

  it('rejects a version the modality cannot serve, and one whose graph does not run', async () => {
    const dir = tempModelsDir();
    writeModelVersion(dir, { version: '1.0.0' });
    const { factory } = gatedOnnx();
    await expect(
      registry(dir, factory, {
        checkManifest: () => {
          throw new Error('no preprocessing.testmod stats');
        },
      }).registry.load(),
    ).rejects.toThrow('manifest rejected by the modality: no preprocessing.testmod stats');

    const broken: ModelRunnerFactory = async () => ({
      run: async () => {
        throw new Error('Got invalid dimensions for input');
      },
      release: async () => undefined,
    });
    await expect(registry(dir, broken).registry.load()).rejects.toThrow('warm-up inference failed: Got invalid dimensions');
  });

  it('a per-item shape error fails only that item', async () => {
    const dir = tempModelsDir();
    writeModelVersion(dir, { version: '1.0.0', weights: [1, 1, 1, 1] });
    const { factory } = gatedOnnx();
    const { registry: r } = registry(dir, factory);
    await r.load();
    const results = await Promise.allSettled([
      r.withModel((m) => m.infer(item([1, 1, 1, 1]))),
      r.withModel((m) => m.infer({ tensor: new Float32Array(3), shape: [3], qualityFlags: [] })),
      r.withModel((m) => m.infer(item([2, 2, 2, 2]))),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 4 });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ message: expect.stringContaining('does not fit model input [N, 4]') }) });
    expect(results[2]).toEqual({ status: 'fulfilled', value: 8 });
    await r.close();
  });
});

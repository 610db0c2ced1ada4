import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';

/*
 * Test support for the exporter parity specs: run exported bytes in onnxruntime-node (the runtime the
 * workers use) and compare against tfjs. Not exported from the library index.
 */

export type Feeds = Record<string, { data: Float32Array; dims: number[] }>;

/*
 * onnxruntime runs in a child Node process, not inside jest: jest's VM realm has its own Float32Array, and
 * onnxruntime-node wraps the outputs its native binding creates (main-realm arrays) in a Tensor whose
 * `instanceof Float32Array` check then fails ("A float32 tensor's data must be type of Float32Array",
 * microsoft/onnxruntime#16622). Plain Node, as in the workers, has one realm, so this is test-only.
 */
const CHILD_SCRIPT = `
const ort = require(process.argv[1]);
let raw = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => (raw += c));
process.stdin.on('end', async () => {
  const req = JSON.parse(raw);
  const floats = (b64) => {
    const b = Buffer.from(b64, 'base64');
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const session = await ort.InferenceSession.create(new Uint8Array(Buffer.from(req.model, 'base64')));
  const feeds = {};
  for (const [name, f] of Object.entries(req.feeds)) feeds[name] = new ort.Tensor('float32', floats(f.data), f.dims);
  const out = await session.run(feeds);
  const res = {};
  for (const [name, t] of Object.entries(out)) {
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    res[name] = { data: bytes.toString('base64'), dims: t.dims };
  }
  process.stdout.write(JSON.stringify(res));
});`;

const toBase64 = (a: Uint8Array | Float32Array): string =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** Runs ONNX bytes on float32 feeds with onnxruntime-node and returns every output as a Float32Array. */
export async function runOnnx(bytes: Uint8Array, feeds: Feeds): Promise<Record<string, Float32Array>> {
  const request = {
    model: toBase64(bytes),
    feeds: Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, { data: toBase64(v.data), dims: v.dims }])),
  };
  const child = spawnSync(process.execPath, ['-e', CHILD_SCRIPT, require.resolve('onnxruntime-node')], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`onnxruntime child failed (${child.status}): ${child.stderr}`);
  const response = JSON.parse(child.stdout) as Record<string, { data: string }>;
  const result: Record<string, Float32Array> = {};
  for (const [name, { data }] of Object.entries(response)) {
    const buf = Buffer.from(data, 'base64');
    const out = new Float32Array(buf.byteLength / 4);
    for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
    result[name] = out;
  }
  return result;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return Number.isNaN(max) ? Infinity : max;
}

/** tfjs prediction of a single-output model as a flat Float32Array (tensors disposed). */
export function predictFlat(model: tf.LayersModel, x: tf.Tensor): Float32Array {
  return tf.tidy(() => Float32Array.from((model.predict(x) as tf.Tensor).dataSync()));
}

/** Seeded standard-normal data of a given shape, as a flat array. */
export function seededNormal(shape: number[], seed: number, std = 1): Float32Array {
  return tf.tidy(() => Float32Array.from(tf.randomNormal(shape, 0, std, 'float32', seed).dataSync()));
}

/** Small deterministic PRNG (mulberry32) for masks and labels. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Binary cross-entropy on raw logits, the loss the nets are trained with. */
export const logitLoss = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => tf.losses.sigmoidCrossEntropy(yTrue, yPred);

/** A couple of Adam steps on random labels, so parity is also checked on weights that moved off init. */
export async function trainTinySteps(model: tf.LayersModel, x: tf.Tensor, steps: number, seed: number): Promise<void> {
  const rand = mulberry32(seed);
  const n = x.shape[0];
  const y = tf.tensor2d(Array.from({ length: n }, () => (rand() < 0.3 ? 1 : 0)), [n, 1]);
  model.compile({ optimizer: tf.train.adam(0.05), loss: logitLoss });
  await model.fit(x, y, { epochs: steps, batchSize: n, shuffle: false, verbose: 0 });
  y.dispose();
}

/** All weights of a model, flattened, to prove training changed them. */
export function flatWeights(model: tf.LayersModel): Float32Array {
  const parts = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Selects the pure-JS CPU backend (the one training uses) and swallows tfjs's one-time "install
 * tfjs-node" banner, which it prints through console.warn on the first tensor write under Node.
 */
export async function useQuietCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    tf.zeros([1]).dispose();
  } finally {
    console.warn = warn;
  }
}

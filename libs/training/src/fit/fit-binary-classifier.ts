import * as tf from '@tensorflow/tfjs';

export interface BinaryTrainingData {
  /** Row-major features, `rows * featureSize` long. */
  x: Float32Array;
  y: Uint8Array;
  /** Shape of one example (without the batch dimension), e.g. [32, 32, 1]. */
  exampleShape: number[];
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Stop after this many epochs without validation-loss improvement; best weights are restored. */
  patience: number;
  onEpoch?: (epoch: number, trainLoss: number, validationLoss: number) => void;
}

export interface FitResult {
  classWeights: [number, number];
  epochsRun: number;
  bestEpoch: number;
  bestValidationLoss: number;
}

/**
 * Balanced class weights (n / (2 n_c)): each modality is trained on the cases that have it, and because
 * missingness is informative each subset has its own prevalence, so the weights are computed per subset.
 */
export function balancedClassWeights(y: Uint8Array): [number, number] {
  const positives = y.reduce((sum, v) => sum + v, 0);
  const negatives = y.length - positives;
  if (positives === 0 || negatives === 0) throw new Error('training data needs both classes');
  return [y.length / (2 * negatives), y.length / (2 * positives)];
}

/** Seeded Fisher-Yates so that epochs see the same order for the same seed. */
function shuffledIndices(n: number, seed: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let state = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const j = (state >>> 0) % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

function gatherRows(data: BinaryTrainingData, indices: ArrayLike<number>): { x: tf.Tensor; y: tf.Tensor2D } {
  const size = data.exampleShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(indices.length * size);
  const y = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i];
    x.set(data.x.subarray(row * size, (row + 1) * size), i * size);
    y[i] = data.y[row];
  }
  return { x: tf.tensor(x, [indices.length, ...data.exampleShape]), y: tf.tensor2d(y, [indices.length, 1]) };
}

function weightedLoss(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor2D, weights: [number, number], training: boolean): tf.Scalar {
  const logits = model.apply(x, { training }) as tf.Tensor2D;
  const sampleWeights = y.mul(weights[1] - weights[0]).add(weights[0]);
  return tf.losses.sigmoidCrossEntropy(y, logits, sampleWeights, 0, tf.Reduction.SUM_BY_NONZERO_WEIGHTS) as tf.Scalar;
}

/** Mean class-weighted loss over a dataset, evaluated in batches to bound memory. */
function datasetLoss(model: tf.LayersModel, data: BinaryTrainingData, weights: [number, number], batchSize: number): number {
  let total = 0;
  for (let start = 0; start < data.y.length; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, data.y.length - start) }, (_, i) => start + i);
    const batch = gatherRows(data, idx);
    const loss = tf.tidy(() => weightedLoss(model, batch.x, batch.y, weights, false));
    total += loss.dataSync()[0] * idx.length;
    tf.dispose([loss, batch.x, batch.y]);
  }
  return total / data.y.length;
}

/**
 * Mini-batch Adam on class-weighted sigmoid cross-entropy, with early stopping on the validation loss.
 * A custom loop rather than `model.fit` because tfjs' fit has no per-sample weights.
 */
export async function fitBinaryClassifier(
  model: tf.LayersModel,
  train: BinaryTrainingData,
  validation: BinaryTrainingData,
  options: FitOptions,
): Promise<FitResult> {
  const classWeights = balancedClassWeights(train.y);
  const optimizer = tf.train.adam(options.learningRate);
  let best = { loss: Infinity, epoch: -1, weights: model.getWeights().map((w) => w.clone()) };
  let epoch = 0;
  for (; epoch < options.epochs; epoch++) {
    const order = shuffledIndices(train.y.length, options.seed + epoch);
    let trainLoss = 0;
    for (let start = 0; start < order.length; start += options.batchSize) {
      const batch = gatherRows(train, order.subarray(start, start + options.batchSize));
      const loss = optimizer.minimize(() => weightedLoss(model, batch.x, batch.y, classWeights, true), true) as tf.Scalar;
      trainLoss += loss.dataSync()[0] * batch.y.shape[0];
      tf.dispose([loss, batch.x, batch.y]);
    }
    const validationLoss = datasetLoss(model, validation, classWeights, 512);
    options.onEpoch?.(epoch, trainLoss / order.length, validationLoss);
    if (validationLoss < best.loss - 1e-5) {
      tf.dispose(best.weights);
      best = { loss: validationLoss, epoch, weights: model.getWeights().map((w) => w.clone()) };
    } else if (epoch - best.epoch >= options.patience) {
      epoch++;
      break;
    }
  }
  model.setWeights(best.weights);
  tf.dispose(best.weights);
  optimizer.dispose();
  return { classWeights, epochsRun: epoch, bestEpoch: best.epoch, bestValidationLoss: best.loss };
}

/** Raw logits for every row, in batches. */
export function predictLogits(model: tf.LayersModel, data: Pick<BinaryTrainingData, 'x' | 'exampleShape'>, rows: number): Float32Array {
  const size = data.exampleShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(rows);
  for (let start = 0; start < rows; start += 512) {
    const count = Math.min(512, rows - start);
    const logits = tf.tidy(() => {
      const x = tf.tensor(data.x.subarray(start * size, (start + count) * size), [count, ...data.exampleShape]);
      return (model.predict(x) as tf.Tensor).reshape([count]);
    });
    out.set(logits.dataSync() as Float32Array, start);
    logits.dispose();
  }
  return out;
}

import * as tf from '@tensorflow/tfjs';
import type { ModalityEvidence, ModelManifest } from '@lf/contracts';
import { fitStacking, fuse, sigmoid, thresholdForSensitivity, type FusionParams } from '@lf/fusion';
import type { TrainingConfig } from '../config/training-config';
import { binaryMetrics, type BinaryMetrics } from '../evaluation/binary-metrics';
import { attentionFusionForward, attentionParamsToJson, type AttentionFusionParams } from '../nets';
import { exportAttentionFusionToOnnx, sha256Hex } from '../onnx';
import { buildFusionRows, type ModalityPredictions } from './build-fusion-rows';
import { fitAttentionFusion } from './fit-attention-fusion';
import { fitLogOddsWeights } from './fit-log-odds-weights';
import { withModalityDropout, type FusionRows } from './modality-dropout';

export interface TrainedFusion {
  manifest: ModelManifest;
  onnx: Uint8Array;
  params: FusionParams;
  validationByStrategy: Record<string, BinaryMetrics>;
  /** Fused probabilities on the validation split per strategy (for the reliability plot). */
  validationProbabilities: Record<string, number[]>;
}

/** A runner for the attention strategy backed by the in-memory tfjs parameters. */
export function tfjsAttentionRunner(params: AttentionFusionParams) {
  return async ({ calibratedLogits, mask }: { calibratedLogits: Float32Array; mask: Float32Array }) =>
    tf.tidy(() => {
      const m = mask.length;
      const out = attentionFusionForward(params, tf.tensor2d(calibratedLogits, [1, m]), tf.tensor2d(mask, [1, m]));
      return { fusedLogit: out.fusedLogit.dataSync()[0], weights: Array.from(out.weights.dataSync()) };
    });
}

export function evidenceForRow(rows: FusionRows, i: number): ModalityEvidence[] {
  const m = rows.modalities.length;
  return rows.modalities.map((modality, k) =>
    rows.mask[i * m + k] > 0
      ? { modality, status: 'ok' as const, probability: sigmoid(rows.z[i * m + k]), logit: rows.z[i * m + k] }
      : { modality, status: 'missing' as const },
  );
}

/**
 * Fits every fusion strategy's parameters on the validation split's calibrated predictions:
 * weighted-mean weights from each modality's validation AUROC, log-odds weights and stacking
 * coefficients by regularized logistic fits, the attention module by Adam, all on dropout-augmented rows.
 */
export async function trainFusion(
  labels: Uint8Array,
  predictions: ModalityPredictions[],
  modalityManifests: ModelManifest[],
  config: TrainingConfig,
  log: (line: string) => void,
): Promise<TrainedFusion> {
  const rows = buildFusionRows(labels, predictions);
  const augmented = withModalityDropout(rows, config.fusion.replicas, config.fusion.dropoutRate, config.seed);
  const prior = labels.reduce((a, b) => a + b, 0) / labels.length;
  const modalities = rows.modalities;

  const weightedMeanWeights = Object.fromEntries(
    modalityManifests.map((mf) => [mf.name, Math.max((mf.metrics.validation?.auroc ?? 0.5) - 0.5, 0.01)]),
  );
  const logOddsWeights = fitLogOddsWeights(augmented, prior);
  const stackingRows = Array.from({ length: rows.labels.length }, (_, i) => ({ evidence: evidenceForRow(rows, i), label: rows.labels[i] as 0 | 1 }));
  const stacking = fitStacking(stackingRows, { modalities, l2: 1e-3, dropoutRate: config.fusion.dropoutRate, replicas: config.fusion.replicas, seed: config.seed });
  const attention = fitAttentionFusion(augmented, { epochs: config.fusion.attentionEpochs, seed: config.seed });
  log(`fusion: log-odds weights ${JSON.stringify(logOddsWeights)}; stacking ${JSON.stringify(stacking)}`);

  const params: FusionParams = {
    prior,
    weightedMean: { weights: weightedMeanWeights },
    logOdds: { prior, weights: logOddsWeights },
    stacking,
    attention: { modalities },
    riskBands: { moderate: prior, high: 0.5 },
  };
  const runners = { attention: tfjsAttentionRunner(attention) };
  const validationProbabilities: Record<string, number[]> = {};
  const validationByStrategy: Record<string, BinaryMetrics> = {};
  for (const strategy of ['weighted-mean', 'log-odds', 'stacking', 'attention'] as const) {
    const probabilities: number[] = [];
    for (let i = 0; i < rows.labels.length; i++) probabilities.push((await fuse(strategy, evidenceForRow(rows, i), params, runners)).probability);
    validationProbabilities[strategy] = probabilities;
    validationByStrategy[strategy] = binaryMetrics(probabilities, labels);
    log(`fusion: ${strategy} validation AUROC ${validationByStrategy[strategy].auroc} ECE ${validationByStrategy[strategy].ece}`);
  }
  // Operating points on validation: 'moderate' from 90 % sensitivity, 'high' from 50 % sensitivity, both
  // read off the stacking output (calibrated, so the thresholds transfer to the other strategies).
  params.riskBands = {
    moderate: round(thresholdForSensitivity(validationProbabilities['stacking'], Array.from(labels), 0.9).threshold),
    high: round(thresholdForSensitivity(validationProbabilities['stacking'], Array.from(labels), 0.5).threshold),
  };

  const onnx = exportAttentionFusionToOnnx(attention);
  const best = validationByStrategy['attention'];
  const manifest: ModelManifest = {
    name: 'fusion',
    version: config.version,
    kind: 'fusion',
    file: 'model.onnx',
    sha256: sha256Hex(onnx),
    inputs: [
      { name: 'calibrated_logits', shape: ['N', modalities.length], dtype: 'float32' },
      { name: 'mask', shape: ['N', modalities.length], dtype: 'float32' },
    ],
    outputs: [
      { name: 'fused_logit', shape: ['N', 1], dtype: 'float32' },
      { name: 'weights', shape: ['N', modalities.length], dtype: 'float32' },
    ],
    fusion: {
      defaultStrategy: 'stacking',
      modalities,
      modelVersions: Object.fromEntries(modalityManifests.map((mf) => [mf.name, mf.version])),
      params,
      attentionParams: attentionParamsToJson(attention),
      validationByStrategy,
    },
    metrics: { validation: best },
    training: {
      seed: config.seed,
      cohort: { trainSeed: config.train.seed, validationSeed: config.validation.seed, nTrain: config.train.n, nValidation: config.validation.n },
      epochs: config.fusion.attentionEpochs,
      smoke: config.smoke,
      createdWith: 'libs/training fusion fitters (attention: @tensorflow/tfjs 4.22.0 -> ONNX exporter)',
    },
  };
  return { manifest, onnx, params, validationByStrategy, validationProbabilities };
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

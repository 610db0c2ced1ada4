import * as tf from '@tensorflow/tfjs';
import type { ModelManifest } from '@lf/contracts';
import { applyPlatt, fitPlatt, sigmoid } from '@lf/fusion';
import type { TrainingConfig } from '../config/training-config';
import { binaryMetrics } from '../evaluation/binary-metrics';
import { fitBinaryClassifier, predictLogits, type BinaryTrainingData } from '../fit/fit-binary-classifier';
import { exportLayersModelToOnnx, sha256Hex } from '../onnx';

export interface ModalityTrainingJob {
  modality: string;
  model: tf.LayersModel;
  train: BinaryTrainingData;
  validation: BinaryTrainingData;
  /** Validation rows -> case index in the validation split (fusion joins modalities on it). */
  validationCaseIndex: ArrayLike<number>;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** ONNX input: name and shape including the symbolic batch dimension. */
  onnxInput: { name: string; shape: (number | string)[]; layout?: 'channels-first' };
  preprocessing: Record<string, unknown>;
}

export interface TrainedModality {
  manifest: ModelManifest;
  onnx: Uint8Array;
  /** Raw and calibrated validation logits/probabilities, aligned with validationCaseIndex. */
  validationLogits: Float32Array;
  validationProbabilities: Float64Array;
  validationCaseIndex: ArrayLike<number>;
  validationLabels: Uint8Array;
}

export async function trainModalityModel(job: ModalityTrainingJob, config: TrainingConfig, log: (line: string) => void): Promise<TrainedModality> {
  const started = Date.now();
  const fit = await fitBinaryClassifier(job.model, job.train, job.validation, {
    epochs: job.epochs,
    batchSize: job.batchSize,
    learningRate: job.learningRate,
    seed: config.seed,
    patience: config.patience,
    onEpoch: (epoch, trainLoss, validationLoss) =>
      log(`${job.modality}: epoch ${epoch + 1}/${job.epochs} train loss ${trainLoss.toFixed(4)} validation loss ${validationLoss.toFixed(4)} (${((Date.now() - started) / 1000).toFixed(0)} s)`),
  });
  const logits = predictLogits(job.model, job.validation, job.validation.y.length);
  const labels = Array.from(job.validation.y);
  // Platt scaling on the validation split: class weighting (and each modality's own prevalence) shifts
  // the raw logits, so the uncalibrated sigmoid would overstate risk.
  const calibration = { method: 'platt' as const, ...fitPlatt(Array.from(logits), labels) };
  const calibrated = Float64Array.from(logits, (z) => applyPlatt(calibration, z));
  const uncalibrated = Array.from(logits, (z) => sigmoid(z));
  const before = binaryMetrics(uncalibrated, labels);
  const after = binaryMetrics(calibrated, labels);
  const onnx = exportLayersModelToOnnx(job.model, {
    inputName: job.onnxInput.name,
    inputShape: job.onnxInput.shape,
    inputLayout: job.onnxInput.layout,
    outputName: 'logit',
    docString: `${job.modality} risk model ${config.version} (synthetic data only, not for clinical use)`,
  });
  const manifest: ModelManifest = {
    name: job.modality,
    version: config.version,
    kind: 'modality',
    modality: job.modality,
    file: 'model.onnx',
    sha256: sha256Hex(onnx),
    inputs: [{ name: job.onnxInput.name, shape: job.onnxInput.shape, dtype: 'float32' }],
    outputs: [{ name: 'logit', shape: ['N', 1], dtype: 'float32' }],
    preprocessing: job.preprocessing,
    calibration,
    metrics: { validation: { ...after, eceBefore: before.ece } },
    training: {
      seed: config.seed,
      cohort: { trainSeed: config.train.seed, validationSeed: config.validation.seed, nTrain: config.train.n, nValidation: config.validation.n },
      epochs: fit.epochsRun,
      classWeights: fit.classWeights,
      smoke: config.smoke,
      createdWith: '@tensorflow/tfjs 4.22.0 (cpu) -> libs/training ONNX exporter',
    },
  };
  log(`${job.modality}: validation AUROC ${after.auroc} ECE ${before.ece} -> ${after.ece} (best epoch ${fit.bestEpoch + 1})`);
  return {
    manifest,
    onnx,
    validationLogits: logits,
    validationProbabilities: calibrated,
    validationCaseIndex: job.validationCaseIndex,
    validationLabels: job.validation.y,
  };
}

import * as tf from '@tensorflow/tfjs';
import type { CohortOptions } from '@lf/cohort';
import {
  DEFAULT_IMAGING_SPEC,
  DEFAULT_VITALS_SPEC,
  fitTabularStats,
  fitVitalsStats,
  preprocessTabular,
  preprocessVitals,
  type ImagingSpec,
} from '@lf/preprocessing';
import { sigmoid } from '@lf/fusion';
import { renderModelCard } from '../artifacts/model-card';
import { reliabilityPlotSvg } from '../artifacts/reliability-plot-svg';
import { writeModelArtifacts } from '../artifacts/write-model-artifacts';
import type { TrainingConfig } from '../config/training-config';
import { collectCohortSplit, type CohortSplit } from '../data/cohort-split';
import type { BinaryTrainingData } from '../fit/fit-binary-classifier';
import { trainFusion } from '../fusion/train-fusion';
import { buildImagingNet, buildTabularNet, buildVitalsNet } from '../nets';
import { trainModalityModel, type TrainedModality } from './train-modality-model';

const COHORT_NOTE =
  '- Synthetic cohort from `libs/cohort` (latent severity and organ-system factors, see its README). The training split keeps the natural, informative missingness, so this modality is trained only on the cases that have it, with balanced class weights for that subset; the validation split renders every modality for every case.';

function subset(labels: Uint8Array, caseIndex: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(Array.from(caseIndex, (i) => labels[i]));
}

function stack(rows: Float32Array[], size: number): Float32Array {
  const out = new Float32Array(rows.length * size);
  rows.forEach((r, i) => out.set(r, i * size));
  return out;
}

/** Trains the three modality models and the fusion bundle, writing them under `config.outDir`. */
export async function trainAll(config: TrainingConfig, log: (line: string) => void = console.log): Promise<{ dirs: string[] }> {
  await tf.setBackend('cpu');
  const imagingSpec: ImagingSpec = { ...DEFAULT_IMAGING_SPEC, size: config.imaging.size };
  const t0 = Date.now();
  const trainOptions: CohortOptions = { seed: config.train.seed, n: config.train.n, imagingFormat: 'mixed' };
  const validationOptions: CohortOptions = { seed: config.validation.seed, n: config.validation.n, imagingFormat: 'mixed', naturalMissingness: false };
  const train: CohortSplit = collectCohortSplit(trainOptions, imagingSpec);
  const validation: CohortSplit = collectCohortSplit(validationOptions, imagingSpec);
  log(`cohort: train n=${train.n} (imaging ${train.imaging.caseIndex.length}, tabular ${train.tabular.inputs.length}, vitals ${train.vitals.inputs.length}), validation n=${validation.n}, rejected ${train.rejected + validation.rejected} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

  const trained: TrainedModality[] = [];
  const cohortDescription = (extra: string) => `${COHORT_NOTE}\n- ${extra}`;

  // Imaging: small strided CNN on the lung-windowed slice, downsampled to size x size.
  const s = config.imaging.size;
  const c = train.imaging.channels;
  const imagingData = (split: CohortSplit): BinaryTrainingData => ({
    x: split.imaging.x,
    y: subset(split.labels, split.imaging.caseIndex),
    exampleShape: [s, s, c],
  });
  trained.push(
    await trainModalityModel(
      {
        modality: 'imaging',
        model: buildImagingNet({ size: s, channels: c, seed: config.seed }),
        train: imagingData(train),
        validation: imagingData(validation),
        validationCaseIndex: validation.imaging.caseIndex,
        ...config.imaging,
        onnxInput: { name: 'image', shape: ['N', c, s, s], layout: 'channels-first' },
        preprocessing: { imaging: imagingSpec },
      },
      config,
      log,
    ),
  );

  // Tabular: standardization and imputation statistics come from the training split only.
  const tabularStats = fitTabularStats(train.tabular.inputs);
  const tabularRows = (split: CohortSplit) => split.tabular.inputs.map((input) => preprocessTabular(input, tabularStats).tensor);
  const trainTabular = tabularRows(train);
  const features = trainTabular[0].length;
  const tabularData = (split: CohortSplit, rows: Float32Array[]): BinaryTrainingData => ({
    x: stack(rows, features),
    y: subset(split.labels, split.tabular.caseIndex),
    exampleShape: [features],
  });
  trained.push(
    await trainModalityModel(
      {
        modality: 'tabular',
        model: buildTabularNet({ features, seed: config.seed }),
        train: tabularData(train, trainTabular),
        validation: tabularData(validation, tabularRows(validation)),
        validationCaseIndex: validation.tabular.caseIndex,
        ...config.tabular,
        onnxInput: { name: 'features', shape: ['N', features] },
        preprocessing: { tabular: tabularStats },
      },
      config,
      log,
    ),
  );

  // Vitals: irregular samples resampled onto an hourly grid with carry-forward and observation masks.
  const vitalsSpec = DEFAULT_VITALS_SPEC;
  const vitalsStats = fitVitalsStats(train.vitals.inputs, vitalsSpec);
  const vitalsRows = (split: CohortSplit) => split.vitals.inputs.map((input) => preprocessVitals(input, vitalsSpec, vitalsStats));
  const trainVitals = vitalsRows(train);
  const [steps, channels] = trainVitals[0].shape;
  const vitalsData = (split: CohortSplit, rows: { tensor: Float32Array }[]): BinaryTrainingData => ({
    x: stack(rows.map((r) => r.tensor), steps * channels),
    y: subset(split.labels, split.vitals.caseIndex),
    exampleShape: [steps, channels],
  });
  trained.push(
    await trainModalityModel(
      {
        modality: 'vitals',
        model: buildVitalsNet({ steps, channels, seed: config.seed }),
        train: vitalsData(train, trainVitals),
        validation: vitalsData(validation, vitalsRows(validation)),
        validationCaseIndex: validation.vitals.caseIndex,
        ...config.vitals,
        onnxInput: { name: 'series', shape: ['N', steps, channels] },
        preprocessing: { vitals: { spec: vitalsSpec, stats: vitalsStats } },
      },
      config,
      log,
    ),
  );

  const architectures: Record<string, string> = {
    imaging: `CNN: 3 x (3x3 conv, stride 2, ReLU; 8/16/16 filters) -> global average pool, concatenated with the input's global average (wide-and-deep shortcut) -> dense logit; input ${c}x${s}x${s}: lung-windowed intensity plus per-cell fractions of native pixels in the aerated-lung (-950..-750 HU) and ground-glass/consolidation (-750..-200 HU) bands`,
    tabular: `MLP: ${features} inputs (standardized values + missingness indicators) -> 16 ReLU -> logit`,
    vitals: `temporal CNN: ${steps} hourly steps x ${channels} channels (6 normalized vitals + 6 observation masks) -> conv1d k5 16 ReLU -> conv1d k3 s2 16 ReLU -> global average pool -> 8 ReLU -> logit`,
  };
  const dirs: string[] = [];
  for (const model of trained) {
    const svg = reliabilityPlotSvg(
      `${model.manifest.name} ${model.manifest.version}: validation reliability`,
      [
        { label: 'uncalibrated sigmoid(logit)', colour: '#d95f02', probabilities: Array.from(model.validationLogits, (z) => sigmoid(z)) },
        { label: 'Platt-calibrated', colour: '#1b9e77', probabilities: model.validationProbabilities },
      ],
      model.validationLabels,
    );
    const card = renderModelCard({
      manifest: model.manifest,
      summary: `Scores the **${model.manifest.modality}** modality of a case with the probability of clinical deterioration (ICU transfer or death within 48 h) in the late-fusion pipeline; its calibrated probability is one input of the fusion aggregator. Research and engineering demonstration only.`,
      architecture: architectures[model.manifest.name],
      trainingData: cohortDescription(`Modality-specific preprocessing: \`libs/preprocessing\` (${Object.keys(model.manifest.preprocessing ?? {}).join(', ')}); fitted statistics are stored in the manifest.`),
      calibrationPlot: 'calibration.svg',
    });
    dirs.push(writeModelArtifacts(config.outDir, { manifest: model.manifest, onnx: model.onnx, modelCard: card, calibrationSvg: svg }));
  }

  const fusion = await trainFusion(
    validation.labels,
    trained.map((t) => ({ modality: t.manifest.name, caseIndex: t.validationCaseIndex, probabilities: t.validationProbabilities })),
    trained.map((t) => t.manifest),
    config,
    log,
  );
  const fusionSvg = reliabilityPlotSvg(
    `fusion ${config.version}: validation reliability (in-sample)`,
    [
      { label: 'weighted-mean', colour: '#7570b3', probabilities: fusion.validationProbabilities['weighted-mean'] },
      { label: 'stacking', colour: '#1b9e77', probabilities: fusion.validationProbabilities['stacking'] },
      { label: 'attention', colour: '#d95f02', probabilities: fusion.validationProbabilities['attention'] },
    ],
    validation.labels,
  );
  const fusionTable = Object.entries(fusion.validationByStrategy)
    .map(([k, m]) => `  - ${k}: AUROC ${m.auroc.toFixed(3)}, AUPRC ${m.auprc.toFixed(3)}, ECE ${m.ece.toFixed(3)}`)
    .join('\n');
  dirs.push(
    writeModelArtifacts(config.outDir, {
      manifest: fusion.manifest,
      onnx: fusion.onnx,
      calibrationSvg: fusionSvg,
      modelCard: renderModelCard({
        manifest: fusion.manifest,
        summary:
          'Combines the calibrated per-modality probabilities of one case into one calibrated risk. The bundle holds every strategy\'s parameters (weighted-mean weights, log-odds weights, stacking coefficients, risk-band thresholds) and, as `model.onnx`, the attention module, which weights modalities from their calibrated logits, confidence and a presence mask.',
        architecture: 'attention: per-modality 3->4 tanh scorer over (z, |z|, 1), masked softmax over modalities, fused logit = bias + sum_m weight_m gamma_m z_m + sum_m delta_m mask_m; stacking: logistic regression over calibrated logits and presence indicators',
        trainingData: `${COHORT_NOTE}\n- Fitted on the validation split's calibrated modality predictions, replicated ${config.fusion.replicas}x with random modality dropout (rate ${config.fusion.dropoutRate}) so that missing modalities are seen in training.\n- In-sample validation figures per strategy:\n${fusionTable}`,
        calibrationPlot: 'calibration.svg',
        extraLimitations: ['Fitted on the same validation split as the modality calibrations; held-out figures are in reports/evaluation.json.'],
      }),
    }),
  );
  log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${dirs.join(', ')}`);
  return { dirs };
}

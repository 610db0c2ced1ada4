/**
 * What `npm run train` does, as data. FULL reproduces the committed models; SMOKE exercises the whole
 * pipeline in seconds (CI) and writes to a scratch directory, never over `models/`.
 */
export interface TrainingConfig {
  version: string;
  outDir: string;
  smoke: boolean;
  /** Seed for weight initialisation and batch order. */
  seed: number;
  train: { seed: number; n: number };
  /** Rendered with every modality for every case: calibration and fusion are fitted here. */
  validation: { seed: number; n: number };
  imaging: { size: number; epochs: number; batchSize: number; learningRate: number };
  tabular: { epochs: number; batchSize: number; learningRate: number };
  vitals: { epochs: number; batchSize: number; learningRate: number };
  fusion: { dropoutRate: number; replicas: number; attentionEpochs: number };
  patience: number;
}

export const FULL_TRAINING: TrainingConfig = {
  version: '1.0.0',
  outDir: 'models',
  smoke: false,
  seed: 7,
  train: { seed: 1001, n: 6000 },
  validation: { seed: 1002, n: 2500 },
  imaging: { size: 32, epochs: 8, batchSize: 32, learningRate: 3e-3 },
  tabular: { epochs: 60, batchSize: 64, learningRate: 3e-3 },
  vitals: { epochs: 40, batchSize: 64, learningRate: 3e-3 },
  fusion: { dropoutRate: 0.3, replicas: 4, attentionEpochs: 300 },
  patience: 5,
};

export const SMOKE_TRAINING: TrainingConfig = {
  ...FULL_TRAINING,
  version: '0.0.0-smoke',
  outDir: 'tmp/models-smoke',
  smoke: true,
  train: { seed: 1001, n: 240 },
  validation: { seed: 1002, n: 160 },
  imaging: { ...FULL_TRAINING.imaging, epochs: 1 },
  tabular: { ...FULL_TRAINING.tabular, epochs: 2 },
  vitals: { ...FULL_TRAINING.vitals, epochs: 2 },
  fusion: { dropoutRate: 0.3, replicas: 2, attentionEpochs: 5 },
};

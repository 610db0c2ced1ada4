import type { ModelManifest } from '@lf/contracts';

export interface ModelCardContext {
  manifest: ModelManifest;
  summary: string;
  architecture: string;
  trainingData: string;
  /** Relative path of the reliability diagram next to the card. */
  calibrationPlot?: string;
  extraLimitations?: string[];
}

const fmt = (v: number | undefined) => (v === undefined ? 'n/a' : v.toFixed(3));

/** MODEL_CARD.md in the spirit of Mitchell et al. 2019, generated so it can never drift from the manifest. */
export function renderModelCard(ctx: ModelCardContext): string {
  const { manifest } = ctx;
  const validation = manifest.metrics.validation;
  const lines = [
    `# Model card: ${manifest.name} ${manifest.version}`,
    '',
    '> **Synthetic data only. Not a medical device; not for clinical use.** Trained and validated on the',
    "> project's own synthetic cohort (`libs/cohort`); its figures say nothing about real patients.",
    '',
    '## Intended use',
    ctx.summary,
    '',
    '## Model',
    `- Kind: ${manifest.kind}${manifest.modality ? ` (modality \`${manifest.modality}\`)` : ''}`,
    `- Architecture: ${ctx.architecture}`,
    manifest.file ? `- File: \`${manifest.file}\`, sha256 \`${manifest.sha256}\`` : '- Parameters: in `manifest.json`',
    `- Inputs: ${manifest.inputs.map((t) => `\`${t.name}\` [${t.shape.join(', ')}]`).join(', ')}`,
    `- Outputs: ${manifest.outputs.map((t) => `\`${t.name}\` [${t.shape.join(', ')}]`).join(', ')}`,
    manifest.calibration ? `- Calibration: ${JSON.stringify(manifest.calibration)} (fitted on the validation split, applied in the worker)` : '',
    '',
    '## Data',
    ctx.trainingData,
    `- Training cohort seed ${manifest.training.cohort.trainSeed} (n=${manifest.training.cohort.nTrain}), validation seed ${manifest.training.cohort.validationSeed} (n=${manifest.training.cohort.nValidation}), training seed ${manifest.training.seed}${manifest.training.classWeights ? `, class weights [${manifest.training.classWeights.map((w) => w.toFixed(3)).join(', ')}]` : ''}${manifest.training.epochs !== undefined ? `, ${manifest.training.epochs} epochs` : ''}.`,
    manifest.training.smoke ? '- **Smoke build**: tiny data and one or two epochs; exists to exercise the pipeline, not to be served.' : '',
    '',
    '## Metrics (validation split)',
    '| n | prevalence | AUROC | AUROC 95% CI | AUPRC | Brier | ECE before calibration | ECE after |',
    '|---|---|---|---|---|---|---|---|',
    validation
      ? `| ${validation.n} | ${fmt(validation.prevalence)} | ${fmt(validation.auroc)} | ${validation.aurocCi ? validation.aurocCi.map(fmt).join('-') : 'n/a'} | ${fmt(validation.auprc)} | ${fmt(validation.brier)} | ${fmt(validation.eceBefore)} | ${fmt(validation.ece)} |`
      : '| n/a |',
    '',
    'Held-out test figures are in `reports/evaluation.json` (`npm run evaluate`).',
    '',
    ctx.calibrationPlot ? `## Calibration\n![reliability diagram](${ctx.calibrationPlot})\n` : '',
    '## Limitations',
    '- Synthetic data only: the data-generating process is documented in `libs/cohort/README.md` and is far simpler than real patients.',
    '- Not validated on any real population, scanner, EHR or monitor; do not use for clinical decisions.',
    ...(ctx.extraLimitations ?? []).map((l) => `- ${l}`),
    '',
  ];
  return lines.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n');
}

import * as ort from 'onnxruntime-node';
import { generateCohort } from '@lf/cohort';
import type { CaseRequest, FusionStrategyName, ModalityEvidence } from '@lf/contracts';
import { FUSION_STRATEGIES } from '@lf/contracts';
import { calibrate, fuse, logit, type FusionParams } from '@lf/fusion';
import {
  preprocessImaging,
  preprocessTabular,
  preprocessVitals,
  type ImagingSpec,
  type TabularStats,
  type VitalsSpec,
  type VitalsStats,
} from '@lf/preprocessing';
import { attentionOnnxRunner } from '@lf/model-artifacts';
import { loadModel, type LoadedModel } from '../runtime/load-model';
import { resolveModelDir } from '../runtime/resolve-model-dir';
import { binaryMetrics, type BinaryMetrics } from './binary-metrics';

export const SCENARIOS = ['all', 'no-imaging', 'no-tabular', 'no-vitals', 'only-imaging', 'only-tabular', 'only-vitals'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface EvaluationRow extends BinaryMetrics {
  model: string;
  scenario: Scenario;
}

export interface EvaluationReport {
  cohort: { seed: number; n: number; prevalence: number };
  models: Record<string, string>;
  rows: EvaluationRow[];
  targets: { name: string; met: boolean; detail: string }[];
}

type Preprocessor = (request: CaseRequest) => Float32Array | undefined;

function preprocessorFor(model: LoadedModel): Preprocessor {
  const pre = model.manifest.preprocessing as Record<string, unknown>;
  switch (model.manifest.modality) {
    case 'imaging':
      return (r) => (r.inputs.imaging ? preprocessImaging(r.inputs.imaging, pre['imaging'] as ImagingSpec).tensor : undefined);
    case 'tabular':
      return (r) => (r.inputs.tabular ? preprocessTabular(r.inputs.tabular, pre['tabular'] as TabularStats).tensor : undefined);
    case 'vitals': {
      const { spec, stats } = pre['vitals'] as { spec: VitalsSpec; stats: VitalsStats };
      return (r) => (r.inputs.vitals ? preprocessVitals(r.inputs.vitals, spec, stats).tensor : undefined);
    }
    default:
      throw new Error(`no preprocessing for modality '${model.manifest.modality}'`);
  }
}

async function runLogits(model: LoadedModel, inputs: Float32Array[]): Promise<Float32Array> {
  const spec = model.manifest.inputs[0];
  const exampleShape = spec.shape.slice(1) as number[];
  const size = exampleShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(inputs.length);
  for (let start = 0; start < inputs.length; start += 256) {
    const batch = inputs.slice(start, start + 256);
    const data = new Float32Array(batch.length * size);
    batch.forEach((x, i) => data.set(x, i * size));
    const result = await model.session!.run({ [spec.name]: new ort.Tensor('float32', data, [batch.length, ...exampleShape]) });
    out.set(result[model.manifest.outputs[0].name].data as Float32Array, start);
  }
  return out;
}

function scenarioKeeps(scenario: Scenario, modality: string): boolean {
  if (scenario === 'all') return true;
  const [kind, name] = scenario.split('-');
  return kind === 'no' ? modality !== name : modality === name;
}

/**
 * Scores a held-out cohort with the committed ONNX models exactly as the workers will (same
 * preprocessing, same calibration from the manifest), then fuses every scenario with every strategy.
 */
export async function evaluateModels(options: { modelsRoot: string; seed: number; n: number; log?: (line: string) => void }): Promise<EvaluationReport> {
  const log = options.log ?? (() => undefined);
  const modalities = ['imaging', 'tabular', 'vitals'];
  const models = await Promise.all(modalities.map((m) => loadModel(resolveModelDir(options.modelsRoot, m))));
  const fusionModel = await loadModel(resolveModelDir(options.modelsRoot, 'fusion'));
  const fusionBundle = fusionModel.manifest.fusion as { params: FusionParams };
  const preprocessors = models.map(preprocessorFor);

  const labels: number[] = [];
  const tensors: Float32Array[][] = modalities.map(() => []);
  const rowOf: number[][] = modalities.map(() => []);
  let index = 0;
  for (const generated of generateCohort({ seed: options.seed, n: options.n, naturalMissingness: false, imagingFormat: 'mixed' })) {
    labels.push(generated.label);
    preprocessors.forEach((pre, k) => {
      const tensor = pre(generated.request);
      if (tensor) {
        tensors[k].push(tensor);
        rowOf[k].push(index);
      }
    });
    index++;
    if (index % 1000 === 0) log(`preprocessed ${index}/${options.n}`);
  }
  const probabilities = modalities.map(() => new Float64Array(labels.length).fill(NaN));
  for (let k = 0; k < modalities.length; k++) {
    const logits = await runLogits(models[k], tensors[k]);
    logits.forEach((z, i) => (probabilities[k][rowOf[k][i]] = calibrate(models[k].manifest.calibration!, z)));
  }

  const rows: EvaluationRow[] = [];
  modalities.forEach((modality, k) => {
    const present = labels.map((_, i) => i).filter((i) => !Number.isNaN(probabilities[k][i]));
    rows.push({ model: modality, scenario: 'all', ...binaryMetrics(present.map((i) => probabilities[k][i]), present.map((i) => labels[i])) });
  });
  const runners = { attention: attentionOnnxRunner(fusionModel.session!) };
  for (const strategy of FUSION_STRATEGIES as readonly FusionStrategyName[]) {
    for (const scenario of SCENARIOS) {
      const fused: number[] = [];
      for (let i = 0; i < labels.length; i++) {
        const evidence: ModalityEvidence[] = modalities.map((modality, k) => {
          const p = probabilities[k][i];
          return scenarioKeeps(scenario, modality) && !Number.isNaN(p)
            ? { modality, status: 'ok', probability: p, logit: logit(p) }
            : { modality, status: 'missing' };
        });
        fused.push((await fuse(strategy, evidence, fusionBundle.params, runners)).probability);
      }
      rows.push({ model: `fusion:${strategy}`, scenario, ...binaryMetrics(fused, labels) });
    }
    log(`fused with ${strategy}`);
  }
  const prevalence = labels.reduce((a, b) => a + b, 0) / labels.length;
  return {
    cohort: { seed: options.seed, n: labels.length, prevalence: Math.round(prevalence * 10_000) / 10_000 },
    models: Object.fromEntries([...models, fusionModel].map((m) => [m.manifest.name, m.manifest.version])),
    rows,
    targets: checkTargets(rows, modalities),
  };
}

/** The acceptance targets, computed from the rows (never tuned against: reported as they are). */
export function checkTargets(rows: EvaluationRow[], modalities: string[]): EvaluationReport['targets'] {
  const single = (m: string) => rows.find((r) => r.model === m && r.scenario === 'all')!;
  const bestFusion = (scenario: Scenario) =>
    rows.filter((r) => r.model.startsWith('fusion:') && r.scenario === scenario).reduce((a, b) => (b.auroc > a.auroc ? b : a));
  const bestSingle = modalities.map(single).reduce((a, b) => (b.auroc > a.auroc ? b : a));
  const all = bestFusion('all');
  const targets = [
    {
      name: 'fusion AUROC >= best single + 0.05 (all present)',
      met: all.auroc >= bestSingle.auroc + 0.05,
      detail: `${all.model} ${all.auroc.toFixed(4)} vs ${bestSingle.model} ${bestSingle.auroc.toFixed(4)} (gain ${(all.auroc - bestSingle.auroc).toFixed(4)})`,
    },
  ];
  for (const missing of modalities) {
    const remaining = modalities.filter((m) => m !== missing).map(single).reduce((a, b) => (b.auroc > a.auroc ? b : a));
    const fused = bestFusion(`no-${missing}` as Scenario);
    targets.push({
      name: `fusion AUROC >= best remaining single (no-${missing})`,
      met: fused.auroc >= remaining.auroc,
      detail: `${fused.model} ${fused.auroc.toFixed(4)} vs ${remaining.model} ${remaining.auroc.toFixed(4)}`,
    });
  }
  const eceRows = [...modalities.map(single), ...rows.filter((r) => r.model.startsWith('fusion:') && r.scenario === 'all')];
  const worst = eceRows.reduce((a, b) => (b.ece > a.ece ? b : a));
  targets.push({
    name: 'ECE <= 0.03 for each calibrated modality and fused output (all present)',
    met: worst.ece <= 0.03,
    detail: eceRows.map((r) => `${r.model} ${r.ece.toFixed(4)}`).join(', '),
  });
  return targets;
}

export function formatEvaluationTable(report: EvaluationReport): string {
  const header = ['model', 'scenario', 'AUROC', '95% CI', 'AUPRC', 'Brier', 'ECE'];
  const lines = report.rows.map((r) => [r.model, r.scenario, r.auroc.toFixed(3), `${r.aurocCi[0].toFixed(3)}-${r.aurocCi[1].toFixed(3)}`, r.auprc.toFixed(3), r.brier.toFixed(3), r.ece.toFixed(3)]);
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const fmt = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ');
  return [
    `test cohort seed ${report.cohort.seed}, n=${report.cohort.n}, prevalence ${report.cohort.prevalence}; models ${JSON.stringify(report.models)}`,
    fmt(header),
    ...lines.map(fmt),
    '',
    ...report.targets.map((t) => `${t.met ? 'MET    ' : 'NOT MET'} ${t.name}: ${t.detail}`),
  ].join('\n');
}

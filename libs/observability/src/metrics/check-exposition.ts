/**
 * The naming scheme applied to what an app really exposes (its whole registry, scraped or in-process), so a
 * metric registered past the factories, a stray label or an id in a label value fails a test, not a dashboard.
 */
import type { Registry } from 'prom-client';
import { labelNameProblem, metricNameProblem, type MetricKind } from './metric-name';

export interface ExposedSample {
  /** The sample's own name (`lf_x_bucket`, `lf_x_sum`, ... for a histogram). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ExposedFamily {
  name: string;
  /** From `# TYPE`: counter | gauge | histogram | summary | untyped. */
  type: string;
  help: string;
  samples: ExposedSample[];
}

export interface ExpositionCheckOptions {
  /** Families allowed without the `lf_` scheme: prom-client's default process metrics. */
  foreign?: RegExp;
  /** Distinct label sets (histogram buckets not counted) one family may have. */
  maxSeriesPerFamily?: number;
}

const DEFAULT_FOREIGN = /^(process|nodejs)_/;
/** A UUID (any version) or a ULID: what case ids, trace ids and BullMQ job ids are made of. */
const ID_LIKE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|^[0-9A-HJKMNP-TV-Z]{26}$|^[0-9a-f]{32}$/i;

/** Prometheus text format (0.0.4) -> families by name. Throws on a line it cannot read. */
export function parseExposition(text: string): Map<string, ExposedFamily> {
  const families = new Map<string, ExposedFamily>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, type: 'untyped', help: '', samples: [] }));
    return f;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^# (TYPE|HELP) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') family(meta[2]).type = meta[3];
      else family(meta[2]).help = meta[3];
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = parseSample(line);
    family(familyOf(sample.name, families)).samples.push(sample);
  }
  return families;
}

/** Every way the exposition breaks the scheme (empty when it follows it). */
export function expositionProblems(text: string, options: ExpositionCheckOptions = {}): string[] {
  const foreign = options.foreign ?? DEFAULT_FOREIGN;
  const maxSeries = options.maxSeriesPerFamily ?? 500;
  const problems: string[] = [];
  for (const f of parseExposition(text).values()) {
    if (!f.name.startsWith('lf_')) {
      if (!foreign.test(f.name)) problems.push(`metric '${f.name}': not in the lf_ scheme and not a default process metric`);
      continue;
    }
    if (f.type !== 'counter' && f.type !== 'gauge' && f.type !== 'histogram') {
      problems.push(`metric '${f.name}': type ${f.type} (use a counter, gauge or histogram)`);
      continue;
    }
    const nameProblem = metricNameProblem(f.type as MetricKind, f.name);
    if (nameProblem) problems.push(`metric '${f.name}': ${nameProblem}`);
    const series = new Set<string>();
    const reported = new Set<string>();
    for (const s of f.samples) {
      if (s.labels['app'] === undefined) problems.push(`metric '${f.name}': a series without the app label`);
      const key: string[] = [];
      for (const [label, value] of Object.entries(s.labels)) {
        if (label === 'app' || (label === 'le' && s.name.endsWith('_bucket'))) continue;
        key.push(`${label}=${value}`);
        const labelProblem = labelNameProblem(label);
        if (labelProblem && !reported.has(label)) problems.push(`metric '${f.name}', label '${label}': ${labelProblem}`);
        if (labelProblem) reported.add(label);
        // The value is never printed: it could be an id, which is the very problem.
        if (ID_LIKE.test(value) && !reported.has(`${label}=id`)) {
          problems.push(`metric '${f.name}', label '${label}': a value looks like an id (unbounded cardinality)`);
          reported.add(`${label}=id`);
        }
      }
      series.add(key.sort().join(','));
    }
    if (series.size > maxSeries) problems.push(`metric '${f.name}': ${series.size} series (more than ${maxSeries}): a label is unbounded`);
  }
  return problems;
}

/** The scheme over a registry in-process: its exposition plus the label names of series not yet observed. */
export async function registryProblems(registry: Registry, options: ExpositionCheckOptions = {}): Promise<string[]> {
  const problems = expositionProblems(await registry.metrics(), options);
  for (const metric of registry.getMetricsAsArray()) {
    const labelNames = (metric as unknown as { labelNames?: readonly string[] }).labelNames ?? [];
    for (const label of labelNames) {
      const problem = labelNameProblem(label);
      const text = `metric '${metric.name}', label '${label}': ${problem}`;
      if (problem && !problems.includes(text)) problems.push(text);
    }
  }
  return problems;
}

function familyOf(sampleName: string, families: Map<string, ExposedFamily>): string {
  if (families.has(sampleName)) return sampleName;
  const base = sampleName.replace(/_(bucket|sum|count|created)$/, '');
  return families.has(base) ? base : sampleName;
}

function parseSample(line: string): ExposedSample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{)?/.exec(line);
  if (!m) throw new Error(`exposition: cannot read line '${line.slice(0, 80)}'`);
  const name = m[1];
  let i = m[0].length;
  const labels: Record<string, string> = {};
  if (m[2]) {
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(i));
      if (!label) throw new Error(`exposition: bad label in '${name}'`);
      i += label[0].length;
      let value = '';
      for (; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\') {
          i++;
          value += line[i] === 'n' ? '\n' : line[i];
        } else value += line[i];
      }
      if (line[i] !== '"') throw new Error(`exposition: unterminated label value in '${name}'`);
      i++;
      labels[label[1]] = value;
    }
  }
  const [raw] = line.slice(i).trim().split(/\s+/);
  // prom-client writes NaN as 'Nan' (an event-loop histogram before its first sample).
  const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : /^nan$/i.test(raw ?? '') ? NaN : Number(raw);
  if (raw === undefined || (Number.isNaN(value) && !/^nan$/i.test(raw))) throw new Error(`exposition: bad value for '${name}'`);
  return { name, labels, value };
}

/**
 * docs/metrics.md is the catalog of every metric the apps expose. These helpers read its table and check
 * PromQL (alert rules, Grafana panels) against it, so a query can only name a metric, and a label of that
 * metric, that some app really exposes (the e2e metrics test holds the table to the apps' /metrics).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './launch-app';

export type CatalogMetricType = 'counter' | 'gauge' | 'histogram';

export interface CatalogMetric {
  name: string;
  type: CatalogMetricType;
  labels: string[];
  /** App names; `*-worker` stands for every modality worker. */
  apps: string[];
  meaning: string;
}

export const METRICS_DOC = join(WORKSPACE_ROOT, 'docs', 'metrics.md');

/** Rows of every table whose first cell is a backticked `lf_` name: | metric | type | labels | app | meaning |. */
export function parseMetricCatalog(markdown: string): Map<string, CatalogMetric> {
  const catalog = new Map<string, CatalogMetric>();
  for (const line of markdown.split('\n')) {
    const cells = line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
    const name = /^`(lf_[a-z0-9_]+)`$/.exec(cells[0] ?? '')?.[1];
    if (!name) continue;
    if (cells.length < 5) throw new Error(`metrics catalog: row '${name}' needs 5 cells (metric | type | labels | app | meaning)`);
    const type = cells[1];
    if (type !== 'counter' && type !== 'gauge' && type !== 'histogram') throw new Error(`metrics catalog: '${name}' has type '${type}'`);
    if (catalog.has(name)) throw new Error(`metrics catalog: '${name}' is listed twice`);
    const list = (cell: string) => (cell === '' || cell === '—' || cell === '-' ? [] : cell.split(',').map((s) => s.trim().replace(/`/g, '')));
    catalog.set(name, { name, type, labels: list(cells[2]), apps: list(cells[3]), meaning: cells.slice(4).join('|') });
  }
  return catalog;
}

export function readMetricCatalog(path = METRICS_DOC): Map<string, CatalogMetric> {
  return parseMetricCatalog(readFileSync(path, 'utf8'));
}

/** Does a catalog entry's app list cover this app? */
export function catalogCoversApp(metric: CatalogMetric, app: string): boolean {
  return metric.apps.some((a) => a === app || (a.startsWith('*') && app.endsWith(a.slice(1))));
}

export interface PromQLSelector {
  metric: string;
  /** Label names in the selector's matchers. */
  labels: string[];
}

export interface PromQLScan {
  selectors: PromQLSelector[];
  /** Label names in by/without/on/ignoring/group_left/group_right clauses. */
  groupingLabels: string[];
}

const AGGREGATIONS = new Set([
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio',
]);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan', 'start', 'end']);

/**
 * The metric names and label names a PromQL expression uses (a scanner, not a full parser: strings, ranges
 * and comments are skipped; an identifier followed by `(` is a function). Grafana variables inside strings
 * and ranges (`$queue`, `$__rate_interval`) need no special care.
 */
export function scanPromQL(expr: string): PromQLScan {
  const selectors: PromQLSelector[] = [];
  const groupingLabels: string[] = [];
  let i = 0;
  const n = expr.length;
  const skipSpace = () => {
    while (i < n && /\s/.test(expr[i])) i++;
  };
  const readString = () => {
    const quote = expr[i++];
    while (i < n && expr[i] !== quote) i += expr[i] === '\\' ? 2 : 1;
    if (i >= n) throw new Error(`PromQL: unterminated string in '${expr}'`);
    i++;
  };
  const readBlock = (open: string, close: string): string => {
    const start = i++;
    while (i < n && expr[i] !== close) {
      if (expr[i] === '"' || expr[i] === "'" || expr[i] === '`') readString();
      else if (expr[i] === open) throw new Error(`PromQL: nested '${open}' in '${expr}'`);
      else i++;
    }
    if (i >= n) throw new Error(`PromQL: unclosed '${open}' in '${expr}'`);
    i++;
    return expr.slice(start + 1, i - 1);
  };
  const matcherLabels = (block: string): string[] =>
    block
      .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
      .split(',')
      .map((m) => /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/.exec(m)?.[1])
      .filter((l): l is string => l !== undefined);

  while (i < n) {
    const c = expr[i];
    if (/\s/.test(c)) i++;
    else if (c === '#') while (i < n && expr[i] !== '\n') i++;
    else if (c === '"' || c === "'" || c === '`') readString();
    else if (c === '[') readBlock('[', ']');
    else if (c === '{') {
      // A selector without a leading name: {__name__="lf_x", ...}.
      const block = readBlock('{', '}');
      const metric = /__name__\s*=\s*"([^"]+)"/.exec(block)?.[1];
      const labels = matcherLabels(block).filter((l) => l !== '__name__');
      selectors.push(metric ? { metric, labels } : { metric: '{}', labels });
    } else if (/[0-9.]/.test(c)) while (i < n && /[0-9a-zA-Z.+_]/.test(expr[i])) i++;
    else if (/[a-zA-Z_:]/.test(c)) {
      const start = i;
      while (i < n && /[a-zA-Z0-9_:]/.test(expr[i])) i++;
      const word = expr.slice(start, i);
      skipSpace();
      if (GROUPING.has(word)) {
        if (expr[i] === '(') groupingLabels.push(...readBlock('(', ')').split(',').map((s) => s.trim()).filter(Boolean));
      } else if (AGGREGATIONS.has(word) || KEYWORDS.has(word) || expr[i] === '(') {
        // a function, an aggregation or an operator keyword
      } else {
        selectors.push({ metric: word, labels: expr[i] === '{' ? matcherLabels(readBlock('{', '}')) : [] });
      }
    } else i++;
  }
  return { selectors, groupingLabels };
}

/** Labels Prometheus itself puts on every scraped series (plus the target labels of docker/prometheus). */
export const TARGET_LABELS = ['job', 'instance', 'system'];

/**
 * Everything in `expr` that the catalog does not back: unknown metrics, labels a metric does not have,
 * grouping by a label none of its metrics has, a histogram used without _bucket/_sum/_count.
 * `up` is Prometheus's own per-target series.
 */
export function promqlProblems(expr: string, catalog: ReadonlyMap<string, CatalogMetric>): string[] {
  const problems: string[] = [];
  const { selectors, groupingLabels } = scanPromQL(expr);
  const known = new Set<string>([...TARGET_LABELS, 'app']);
  if (selectors.length === 0) problems.push('uses no metric');
  for (const s of selectors) {
    if (s.metric === 'up') {
      for (const l of s.labels) if (!TARGET_LABELS.includes(l)) problems.push(`up has no label '${l}'`);
      continue;
    }
    const histogram = /^(.*)_(bucket|sum|count)$/.exec(s.metric);
    let entry = catalog.get(s.metric);
    let labels: string[];
    if (entry?.type === 'histogram') {
      problems.push(`histogram '${s.metric}' is used without _bucket, _sum or _count`);
      continue;
    }
    if (!entry && histogram && catalog.get(histogram[1])?.type === 'histogram') {
      entry = catalog.get(histogram[1])!;
      labels = [...entry.labels, ...(histogram[2] === 'bucket' ? ['le'] : [])];
    } else if (!entry) {
      problems.push(`unknown metric '${s.metric}' (not in docs/metrics.md)`);
      continue;
    } else labels = entry.labels;
    for (const l of labels) known.add(l);
    for (const l of s.labels) if (!labels.includes(l) && !TARGET_LABELS.includes(l) && l !== 'app') problems.push(`'${s.metric}' has no label '${l}'`);
  }
  for (const l of groupingLabels) if (!known.has(l)) problems.push(`grouping by '${l}', which none of its metrics has`);
  return problems;
}

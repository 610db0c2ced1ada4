import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseYamlStream, repoPath, WORKSPACE_ROOT } from './workspace';

/** The fields every test reads; the rest stays `unknown` and is read through the helpers below. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * `kubectl kustomize` (kustomize v5 is built into kubectl; this machine's kubectl is the Google Cloud SDK's, from
 * its image). No fallback on purpose: a hand-made subset of kustomize would prove nothing about the real one.
 */
function kubectl(args: string[]): string {
  const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (probe.error) {
    throw new Error(
      'kubectl is not installed: the deployment tests build the kustomizations with `kubectl kustomize` (kustomize v5). ' +
        'Install kubectl >= 1.27 (it embeds kustomize v5), or a kustomize binary as kubectl.',
    );
  }
  return execFileSync('kubectl', args, { cwd: WORKSPACE_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function kustomizeVersion(): string {
  const out = kubectl(['version', '--client']);
  const match = /Kustomize Version:\s*v?([0-9][^\s]*)/.exec(out);
  if (!match) throw new Error(`cannot read the kustomize version from 'kubectl version --client':\n${out}`);
  return match[1];
}

const builds = new Map<string, K8sObject[]>();

/** `kubectl kustomize <dir>` (dir relative to the repository root), parsed; cached per test file. */
export function kustomizeBuild(dir: string): K8sObject[] {
  let objects = builds.get(dir);
  if (!objects) {
    let text: string;
    try {
      text = kubectl(['kustomize', dir]);
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`kubectl kustomize ${dir} failed:\n${stderr || (error as Error).message}`);
    }
    objects = parseYamlStream(text) as K8sObject[];
    builds.set(dir, objects);
  }
  return objects;
}

/**
 * Builds a throwaway kustomization (under the repository's tmp/, which kustomize may read) that combines the
 * given resources and components, e.g. the base with the components no overlay enables by default.
 */
export function kustomizeVariant(name: string, spec: { resources: string[]; components?: string[]; namespace?: string }): K8sObject[] {
  mkdirSync(repoPath('tmp'), { recursive: true });
  const dir = mkdtempSync(join(repoPath('tmp'), `deploy-tests-${name}-`));
  const rel = (path: string) => relative(dir, repoPath(path));
  const lines = [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    ...(spec.namespace ? [`namespace: ${spec.namespace}`] : []),
    'resources:',
    ...spec.resources.map((r) => `  - ${rel(r)}`),
    ...(spec.components?.length ? ['components:', ...spec.components.map((c) => `  - ${rel(c)}`)] : []),
  ];
  writeFileSync(join(dir, 'kustomization.yaml'), `${lines.join('\n')}\n`);
  try {
    return kustomizeBuild(relative(WORKSPACE_ROOT, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const objectId = (o: K8sObject): string => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

export const ofKind = (objects: K8sObject[], kind: string): K8sObject[] => objects.filter((o) => o.kind === kind);

export function named(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} in the build`);
  return found;
}

/** Matches Kubernetes label selectors (matchLabels and matchExpressions). */
export function selectorMatches(
  selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined,
  labels: Record<string, string> = {},
): boolean {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = key in labels;
    if (operator === 'In' && !(has && values.includes(labels[key]))) return false;
    if (operator === 'NotIn' && has && values.includes(labels[key])) return false;
    if (operator === 'Exists' && !has) return false;
    if (operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

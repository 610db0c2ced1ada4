import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { SYSTEM_APPS, WORKSPACE_ROOT, type SystemAppName } from '@lf/testing';
import { DEFAULT_MODALITY_REGISTRY } from '@lf/contracts';

export { SYSTEM_APPS, WORKSPACE_ROOT, type SystemAppName };

export const repoPath = (...parts: string[]): string => join(WORKSPACE_ROOT, ...parts);
export const readRepoFile = (path: string): string => readFileSync(repoPath(path), 'utf8');
export const repoFileExists = (path: string): boolean => existsSync(repoPath(path));

/** One YAML document; `<<` merge keys resolved (compose's x- anchors). */
export function readYaml<T = unknown>(path: string): T {
  return parse(readRepoFile(path), { merge: true }) as T;
}

export function parseYamlStream(text: string): unknown[] {
  return parseAllDocuments(text, { merge: true })
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as unknown;
    })
    .filter((doc) => doc !== null && doc !== undefined);
}

/** The modality worker apps and the queue each consumes (the built-in registry). */
export const WORKER_QUEUES: ReadonlyMap<SystemAppName, string> = new Map(
  DEFAULT_MODALITY_REGISTRY.map((entry) => [`${entry.name}-worker` as SystemAppName, entry.queue]),
);

/**
 * How long one unit of work of each app can take, in seconds: what SIGTERM may have to wait for on top of the
 * drain bound. These are budgets, not measurements: requests end at shutdown (long-polls answer at once, event
 * streams close), a modality job is one blob read, preprocessing and one micro-batched inference, a finalization
 * is a few Redis calls and a pure fusion; a webhook delivery is bounded by LF_WEBHOOK_TIMEOUT_MS.
 */
export function longestJobSeconds(app: SystemAppName, env: Record<string, string>): number {
  switch (app) {
    case 'gateway':
    case 'dashboard':
      return 0;
    case 'imaging-worker':
    case 'tabular-worker':
    case 'vitals-worker':
      return 10;
    case 'fusion-aggregator':
      return 5;
    case 'webhook-dispatcher':
      return Number(env['LF_WEBHOOK_TIMEOUT_MS'] ?? 10_000) / 1000;
  }
}

/** The apps' own bound on closing after the drain (Nest app close, Redis quit): 2 s in the bootstraps. */
export const CLOSE_SECONDS = 2;

export interface EnvExample {
  /** Variables set in .env.example (`NAME=value`), in order. */
  readonly active: ReadonlyMap<string, string>;
  /** Every variable name .env.example mentions: set, commented out (`# NAME=`), or named in a comment. */
  readonly known: ReadonlySet<string>;
}

export function parseEnvFile(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) vars.set(match[1], match[2]);
  }
  return vars;
}

export function readEnvExample(): EnvExample {
  const text = readRepoFile('.env.example');
  const known = new Set<string>(text.match(/\b(?:LF|REDIS)_[A-Z0-9_]+\b/g) ?? []);
  return { active: parseEnvFile(text), known };
}

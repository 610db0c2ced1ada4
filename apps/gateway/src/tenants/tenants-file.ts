import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  apiKeyEntrySchema,
  rateLimitSchema,
  SCOPES,
  tenantConfigSchema,
  tenantsFileSchema,
  webhookPolicySchema,
  type TenantsFile,
} from '@lf/contracts';
import { parseApiKeys } from '../auth/api-keys';

/**
 * Where tenants and their keys come from: a JSON file (`LF_TENANTS_FILE`, typically a mounted Kubernetes
 * Secret, re-read while the gateway runs) or, for `npm start` and older deployments, `LF_API_KEYS`
 * (plain `tenant:key` pairs, hashed here, every scope, fixed for the life of the process).
 */
export type TenantsSource = { kind: 'file'; path: string } | { kind: 'env'; file: TenantsFile };

/** A tenants file that cannot be used; the message names the file and the JSON path of each problem. */
export class TenantsFileError extends Error {
  override readonly name = 'TenantsFileError';
  constructor(
    readonly path: string,
    readonly problems: readonly string[],
  ) {
    super(`LF_TENANTS_FILE (${path}) is invalid: ${problems.join('; ')}`);
  }
}

const MAX_PROBLEMS = 20;

/** `$.tenants[0].keys[1].sha256` */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '$';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** Reads and validates a tenants file. Throws TenantsFileError (never echoing file content: it may hold a pasted key). */
export function loadTenantsFile(path: string): { file: TenantsFile; text: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TenantsFileError(path, [code === 'ENOENT' ? 'the file does not exist' : `the file cannot be read (${code ?? (err as Error).message})`]);
  }
  return { file: parseTenantsFile(text, path), text };
}

export function parseTenantsFile(text: string, path: string): TenantsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TenantsFileError(path, [`not valid JSON: ${jsonSyntaxProblem(text, (err as Error).message)}`]);
  }
  const problems = unknownFieldProblems(raw);
  const parsed = tenantsFileSchema.safeParse(raw);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => `${jsonPath(issue.path)}: ${issue.message}`));
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    if (problems.length > MAX_PROBLEMS) shown.push(`... and ${problems.length - MAX_PROBLEMS} more`);
    throw new TenantsFileError(path, shown);
  }
  return parsed.data!;
}

/** The parser's message without the text excerpt V8 sometimes quotes, plus line and column when it gives a position. */
function jsonSyntaxProblem(text: string, message: string): string {
  const at = /^(.*?) in JSON at position (\d+)/.exec(message);
  if (at) {
    const position = Number(at[2]);
    const before = text.slice(0, position).split('\n');
    return `${at[1]} (line ${before.length}, column ${before[before.length - 1].length + 1})`;
  }
  if (/^Unexpected end of JSON input/.test(message)) return text.trim() === '' ? 'the file is empty' : 'unexpected end of the file';
  const token = /^Unexpected token '(.)'/.exec(message);
  return token ? `unexpected character '${token[1]}'` : 'syntax error';
}

const objectShapes = {
  file: ['tenants'],
  tenant: Object.keys(tenantConfigSchema.shape),
  key: Object.keys(apiKeyEntrySchema.shape),
  rateLimit: Object.keys(rateLimitSchema.shape),
  webhooks: Object.keys(webhookPolicySchema.shape),
};

/**
 * Unknown fields are errors, not silently dropped: a misspelt `expiresAt` would otherwise leave a key that
 * was meant to expire valid for ever.
 */
function unknownFieldProblems(raw: unknown): string[] {
  const problems: string[] = [];
  const check = (value: unknown, known: readonly string[], path: PropertyKey[]) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) problems.push(`${jsonPath([...path, key])}: unknown field (expected one of ${known.join(', ')})`);
    }
  };
  check(raw, objectShapes.file, []);
  const tenants = (raw as { tenants?: unknown } | null)?.tenants;
  if (!Array.isArray(tenants)) return problems;
  tenants.forEach((tenant: unknown, t) => {
    check(tenant, objectShapes.tenant, ['tenants', t]);
    if (typeof tenant !== 'object' || tenant === null) return;
    const { keys, rateLimit, webhooks } = tenant as Record<string, unknown>;
    if (Array.isArray(keys)) keys.forEach((key, k) => check(key, objectShapes.key, ['tenants', t, 'keys', k]));
    check(rateLimit, objectShapes.rateLimit, ['tenants', t, 'rateLimit']);
    check(webhooks, objectShapes.webhooks, ['tenants', t, 'webhooks']);
  });
  return problems;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * `LF_API_KEYS="tenant:key,..."` as a tenants file: keys hashed at load (the plain text is not kept),
 * every scope, ids `env-1`, `env-2`, ... in the order listed (what audit records and logs name).
 */
export function tenantsFromApiKeys(spec: string): TenantsFile {
  const byTenant = new Map<string, TenantsFile['tenants'][number]>();
  parseApiKeys(spec).forEach(({ tenant, key }, index) => {
    let entry = byTenant.get(tenant);
    if (!entry) {
      entry = { id: tenant, keys: [], webhooks: { allowedHosts: [], allowPrivateNetworks: false, allowHttp: false } };
      byTenant.set(tenant, entry);
    }
    entry.keys.push({ id: `env-${index + 1}`, sha256: sha256Hex(key), scopes: [...SCOPES] });
  });
  return tenantsFileSchema.parse({ tenants: [...byTenant.values()] });
}

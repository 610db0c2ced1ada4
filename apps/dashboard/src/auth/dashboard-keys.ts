/**
 * Who may open the dashboard. Keys are compared as SHA-256 digests (a Map lookup on the digest: no key
 * text is kept after parsing, and no early-exit string comparison leaks timing). Sources:
 * LF_DASHBOARD_KEYS and LF_API_KEYS (fixed at boot), and the tenants file's keys that carry the
 * `dashboard:read` scope, re-read when the file changes (the gateway's rotation procedure applies as is).
 * A browser session remembers only the digest and is re-checked against this table on every request, so
 * removing or expiring a key also ends the sessions opened with it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { tenantsFileSchema } from '@lf/contracts';
import type { Logger } from '@lf/observability';

export const DASHBOARD_SCOPE = 'dashboard:read';
const MIN_KEY_LENGTH = 16;
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export interface StaticKey {
  /** Shown in logs instead of the key: `dashboard/<name>` or `<tenant>/env-<n>`. */
  id: string;
  sha256: string;
}

export interface KeySources {
  static: StaticKey[];
  /** Absolute path of the tenants file, when set. */
  tenantsFile?: string;
}

/** Who signed in (never the key itself). */
export interface Principal {
  keyId: string;
  digest: string;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** `name:key,...` (the LF_API_KEYS format). Errors name the variable and the entry, never the key. */
export function parseKeyPairs(spec: string, variable: string, kind: 'dashboard' | 'tenant'): StaticKey[] {
  const pairs = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const out: StaticKey[] = [];
  const seen = new Set<string>();
  pairs.forEach((pair, index) => {
    const colon = pair.indexOf(':');
    if (colon <= 0) throw new Error(`${variable} entry ${index + 1} must look like ${kind === 'dashboard' ? 'name' : 'tenant'}:key`);
    const name = pair.slice(0, colon);
    const key = pair.slice(colon + 1);
    if (!NAME.test(name)) throw new Error(`${variable} entry ${index + 1}: the name must be 1-64 characters of A-Z a-z 0-9 _ . -`);
    if (key.length < MIN_KEY_LENGTH) throw new Error(`${variable} entry ${index + 1} (${name}): the key must be at least ${MIN_KEY_LENGTH} characters`);
    const digest = sha256Hex(key);
    if (seen.has(digest)) throw new Error(`${variable}: a key is configured twice (${name})`);
    seen.add(digest);
    out.push({ id: kind === 'dashboard' ? `dashboard/${name}` : `${name}/env-${index + 1}`, sha256: digest });
  });
  if (out.length === 0) throw new Error(`${variable} must list at least one name:key pair`);
  return out;
}

interface FileKey extends StaticKey {
  expiresAt?: number;
}

/** The `dashboard:read` keys of a tenants file; throws naming the file and the problems (never key text: there is none). */
export function readDashboardKeysFromTenantsFile(path: string): FileKey[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`LF_TENANTS_FILE (${path}): ${code === 'ENOENT' ? 'the file does not exist' : `the file cannot be read (${code ?? (err as Error).message})`}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`LF_TENANTS_FILE (${path}): not valid JSON`);
  }
  const parsed = tenantsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 10).map((i) => `$.${i.path.map(String).join('.')}: ${i.message}`);
    throw new Error(`LF_TENANTS_FILE (${path}): ${problems.join('; ')}`);
  }
  return parsed.data.tenants.flatMap((tenant) =>
    tenant.keys
      .filter((k) => (k.scopes as readonly string[]).includes(DASHBOARD_SCOPE))
      .map((k) => ({ id: `${tenant.id}/${k.id}`, sha256: k.sha256, ...(k.expiresAt ? { expiresAt: Date.parse(k.expiresAt) } : {}) })),
  );
}

export interface DashboardKeyTableOptions {
  logger: Logger;
  now?: () => number;
  /** The tenants file's mtime is checked at most this often. Default 1000 ms. */
  statIntervalMs?: number;
}

export class DashboardKeyTable {
  private readonly fixed = new Map<string, StaticKey>();
  private fromFile = new Map<string, FileKey>();
  private fileStamp = '';
  private lastStat = -Infinity;
  private readonly now: () => number;

  constructor(
    private readonly sources: KeySources,
    private readonly options: DashboardKeyTableOptions,
  ) {
    this.now = options.now ?? Date.now;
    for (const key of sources.static) this.fixed.set(key.sha256, key);
    // At boot a broken file is a configuration error (thrown); later a broken file keeps the last good keys.
    if (sources.tenantsFile) this.load(sources.tenantsFile, true);
  }

  /** How many keys may sign in now (for the boot log). */
  get size(): number {
    this.refresh();
    return this.fixed.size + this.fromFile.size;
  }

  /** The principal for a presented key, or undefined if it is unknown, expired or lacks `dashboard:read`. */
  verify(key: string): Principal | undefined {
    if (key.length < MIN_KEY_LENGTH || key.length > 512) return undefined;
    return this.verifyDigest(sha256Hex(key));
  }

  verifyDigest(digest: string): Principal | undefined {
    const fixed = this.fixed.get(digest);
    if (fixed) return { keyId: fixed.id, digest };
    this.refresh();
    const fromFile = this.fromFile.get(digest);
    if (!fromFile) return undefined;
    if (fromFile.expiresAt !== undefined && fromFile.expiresAt <= this.now()) return undefined;
    return { keyId: fromFile.id, digest };
  }

  private refresh(): void {
    const path = this.sources.tenantsFile;
    if (!path) return;
    const now = this.now();
    if (now - this.lastStat < (this.options.statIntervalMs ?? 1000)) return;
    this.lastStat = now;
    this.load(path, false);
  }

  private load(path: string, atBoot: boolean): void {
    let stamp: string;
    try {
      const stat = statSync(path);
      stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    } catch (err) {
      if (atBoot) throw new Error(`LF_TENANTS_FILE (${path}): the file does not exist or cannot be read`);
      this.options.logger.warn('tenants file unreadable: keeping the last good dashboard keys', { err: err as Error });
      return;
    }
    if (stamp === this.fileStamp) return;
    try {
      const keys = readDashboardKeysFromTenantsFile(path);
      const before = new Set(this.fromFile.keys());
      this.fromFile = new Map(keys.map((k) => [k.sha256, k]));
      this.fileStamp = stamp;
      if (!atBoot) {
        const added = keys.filter((k) => !before.has(k.sha256)).map((k) => k.id);
        const removed = [...before].filter((d) => !this.fromFile.has(d)).length;
        this.options.logger.info('tenants file reloaded', { dashboardKeys: keys.length, added, removedCount: removed });
      }
    } catch (err) {
      if (atBoot) throw err;
      this.fileStamp = stamp; // do not re-parse the same broken file every second
      this.options.logger.error('tenants file rejected: keeping the last good dashboard keys', { problem: (err as Error).message });
    }
  }
}

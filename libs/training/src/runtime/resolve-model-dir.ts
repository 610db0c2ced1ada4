import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** `models/<name>/<version>`; without a version, the highest semantic version present. */
export function resolveModelDir(root: string, name: string, version?: string): string {
  const base = join(root, name);
  if (!existsSync(base)) throw new Error(`no model '${name}' under ${root} (run npm run train)`);
  if (version) return join(base, version);
  const versions = readdirSync(base).filter((v) => /^\d+\.\d+\.\d+/.test(v));
  if (versions.length === 0) throw new Error(`no versions of model '${name}' under ${base}`);
  const key = (v: string) => v.split(/[.-]/).slice(0, 3).map(Number);
  versions.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
  return join(base, versions[versions.length - 1]);
}

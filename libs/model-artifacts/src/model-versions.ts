import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;

export function isModelVersion(name: string): boolean {
  return VERSION.test(name);
}

/**
 * Semantic-version order: numeric major.minor.patch, and a pre-release sorts before its release
 * (`1.0.0-smoke` < `1.0.0`), pre-release identifiers compared numerically when both are numbers.
 */
export function compareModelVersions(a: string, b: string): number {
  const [x, y] = [VERSION.exec(a), VERSION.exec(b)];
  if (!x || !y) throw new Error(`not a model version: '${x ? b : a}'`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d !== 0) return d;
  }
  const [pa, pb] = [x[4], y[4]];
  if (pa === pb) return 0;
  if (pa === undefined) return 1;
  if (pb === undefined) return -1;
  const [ia, ib] = [pa.split('.'), pb.split('.')];
  for (let i = 0; i < Math.max(ia.length, ib.length); i++) {
    if (ia[i] === undefined) return -1;
    if (ib[i] === undefined) return 1;
    const [na, nb] = [/^\d+$/.test(ia[i]), /^\d+$/.test(ib[i])];
    const d = na && nb ? Number(ia[i]) - Number(ib[i]) : na ? -1 : nb ? 1 : ia[i] < ib[i] ? -1 : ia[i] > ib[i] ? 1 : 0;
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The version folder to serve: `pinned` if given, else the highest version present. Folders whose names are not
 * versions are ignored, so a deployment can write `.incoming-1.2.0/` and rename it into place atomically.
 */
export function resolveModelVersion(modelsDir: string, modelName: string, pinned?: string): { version: string; dir: string } {
  const base = join(modelsDir, modelName);
  if (pinned) {
    if (!isModelVersion(pinned)) throw new Error(`pinned model version '${pinned}' is not a semantic version`);
    return { version: pinned, dir: join(base, pinned) };
  }
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    throw new Error(`no model '${modelName}' under ${modelsDir} (run npm run train, or set LF_MODELS_DIR)`);
  }
  const versions = names.filter(isModelVersion).sort(compareModelVersions);
  if (versions.length === 0) throw new Error(`no versions of model '${modelName}' under ${base}`);
  const version = versions[versions.length - 1];
  return { version, dir: join(base, version) };
}

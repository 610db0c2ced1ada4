/**
 * Turns libs/redis/src/lua/<name>-<numberOfKeys>.lua into src/lua/scripts.generated.ts, so nothing reads
 * the filesystem at runtime and the SHA1 used for EVALSHA is fixed at build time.
 *
 *   npx tsx libs/redis/scripts/build-lua.ts           # regenerate
 *   npx tsx libs/redis/scripts/build-lua.ts --check   # exit 1 if the generated file is stale
 *
 * `--- @include "includes/<file>"` lines are replaced by that file (each at most once per script).
 * Every script must open with a `--[[ ... ]]` block that documents each KEYS[i] and ARGV[i] it uses
 * and its output; a script whose KEYS count varies declares `KEYS[n...]` after its fixed keys.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const LUA_DIR = join(__dirname, '..', 'src', 'lua');
export const GENERATED_FILE = join(LUA_DIR, 'scripts.generated.ts');
const REGENERATE = 'npx tsx libs/redis/scripts/build-lua.ts';

export interface BuiltLuaScript {
  name: string;
  /** Fixed KEYS count (the file name's suffix). */
  numberOfKeys: number;
  /** True when the script also takes trailing keys `KEYS[numberOfKeys + 1...]`. */
  variadicKeys: boolean;
  source: string;
  sha1: string;
}

const SCRIPT_FILE = /^([a-z][A-Za-z0-9]*)-(\d+)\.lua$/;
const INCLUDE = /^--- @include "([^"]+)"\s*$/;

export function loadLuaScripts(luaDir = LUA_DIR): BuiltLuaScript[] {
  return readdirSync(luaDir)
    .filter((f) => f.endsWith('.lua'))
    .sort()
    .map((file) => {
      const m = SCRIPT_FILE.exec(file);
      if (!m) throw new Error(`${file}: Lua scripts must be named <camelCaseName>-<numberOfKeys>.lua`);
      const raw = readFileSync(join(luaDir, file), 'utf8');
      const numberOfKeys = Number(m[2]);
      const variadicKeys = checkHeader(file, raw, numberOfKeys);
      const source = resolveIncludes(file, raw, luaDir, new Set());
      return { name: m[1], numberOfKeys, variadicKeys, source, sha1: createHash('sha1').update(source).digest('hex') };
    });
}

/** Checks the opening comment documents every KEYS/ARGV index the body uses; returns whether KEYS vary. */
function checkHeader(file: string, raw: string, numberOfKeys: number): boolean {
  const header = /^--\[\[([\s\S]*?)\]\]/.exec(raw);
  if (!header) throw new Error(`${file}: must open with a --[[ ... ]] block documenting KEYS, ARGV and the output`);
  const doc = header[1];
  const body = raw.slice(header[0].length);
  if (!/Output:/.test(doc)) throw new Error(`${file}: the header must describe the return value under 'Output:'`);
  for (let i = 1; i <= numberOfKeys; i++) {
    if (!doc.includes(`KEYS[${i}]`)) throw new Error(`${file}: header does not document KEYS[${i}]`);
  }
  const variadicKeys = doc.includes(`KEYS[${numberOfKeys + 1}...]`);
  if (!variadicKeys && doc.includes(`KEYS[${numberOfKeys + 1}]`)) {
    throw new Error(`${file}: header documents KEYS[${numberOfKeys + 1}] but the file name says ${numberOfKeys} keys`);
  }
  for (const [, kind, index] of body.matchAll(/\b(KEYS|ARGV)\[(\d+)\]/g)) {
    const n = Number(index);
    if (kind === 'KEYS' && n > numberOfKeys) {
      throw new Error(`${file}: uses KEYS[${n}] but the file name says ${numberOfKeys} keys`);
    }
    if (kind === 'ARGV' && !doc.includes(`ARGV[${n}]`)) throw new Error(`${file}: header does not document ARGV[${n}]`);
  }
  return variadicKeys;
}

function resolveIncludes(file: string, text: string, luaDir: string, seen: Set<string>): string {
  return text
    .split('\n')
    .map((line) => {
      const m = INCLUDE.exec(line);
      if (!m) return line;
      const target = m[1].endsWith('.lua') ? m[1] : `${m[1]}.lua`;
      if (seen.has(target)) return `-- (${m[1]} already included)`;
      seen.add(target);
      let included: string;
      try {
        included = readFileSync(join(luaDir, target), 'utf8');
      } catch {
        throw new Error(`${file}: cannot include '${m[1]}' (looked for ${join(relative(process.cwd(), luaDir), target)})`);
      }
      return resolveIncludes(target, included, luaDir, seen).replace(/\n+$/, '');
    })
    .join('\n');
}

export function renderScriptsModule(scripts: BuiltLuaScript[]): string {
  const entries = scripts.map((s) =>
    [
      `  ${s.name}: {`,
      `    name: ${JSON.stringify(s.name)},`,
      `    numberOfKeys: ${s.numberOfKeys},`,
      `    variadicKeys: ${s.variadicKeys},`,
      `    sha1: ${JSON.stringify(s.sha1)},`,
      `    source: ${JSON.stringify(s.source)},`,
      `  },`,
    ].join('\n'),
  );
  return [
    `// GENERATED from libs/redis/src/lua/*.lua by libs/redis/scripts/build-lua.ts. Do not edit:`,
    `// change the .lua files and run \`${REGENERATE}\`.`,
    `import type { LuaScript } from './lua-script';`,
    ``,
    `export const luaScripts = {`,
    ...entries,
    `} as const satisfies Record<string, LuaScript>;`,
    ``,
  ].join('\n');
}

function main(argv: string[]): void {
  const rendered = renderScriptsModule(loadLuaScripts());
  let current = '';
  try {
    current = readFileSync(GENERATED_FILE, 'utf8');
  } catch {
    // first run
  }
  if (argv.includes('--check')) {
    if (current !== rendered) {
      console.error(`${relative(process.cwd(), GENERATED_FILE)} is stale: run \`${REGENERATE}\``);
      process.exit(1);
    }
    return;
  }
  if (current !== rendered) writeFileSync(GENERATED_FILE, rendered);
  console.log(`${relative(process.cwd(), GENERATED_FILE)} ${current === rendered ? 'is up to date' : 'written'}`);
}

if (require.main === module) main(process.argv.slice(2));

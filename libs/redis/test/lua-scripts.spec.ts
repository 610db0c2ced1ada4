import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer } from '@lf/testing';
import { Redis } from 'ioredis';
import { GENERATED_FILE, loadLuaScripts, renderScriptsModule } from '../scripts/build-lua';
import { luaScripts } from '../src/lua/scripts.generated';

describe('Lua scripts', () => {
  it('scripts.generated.ts is up to date with src/lua/*.lua', () => {
    const fresh = renderScriptsModule(loadLuaScripts());
    if (readFileSync(GENERATED_FILE, 'utf8') !== fresh) {
      throw new Error('libs/redis/src/lua/scripts.generated.ts is stale: run `npx tsx libs/redis/scripts/build-lua.ts` and commit it');
    }
  });

  it('every script reads the clock only through Redis TIME', () => {
    for (const script of Object.values(luaScripts)) {
      expect(script.source).toContain("redis.call('TIME')");
      expect(script.source).not.toMatch(/ARGV\[\d+\]\s+(now|current time)/i);
    }
  });

  it('the SHA1s match what Redis computes, so EVALSHA hits the cache', async () => {
    const server = await startRedisServer();
    const redis = new Redis(server.url);
    try {
      for (const script of Object.values(luaScripts)) {
        expect(await redis.script('LOAD', script.source)).toBe(script.sha1);
      }
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });

  describe('build step checks', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lf-lua-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const header = (body: string) => `--[[\n  Test.\n  Input:\n    KEYS[1] a\n    ARGV[1] b\n  Output:\n    1\n]]\n${body}\n`;

    it('inlines includes once', () => {
      mkdirSync(join(dir, 'includes'));
      writeFileSync(join(dir, 'includes', 'shared.lua'), 'local function one() return 1 end');
      writeFileSync(join(dir, 'ok-1.lua'), header('--- @include "includes/shared"\n--- @include "includes/shared"\nreturn one() + #ARGV[1]'));
      const [script] = loadLuaScripts(dir);
      expect(script).toMatchObject({ name: 'ok', numberOfKeys: 1, variadicKeys: false });
      expect(script.source.match(/local function one/g)).toHaveLength(1);
    });

    it.each([
      ['badName.lua', header('return 1'), /must be named <camelCaseName>-<numberOfKeys>\.lua/],
      ['noHeader-1.lua', 'return KEYS[1]', /must open with a --\[\[ \.\.\. \]\] block/],
      ['tooManyKeys-1.lua', header('return KEYS[2]'), /uses KEYS\[2\] but the file name says 1 keys/],
      ['undocumentedArg-1.lua', header('return ARGV[2]'), /header does not document ARGV\[2\]/],
      ['missingKeyDoc-2.lua', header('return 1'), /header does not document KEYS\[2\]/],
      ['missingInclude-1.lua', header('--- @include "nope"'), /cannot include 'nope'/],
    ])('rejects %s', (file, text, message) => {
      writeFileSync(join(dir, file), text);
      expect(() => loadLuaScripts(dir)).toThrow(message);
    });
  });
});

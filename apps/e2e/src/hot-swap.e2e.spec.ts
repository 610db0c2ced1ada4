import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCohort } from '@lf/cohort';
import { WORKSPACE_ROOT } from '@lf/testing';
import { startSystemFixture, type SystemFixture } from './support/system-fixture';

// DESIGN.md 4: a worker loads a new model version without dropping jobs; every score names the version used.
describe('hot model swap, end to end', () => {
  const modelsDir = mkdtempSync(join(tmpdir(), 'lf-models-'));
  let fx: SystemFixture;
  beforeAll(async () => {
    cpSync(join(WORKSPACE_ROOT, 'models'), modelsDir, { recursive: true });
    fx = await startSystemFixture({ modelsDir });
  }, 90_000);
  afterAll(async () => {
    await fx?.stop();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('serves a new version after SIGHUP while cases keep flowing, none failed', async () => {
    const cases = [...generateCohort({ seed: 960, n: 40, naturalMissingness: false })];
    const submitAll = (batch: typeof cases) => Promise.all(batch.map(async (c) => String((await fx.submit({ ...c.request, deadlineMs: 30_000 })).body['caseId'])));

    const before = await submitAll(cases.slice(0, 10));
    for (const r of await Promise.all(before.map((id) => fx.waitForFinal(id)))) expect(r.result!.modalities['tabular'].modelVersion).toBe('1.0.0');
    // Publish 1.0.1 (same graph, new version folder) and ask the worker to reload while more cases arrive.
    const next = join(modelsDir, 'tabular', '1.0.1');
    cpSync(join(modelsDir, 'tabular', '1.0.0'), next, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(next, 'manifest.json'), 'utf8'));
    writeFileSync(join(next, 'manifest.json'), JSON.stringify({ ...manifest, version: '1.0.1' }));
    const during = submitAll(cases.slice(10, 25));
    fx.system.apps['tabular-worker']!.signal('SIGHUP');
    const duringIds = await during;
    await new Promise((r) => setTimeout(r, 1500));
    const after = await submitAll(cases.slice(25));

    const results = await Promise.all([...before, ...duringIds, ...after].map((id) => fx.waitForFinal(id)));
    for (const r of results) {
      expect(r.status).toBe('complete');
      expect(['1.0.0', '1.0.1']).toContain(r.result!.modalities['tabular'].modelVersion);
    }
    for (const r of results.slice(25)) expect(r.result!.modalities['tabular'].modelVersion).toBe('1.0.1');
  });
});

import { caseRequestSchema } from '@lf/contracts';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../src/run-cli';

const run = promisify(execFile);
const repoRoot = resolve(__dirname, '../../..');
const tsx = join(repoRoot, 'node_modules/.bin/tsx');
const cli = join(repoRoot, 'libs/cohort/src/cli.ts');

describe('cohort CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cohort-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes cases.jsonl and latent.jsonl end to end (separate process, as `npm run cohort`)', async () => {
    const out = join(dir, 'e2e');
    const { stdout } = await run(tsx, [cli, '--seed', '13', '--n', '40', '--out', out, '--image-size', '32', '--imaging-format', 'mixed', '--drop-rate', '0.1'], {
      cwd: repoRoot,
    });
    const lines = readFileSync(join(out, 'cases.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(40);
    let positives = 0;
    lines.forEach((line, index) => {
      const row = JSON.parse(line);
      expect(Object.keys(row).sort()).toEqual(['label', 'request']); // no latent state in the case file
      expect(caseRequestSchema.safeParse(row.request).success).toBe(true);
      expect(row.request.patientRef).toBe(`SYN-13-${index}`);
      positives += row.label;
    });
    const latent = readFileSync(join(out, 'latent.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(latent).toHaveLength(40);
    expect(latent[0]).toEqual(expect.objectContaining({ patientRef: 'SYN-13-0', severity: expect.any(Number), riskLogit: expect.any(Number) }));
    expect(stdout).toContain('wrote 40 cases');
    expect(stdout).toContain(`positives ${positives}`);
    expect(stdout).toMatch(/modality presence: imaging \d+ .*tabular \d+ .*vitals \d+/);
  }, 30_000);

  it('exits 2 with a clear message for a bad flag (separate process)', async () => {
    const failure = await run(tsx, [cli, '--seed', '1', '--n', 'abc', '--out', join(dir, 'bad')], { cwd: repoRoot }).catch((e) => e);
    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain('--n must be an integer, got "abc"');
    expect(failure.stderr).toContain('Usage: npm run cohort');
  }, 30_000);

  it('writes the same cases as the library and honours --no-latent and --no-natural-missingness (in process)', async () => {
    const out = join(dir, 'inproc');
    const messages: string[] = [];
    const io = { out: (l: string) => messages.push(l), err: (l: string) => messages.push(l) };
    const code = await runCli(['--seed', '13', '--n', '25', '--out', out, '--image-size', '16', '--imaging-format', 'raw', '--no-natural-missingness', '--no-latent'], io);
    expect(code).toBe(0);
    const rows = readFileSync(join(out, 'cases.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(rows.every((r) => r.request.inputs.imaging && r.request.inputs.tabular && r.request.inputs.vitals)).toBe(true);
    expect(() => readFileSync(join(out, 'latent.jsonl'))).toThrow();
    expect(messages.join('\n')).toContain('imaging 25 (100.0 %; raw 25)');
  });

  it('fails with a clear message, not a crash, when the output directory cannot be created', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    const messages: string[] = [];
    const code = await runCli(['--seed', '1', '--n', '2', '--out', join(blocker, 'sub'), '--image-size', '8'], { out: () => undefined, err: (l) => messages.push(l) });
    expect(code).toBe(1);
    expect(messages.join('\n')).toMatch(/^cohort: .*(ENOTDIR|EEXIST)/);
  });
});

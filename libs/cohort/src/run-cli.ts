import { caseRequestSchema } from '@lf/contracts';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateCohort } from './generate-cohort';
import { JsonlWriter } from './jsonl-writer';
import { CLI_USAGE, CliUsageError, parseCliArgs } from './parse-cli-args';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleIo: CliIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

/**
 * The cohort CLI: streams cases to DIR/cases.jsonl (and the latent state to DIR/latent.jsonl),
 * validating each request against the contract first. Returns the exit code: 0 ok, 1 failure, 2 usage.
 */
export async function runCli(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  let args;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    io.err(`cohort: ${error.message}\n\n${CLI_USAGE}`);
    return 2;
  }
  if (args === null) {
    io.out(CLI_USAGE);
    return 0;
  }

  const started = Date.now();
  const counts = { n: 0, positives: 0, imaging: 0, tabular: 0, vitals: 0, formats: {} as Record<string, number> };
  let cases: JsonlWriter | undefined;
  let latent: JsonlWriter | undefined;
  try {
    mkdirSync(args.outDir, { recursive: true });
    cases = new JsonlWriter(join(args.outDir, 'cases.jsonl'));
    latent = args.writeLatent ? new JsonlWriter(join(args.outDir, 'latent.jsonl')) : undefined;
    for (const generated of generateCohort(args.options)) {
      const parsed = caseRequestSchema.safeParse(generated.request);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`case ${counts.n} fails caseRequestSchema at ${issue.path.join('.')}: ${issue.message} (generator bug)`);
      }
      await cases.write({ label: generated.label, request: generated.request });
      await latent?.write({ patientRef: generated.request.patientRef, label: generated.label, ...generated.latent });
      const { imaging, tabular, vitals } = generated.request.inputs;
      counts.n++;
      counts.positives += generated.label;
      if (imaging) {
        counts.imaging++;
        counts.formats[imaging.format] = (counts.formats[imaging.format] ?? 0) + 1;
      }
      if (tabular) counts.tabular++;
      if (vitals) counts.vitals++;
    }
    await cases.close();
    await latent?.close();
  } catch (error) {
    await Promise.all([cases?.close(), latent?.close()]).catch(() => undefined);
    io.err(`cohort: ${(error as Error).message}`);
    return error instanceof RangeError ? 2 : 1;
  }

  const pct = (k: number) => (counts.n ? ((100 * k) / counts.n).toFixed(1) : '0.0');
  const formats = Object.entries(counts.formats).map(([f, k]) => `${f} ${k}`).join(', ');
  io.out(`wrote ${counts.n} cases to ${cases.path}${latent ? ` (latent state: ${latent.path})` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  io.out(`positives ${counts.positives} (prevalence ${pct(counts.positives)} %)`);
  io.out(`modality presence: imaging ${counts.imaging} (${pct(counts.imaging)} %${formats ? `; ${formats}` : ''}), tabular ${counts.tabular} (${pct(counts.tabular)} %), vitals ${counts.vitals} (${pct(counts.vitals)} %)`);
  return 0;
}

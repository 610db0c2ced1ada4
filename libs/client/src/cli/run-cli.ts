import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { CaseRequest } from '@lf/contracts';
import type { LateFusionClient } from '../late-fusion-client';
import { progressBar } from '../progress-bar';

export const USAGE = `usage: npm run lf -- <command> [options]

  submit <cases.jsonl|case.json|bundle.json|image.dcm> [--wait] [--patient-ref REF] [--case extra.json]
      .jsonl   one case per line (a case body, or the cohort's {"label","request"}); sent in batches of 100
      .json    a case body, or a FHIR R4 Bundle (resourceType "Bundle") sent to /fhir/R4/Bundle
      .dcm     a DICOM file sent as it is (multipart); --patient-ref is required, --case adds other inputs
      --wait   wait for the results and print them
  get <caseId> [--wait 10s]     the case and its fused result (long-poll with --wait)
  watch <caseId>                the case's lifecycle events as they happen
  risk <caseId>                 the FHIR R4 RiskAssessment of a finalized case

environment: LF_GATEWAY_URL (default http://127.0.0.1:3000), LF_API_KEY (default: npm start's development key)`;

export interface CliIo {
  client: Pick<LateFusionClient, 'submitCase' | 'submitBatch' | 'submitDicom' | 'submitFhirBundle' | 'getCase' | 'waitForResult' | 'events' | 'getRiskAssessment'>;
  out: (line: string) => void;
  err: (line: string) => void;
  readFile?: (path: string) => Promise<Buffer>;
  progress?: (label: string, total: number) => (done: number) => void;
}

class UsageError extends Error {}

/** Parses `--flag value` pairs and bare `--switch`es after the positional arguments. */
function parseOptions(args: string[], switches: string[]): { positional: string[]; options: Record<string, string | true> } {
  const positional: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) positional.push(arg);
    else if (switches.includes(arg.slice(2))) options[arg.slice(2)] = true;
    else if (i + 1 < args.length) options[arg.slice(2)] = args[++i];
    else throw new UsageError(`${arg} needs a value`);
  }
  return { positional, options };
}

/** '10s', '500ms', '2m' or plain seconds -> milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new UsageError(`'${text}' is not a duration (e.g. 10s, 500ms, 2m)`);
  const value = Number(match[1]);
  return match[2] === 'ms' ? value : match[2] === 'm' ? value * 60_000 : value * 1000;
}

const json = (value: unknown) => JSON.stringify(value);

/** The `lf` command line; returns the process exit code (0 ok, 1 failed, 2 usage). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const read = io.readFile ?? ((path: string) => readFile(path));
  const progress = io.progress ?? progressBar;
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'submit':
        return await submit(rest, io, read, progress);
      case 'get': {
        const { positional, options } = parseOptions(rest, []);
        if (positional.length !== 1) throw new UsageError('get needs one case id');
        const waitMs = typeof options['wait'] === 'string' ? parseDuration(options['wait']) : undefined;
        io.out(json(await io.client.getCase(positional[0], waitMs ? { waitMs } : {})));
        return 0;
      }
      case 'watch': {
        const { positional } = parseOptions(rest, []);
        if (positional.length !== 1) throw new UsageError('watch needs one case id');
        for await (const event of io.client.events(positional[0])) io.out(json(event));
        return 0;
      }
      case 'risk': {
        const { positional } = parseOptions(rest, []);
        if (positional.length !== 1) throw new UsageError('risk needs one case id');
        io.out(JSON.stringify(await io.client.getRiskAssessment(positional[0]), null, 2));
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

async function submit(args: string[], io: CliIo, read: (path: string) => Promise<Buffer>, progress: NonNullable<CliIo['progress']>): Promise<number> {
  const { positional, options } = parseOptions(args, ['wait']);
  if (positional.length !== 1) throw new UsageError('submit needs one file');
  const [file] = positional;
  const bytes = await read(file);
  const wait = options['wait'] === true;
  const kind = extname(file).toLowerCase();

  if (kind === '.dcm' || kind === '.dicom') {
    if (typeof options['patient-ref'] !== 'string') throw new UsageError('a DICOM file needs --patient-ref (the hospital reference of the patient)');
    const extra = typeof options['case'] === 'string' ? (parseJson(await read(options['case']), options['case']) as Partial<CaseRequest>) : {};
    const body = { ...extra, patientRef: options['patient-ref'], inputs: { ...(extra.inputs ?? {}), imaging: { format: 'dicom' } } } as unknown as CaseRequest;
    return report([await io.client.submitDicom(body, bytes)], io, wait);
  }
  if (kind === '.jsonl' || kind === '.ndjson') {
    const lines = bytes.toString('utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    const cases = lines.map((line, i) => {
      const value = parseJson(Buffer.from(line), `${file} line ${i + 1}`) as { request?: CaseRequest } & CaseRequest;
      return value.request && typeof value.request === 'object' ? value.request : value;
    });
    const tick = progress('submitting', cases.length);
    const accepted: Array<{ caseId: string }> = [];
    let failed = 0;
    for (let start = 0; start < cases.length; start += 100) {
      const results = await io.client.submitBatch(cases.slice(start, start + 100).map((body) => ({ body })));
      for (const r of results) {
        const line = start + r.index + 1;
        if (r.caseId && r.status < 300) {
          accepted.push({ caseId: r.caseId });
          io.out(json({ line, caseId: r.caseId }));
        } else {
          failed++;
          io.out(json({ line, status: r.status, problem: r.problem }));
        }
      }
      tick(Math.min(cases.length, start + 100));
    }
    io.err(`${accepted.length} accepted, ${failed} rejected`);
    const code = await report(accepted, io, wait, false);
    return failed > 0 ? 1 : code;
  }
  const value = parseJson(bytes, file) as { resourceType?: unknown };
  const submitted = value.resourceType === 'Bundle' ? await io.client.submitFhirBundle(value) : await io.client.submitCase(value as CaseRequest);
  return report([submitted], io, wait);
}

async function report(submitted: Array<{ caseId: string }>, io: CliIo, wait: boolean, printSubmitted = true): Promise<number> {
  if (printSubmitted) for (const s of submitted) io.out(json(s));
  if (!wait) return 0;
  for (const { caseId } of submitted) io.out(json(await io.client.waitForResult(caseId, { timeoutMs: 120_000 })));
  return 0;
}

function parseJson(bytes: Buffer, where: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new UsageError(`${where} is not valid JSON`);
  }
}

import { ApiError } from '../api-error';
import { parseDuration, runCli, type CliIo } from './run-cli';

function harness(files: Record<string, string | Buffer> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const calls: Array<[string, unknown[]]> = [];
  const record = (name: string) => (...args: unknown[]) => {
    calls.push([name, args]);
    return undefined;
  };
  let next = 0;
  const client: CliIo['client'] = {
    submitCase: async (...args) => (record('submitCase')(...args), { caseId: `c${++next}`, status: 'pending' as const }),
    submitFhirBundle: async (...args) => (record('submitFhirBundle')(...args), { caseId: `c${++next}`, status: 'pending' as const }),
    submitDicom: async (...args) => (record('submitDicom')(...args), { caseId: `c${++next}`, status: 'pending' as const }),
    submitBatch: async (cases) => {
      record('submitBatch')(cases);
      return cases.map((c, index) =>
        (c.body as { patientRef?: string }).patientRef === 'bad'
          ? { index, status: 400, problem: { type: 'urn:lf:problem:invalid-body', title: 'Bad Request', status: 400 } }
          : { index, status: 202, caseId: `c${++next}` },
      );
    },
    getCase: async (id, options) => (record('getCase')(id, options), { caseId: id, status: 'complete' as const, submittedAt: '', deadlineAt: '' }),
    waitForResult: async (id) => ({ caseId: id, status: 'complete' as const, submittedAt: '', deadlineAt: '' }),
    getRiskAssessment: async (id) => ({ resourceType: 'RiskAssessment', id }),
    events: async function* (id) {
      record('events')(id);
      yield { id: '1-0', type: 'submitted', data: {} };
      yield { id: '2-0', type: 'finalized', data: { detail: 'all-replied' } };
    },
  };
  const io: CliIo = {
    client,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    readFile: async (path) => {
      if (!(path in files)) throw new Error(`ENOENT: ${path}`);
      return Buffer.from(files[path]);
    },
    progress: () => () => undefined,
  };
  return { io, out, err, calls };
}

const caseBody = (ref: string) => ({ patientRef: ref, inputs: { tabular: { ageYears: 70 } } });

describe('lf command line', () => {
  it('submits a .jsonl file in batches of 100, cohort lines by their request, and reports each line', async () => {
    const lines = Array.from({ length: 150 }, (_, i) => JSON.stringify(i % 2 ? { label: 1, request: caseBody(`p${i}`) } : caseBody(i === 4 ? 'bad' : `p${i}`)));
    const { io, out, err, calls } = harness({ 'cases.jsonl': lines.join('\n') + '\n' });
    expect(await runCli(['submit', 'cases.jsonl'], io)).toBe(1);
    const batches = calls.filter(([name]) => name === 'submitBatch').map(([, args]) => (args[0] as unknown[]).length);
    expect(batches).toEqual([100, 50]);
    expect(out).toHaveLength(150);
    expect(JSON.parse(out[4])).toMatchObject({ line: 5, status: 400 });
    expect(JSON.parse(out[149])).toMatchObject({ line: 150, caseId: expect.any(String) });
    expect(err).toEqual(['149 accepted, 1 rejected']);
  });

  it('sends a FHIR Bundle to the FHIR endpoint and a plain case to /v1/cases', async () => {
    const { io, calls } = harness({ 'b.json': JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [] }), 'c.json': JSON.stringify(caseBody('p')) });
    expect(await runCli(['submit', 'b.json'], io)).toBe(0);
    expect(await runCli(['submit', 'c.json', '--wait'], io)).toBe(0);
    expect(calls.map(([name]) => name)).toEqual(['submitFhirBundle', 'submitCase']);
  });

  it('sends a DICOM file as it is, and insists on a patient reference', async () => {
    const dicom = Buffer.alloc(200, 1);
    const { io, err, calls } = harness({ 'slice.dcm': dicom, 'extra.json': JSON.stringify({ inputs: { tabular: { ageYears: 50 } } }) });
    expect(await runCli(['submit', 'slice.dcm'], io)).toBe(2);
    expect(err[0]).toContain('--patient-ref');
    expect(await runCli(['submit', 'slice.dcm', '--patient-ref', 'MRN-1', '--case', 'extra.json'], io)).toBe(0);
    const [, [body, bytes]] = calls.find(([name]) => name === 'submitDicom')!;
    expect(body).toEqual({ patientRef: 'MRN-1', inputs: { tabular: { ageYears: 50 }, imaging: { format: 'dicom' } } });
    expect(Buffer.compare(bytes as Buffer, dicom)).toBe(0);
  });

  it('gets with a long-poll wait and watches events', async () => {
    const { io, out, calls } = harness();
    expect(await runCli(['get', 'c9', '--wait', '10s'], io)).toBe(0);
    expect(calls[0]).toEqual(['getCase', ['c9', { waitMs: 10_000 }]]);
    expect(await runCli(['watch', 'c9'], io)).toBe(0);
    expect(out.slice(1).map((l) => JSON.parse(l).type)).toEqual(['submitted', 'finalized']);
  });

  it('explains usage errors with exit code 2 and API errors with exit code 1', async () => {
    const { io, err } = harness({ 'broken.json': '{"patientRef":' });
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(await runCli(['submit', 'broken.json'], io)).toBe(2);
    expect(err[1]).toContain('broken.json is not valid JSON');
    io.client.getCase = async () => {
      throw new ApiError(404, { type: 'urn:lf:problem:not-found', title: 'Not Found', status: 404, detail: 'no case c1' });
    };
    expect(await runCli(['get', 'c1'], io)).toBe(1);
    expect(err[2]).toBe('HTTP 404 Not Found: no case c1');
  });

  it('reads durations', () => {
    expect([parseDuration('10s'), parseDuration('500ms'), parseDuration('2m'), parseDuration('3')]).toEqual([10_000, 500, 120_000, 3000]);
    expect(() => parseDuration('soon')).toThrow('is not a duration');
  });
});

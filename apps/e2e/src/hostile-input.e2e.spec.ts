import * as fc from 'fast-check';
import { generateCohort } from '@lf/cohort';
import { createKeyBuilder } from '@lf/redis';
import { API_KEY, startSystemFixture, type SystemFixture } from './support/system-fixture';

/**
 * Bad input never reaches a worker and never takes an app down (issue 4): hundreds of generated malformed
 * requests against the running apps all get a 4xx with a problem+json body, with zero 5xx, no case stored,
 * no job enqueued and every process still alive; and no app's log ever shows the patient reference.
 */
const PHI_MARKER = 'MRN-PHI-MARKER-4711-Zebedee';
const MODALITY_QUEUES = ['imaging', 'tabular', 'vitals', 'fusion'];

type Mutation = (valid: Record<string, unknown>) => { body: string | Buffer; contentType?: string; note: string };

/** A valid case to corrupt; every mutation keeps the marker so a leak of the body into logs would show. */
function validCase(): Record<string, unknown> {
  const [c] = [...generateCohort({ seed: 4242, n: 1, naturalMissingness: false, imagingFormat: 'dicom', imageSize: 64 })];
  return { ...(c.request as unknown as Record<string, unknown>), patientRef: PHI_MARKER };
}

const setPath = (target: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> => {
  const copy = structuredClone(target);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
  return copy;
};

const REQUIRED_PATHS = [['patientRef'], ['inputs'], ['inputs', 'imaging', 'data'], ['inputs', 'imaging', 'format'], ['inputs', 'vitals', 'samples']];
/** Values each field can never take (checked by hand against the contract, not by running it). */
const NOT_A_STRUCT = [true, 0, '', 'NaN', [], [[[]]]];
const INVALID_AT: Array<[string[], unknown[]]> = [
  [['patientRef'], [null, true, 0, '', 'x'.repeat(300), [], {}]],
  [['deadlineMs'], [null, true, -1, 0, 49, 1e308, 2.5, '', '2000', [], {}]],
  [['strategy'], [null, true, 0, '', 'fastest', [], {}]],
  [['inputs'], [null, {}, ...NOT_A_STRUCT]],
  [['inputs', 'imaging'], [{}, ...NOT_A_STRUCT]],
  [['inputs', 'imaging', 'format'], [null, true, 0, '', 'tiff', [], {}]],
  [['inputs', 'imaging', 'data'], [null, true, 0, '', [], {}, '!!!!', 'x'.repeat(300), 'iVBORw0KGgo=']],
  [['inputs', 'tabular'], NOT_A_STRUCT],
  [['inputs', 'tabular', 'ageYears'], [null, true, -1, 121, 1e308, '', '70', [], {}]],
  [['inputs', 'tabular', 'labs', 'crp', 'unit'], [null, true, 0, '', 'mg/kg', [], {}]],
  [['inputs', 'tabular', 'labs', 'crp', 'value'], [null, true, '', '12', [], {}]],
  [['inputs', 'vitals'], NOT_A_STRUCT],
  [['inputs', 'vitals', 'samples'], [null, {}, ...NOT_A_STRUCT]],
];

const mutations: fc.Arbitrary<Mutation> = fc.oneof(
  // a required field removed
  fc.constantFrom(...REQUIRED_PATHS).map((path): Mutation => (valid) => {
    const copy = structuredClone(valid);
    let node = copy as Record<string, unknown>;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
    delete node[path[path.length - 1]];
    return { body: JSON.stringify(copy), note: `without ${path.join('.')}` };
  }),
  // a wrong type or impossible value at a typed field
  fc.constantFrom(...INVALID_AT).chain(([path, values]) => fc.constantFrom(...values).map((value) => [path, value] as const)).map(([path, value]): Mutation => (valid) => ({
    body: JSON.stringify(setPath(valid, path, value)),
    note: `${path.join('.')} = ${JSON.stringify(value).slice(0, 20)}`,
  })),
  // a corrupt image: characters outside the alphabet, a cut-off tail, whitespace
  fc.tuple(fc.nat(), fc.constantFrom('!', ' ', '\n', '-', '_', '%', '=', 'é')).map(([at, ch]): Mutation => (valid) => {
    const data = ((valid['inputs'] as { imaging: { data: string } }).imaging.data);
    const i = at % data.length;
    const corrupt = ch === '=' ? data.slice(0, Math.max(1, i - (i % 4) + 1)) : data.slice(0, i) + ch + data.slice(i + 1);
    return { body: JSON.stringify(setPath(valid, ['inputs', 'imaging', 'data'], corrupt)), note: `image data corrupted with '${ch}' at ${i}` };
  }),
  // broken JSON: truncated anywhere, or with a trailing comma / stray bytes
  fc.tuple(fc.nat(), fc.constantFrom('', ',', '}', '\u0000', '\uFFFF')).map(([at, tail]): Mutation => (valid) => {
    const text = JSON.stringify(valid);
    const cut = at % (text.length - 1); // never the whole text: a complete body plus "}" could be valid
    return { body: text.slice(0, cut) + tail, note: `truncated at ${cut}` };
  }),
  // numbers JSON can spell but JS cannot hold
  fc.constantFrom('1e400', '-1e400').map((spelled): Mutation => (valid) => ({
    body: JSON.stringify(setPath(valid, ['inputs', 'tabular', 'ageYears'], 12345)).replace('12345', spelled),
    note: `ageYears spelled ${spelled}`,
  })),
  // any JSON value as the whole body
  fc.jsonValue({ maxDepth: 4 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('patientRef' in v)).map((value): Mutation => () => ({
    body: JSON.stringify(value) ?? 'null',
    note: 'arbitrary JSON value',
  })),
  // deep nesting and invalid UTF-8
  fc.integer({ min: 1_000, max: 50_000 }).map((depth): Mutation => () => ({ body: '['.repeat(depth) + ']'.repeat(depth), note: `nesting depth ${depth}` })),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes): Mutation => () => ({ body: Buffer.concat([Buffer.from('{"patientRef":"'), Buffer.from([0xff, 0xfe, ...bytes]), Buffer.from('"}')]), note: 'invalid UTF-8' })),
  // the right body with the wrong media type
  fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'application/octet-stream').map((type): Mutation => (valid) => ({
    body: JSON.stringify(valid),
    contentType: type,
    note: `content-type ${type}`,
  })),
);

describe('hostile input, end to end', () => {
  let fx: SystemFixture;
  const lines: Array<{ app: string; line: string }> = [];

  beforeAll(async () => {
    fx = await startSystemFixture({ onLine: (app, line) => lines.push({ app, line }) });
  }, 90_000);
  afterAll(() => fx?.stop());

  it('answers 250 generated malformed requests with a 4xx problem, stores and enqueues nothing, and keeps every app up', async () => {
    const valid = validCase();
    const cases = fc.sample(mutations, { numRuns: 250, seed: 20261126 });
    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    for (const mutate of cases) {
      const { body, contentType, note } = mutate(valid);
      const response = await fetch(`${fx.system.gatewayUrl}/v1/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': contentType ?? 'application/json' },
        body,
      });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const text = await response.text();
      if (response.status < 400 || response.status >= 500) serverErrors.push(`${response.status} for ${note}: ${text.slice(0, 200)}`);
      else expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(text).not.toContain(PHI_MARKER);
    }
    expect(serverErrors).toEqual([]);
    expect([...statuses.keys()].every((s) => s >= 400 && s < 500)).toBe(true);

    const keys = createKeyBuilder();
    const prefixes = MODALITY_QUEUES.map((q) => `${keys.queuePrefix(q)}:${q}`);
    for (const prefix of prefixes) {
      for (const list of ['wait', 'active', 'paused']) expect(await fx.connection.llen(`${prefix}:${list}`)).toBe(0);
      for (const set of ['delayed', 'prioritized', 'completed', 'failed']) expect(await fx.connection.zcard(`${prefix}:${set}`)).toBe(0);
    }
    expect(await fx.connection.keys('lf:case:*')).toEqual([]);
    expect(await fx.connection.keys('lf:blob:*')).toEqual([]);

    for (const app of Object.values(fx.system.apps)) {
      expect([app!.name, (await fetch(app!.spec.readyUrl)).status]).toEqual([app!.name, 200]);
    }
    // ... and the system still scores a good case.
    const ok = await fx.submit(valid);
    expect(ok.status).toBe(202);
    expect((await fx.waitForFinal(String(ok.body['caseId']), 30_000)).status).toBe('complete');
  }, 240_000);

  it('never writes the patient reference into any app log, for good or bad requests', () => {
    expect(lines.length).toBeGreaterThan(0);
    const apps = new Set(lines.map((l) => l.app));
    expect([...apps].sort()).toEqual(Object.keys(fx.system.apps).sort());
    expect(lines.filter((l) => l.line.includes(PHI_MARKER)).map((l) => l.app)).toEqual([]);
    expect(lines.filter((l) => l.line.includes('Zebedee')).map((l) => l.app)).toEqual([]);
  });
});

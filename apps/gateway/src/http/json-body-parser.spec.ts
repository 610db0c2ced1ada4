import fc from 'fast-check';
import sjson from 'secure-json-parse';
import { decodeStrictBase64 } from '@lf/contracts';
import { parseJsonBody } from './json-body-parser';

/** Fastify's default parser: the behaviour ours must keep. */
function defaultParse(body: Buffer): { ok: true; value: unknown } | { ok: false; empty: boolean } {
  if (body.length === 0) return { ok: false, empty: true };
  try {
    return { ok: true, value: sjson.parse(body.toString('utf8'), { protoAction: 'error', constructorAction: 'error' }) };
  } catch {
    return { ok: false, empty: false };
  }
}

describe('parseJsonBody', () => {
  it.each([
    ['{"__proto__":{"admin":true}}'],
    ['{"a":[1,{"b":{"__proto__":{}}}]}'],
    ['{"constructor":{"prototype":{"x":1}}}'],
    ['[{"deep":{"constructor":{"prototype":null}}}]'],
    ['{"\\u005f_proto__":{}}'],
  ])('refuses prototype poisoning like Fastify: %s', (text) => {
    expect(parseJsonBody(Buffer.from(text))).toEqual({ ok: false, empty: false });
    expect(defaultParse(Buffer.from(text))).toEqual({ ok: false, empty: false });
  });

  it.each([['{"constructor":"fine"}'], ['{"constructor":{"name":"x"}}'], ['{"proto":{}, "prototype":{}}']])('accepts harmless look-alikes: %s', (text) => {
    expect(parseJsonBody(Buffer.from(text))).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it('reports an empty body and invalid JSON apart', () => {
    expect(parseJsonBody(Buffer.alloc(0))).toEqual({ ok: false, empty: true });
    expect(parseJsonBody(Buffer.from('{"a":'))).toEqual({ ok: false, empty: false });
  });

  it('decodes UTF-8 (names, units) and drops a byte order mark', () => {
    const text = '\ufeff{"unit":"µmol/L","name":"Zoë 😀"}';
    expect(parseJsonBody(Buffer.from(text, 'utf8'))).toEqual({ ok: true, value: { unit: 'µmol/L', name: 'Zoë 😀' } });
  });

  it('agrees with Fastify\u2019s default parser on arbitrary JSON, poisoned or not', () => {
    const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'prototype'));
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }),
    }));
    // Objects are written as text so that a `__proto__` key really is in the body.
    const write = (v: unknown): string =>
      Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string')
        ? `{${(v as Array<[string, unknown]>).map(([k, x]) => `${JSON.stringify(k)}:${write(x)}`).join(',')}}`
        : Array.isArray(v)
          ? `[${v.map(write).join(',')}]`
          : JSON.stringify(v);
    fc.assert(
      fc.property(json.value, (v) => {
        const body = Buffer.from(write(v), 'utf8');
        expect(parseJsonBody(body)).toEqual(defaultParse(body));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('parseJsonBody with liftBinaryFields (a POST /v1/cases body)', () => {
  const image = (n: number, seed = 7) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + seed) % 256));
  const caseBody = (data: unknown, extra: Record<string, unknown> = {}) => ({
    patientRef: 'SYN-1',
    inputs: {
      imaging: { format: 'raw', data, dtype: 'int16', width: 256, height: 256 },
      tabular: { ageYears: 70, sex: 'female', labs: { crp: { value: 12, unit: 'mg/L' } } },
      vitals: { samples: [{ t: '2024-09-02T14:12:00+02:00', heartRate: 74, note: 'say "hi" \\ bye' }] },
    },
    ...extra,
  });

  /** The lifted parse must be the plain parse with the binary field moved out, decoded; or exactly the plain parse. */
  function expectSameAsPlain(body: Buffer): 'lifted' | 'plain' {
    const plain = parseJsonBody(body);
    const lifted = parseJsonBody(body, { liftBinaryFields: true });
    if (!lifted.ok || !lifted.binaries) {
      expect(lifted).toEqual(plain);
      return 'plain';
    }
    expect(plain.ok).toBe(true);
    const plainInputs = (plain as { value: { inputs: Record<string, Record<string, unknown>> } }).value.inputs;
    const liftedInputs = (lifted.value as { inputs: Record<string, Record<string, unknown>> }).inputs;
    expect(Object.keys(lifted.binaries)).toEqual(['imaging']);
    expect(liftedInputs['imaging']).not.toHaveProperty('data');
    expect(decodeStrictBase64(plainInputs['imaging']['data'] as string)?.equals(lifted.binaries['imaging'])).toBe(true);
    liftedInputs['imaging']['data'] = plainInputs['imaging']['data'];
    expect(lifted.value).toEqual((plain as { value: unknown }).value);
    return 'lifted';
  }

  it('takes a case image out of the body, decoded, whatever the formatting and the padding', () => {
    for (const bytes of [image(131_072), image(131_071), image(131_070), image(20_000)]) {
      const data = bytes.toString('base64');
      expect(expectSameAsPlain(Buffer.from(JSON.stringify(caseBody(data))))).toBe('lifted');
      expect(expectSameAsPlain(Buffer.from(JSON.stringify(caseBody(data.replace(/=+$/, '')), null, 2)))).toBe('lifted');
      expect(expectSameAsPlain(Buffer.from(`\ufeff${JSON.stringify(caseBody(data, { patientRef: 'Zoë "ü" \\u00e9 😀' }))}`))).toBe('lifted');
    }
  });

  it('parses as usual whatever it cannot lift cleanly', () => {
    const data = image(131_072).toString('base64');
    const cases: Array<[string, string]> = [
      ['a small image', JSON.stringify(caseBody(image(900).toString('base64')))],
      ['base64 with a line break', JSON.stringify(caseBody(data.slice(0, 76) + '\n' + data.slice(76)))],
      ['base64 with a URL-safe character', JSON.stringify(caseBody('-' + data.slice(1)))],
      ['base64 with an escaped slash', JSON.stringify(caseBody(data)).replace('/', '\\/')],
      ['a long base64 string in another field', JSON.stringify(caseBody(image(10).toString('base64'), { patientRef: data }))],
      ['two images, one outside the binary field', JSON.stringify(caseBody(data, { note: data }))],
      ['the image key twice (the last one wins)', JSON.stringify(caseBody(data)).replace('"tabular":', `"imaging":{"format":"png","data":"iVBORw0KGgo="},"tabular":`)],
      ['the image as the whole input', JSON.stringify({ inputs: { imaging: data } })],
      ['the image at the top level', JSON.stringify({ data })],
      ['a body that contains the token prefix', JSON.stringify(caseBody(data, { patientRef: '!lf-lifted-base64:0!' }))],
      ['truncated JSON', JSON.stringify(caseBody(data)).slice(0, 100_000)],
      ['unterminated image string', JSON.stringify(caseBody(data)).replace(/"[A-Za-z0-9+/]{20000,}={0,2}"/, (m) => m.slice(0, -1))],
      ['a raw control character after the image', JSON.stringify(caseBody(data)).replace('"tabular"', '"tab\u0001ular"')],
      ['prototype poisoning beside the image', JSON.stringify(caseBody(data)).replace('"tabular":', '"__proto__":{"x":1},"tabular":')],
      ['the image after an escaped quote', `{"patientRef":"a\\"","inputs":{"imaging":{"format":"raw","data":"${data}"}}}`],
    ];
    const outcomes = cases.map(([name, text]) => [name, expectSameAsPlain(Buffer.from(text, 'utf8'))]);
    expect(outcomes).toEqual([
      ['a small image', 'plain'],
      ['base64 with a line break', 'plain'],
      ['base64 with a URL-safe character', 'plain'],
      ['base64 with an escaped slash', 'plain'],
      ['a long base64 string in another field', 'plain'],
      ['two images, one outside the binary field', 'plain'],
      ['the image key twice (the last one wins)', 'plain'],
      ['the image as the whole input', 'plain'],
      ['the image at the top level', 'plain'],
      ['a body that contains the token prefix', 'plain'],
      ['truncated JSON', 'plain'],
      ['unterminated image string', 'plain'],
      ['a raw control character after the image', 'plain'],
      ['prototype poisoning beside the image', 'plain'],
      ['the image after an escaped quote', 'lifted'],
    ]);
  });

  it('agrees with the plain parse on arbitrary bodies built around long base64 strings', () => {
    const longBase64 = fc.integer({ min: 12_000, max: 40_000 }).map((n) => image(n, n % 251).toString('base64'));
    const text = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('\\', '"', '\\"', '\u00e9', '!lf'));
    const fragment = fc.oneof(
      longBase64.map((b) => JSON.stringify(b)),
      text.map((t) => JSON.stringify(t)),
      fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', ' ', '1', 'null', '"data":', '"inputs":{"imaging":{"data":', '}}'),
    );
    const wellFormed = fc.tuple(longBase64, fc.option(longBase64), text, fc.boolean()).map(([image1, other, t, pretty]) => {
      const body = caseBody(image1, other === null ? { patientRef: t } : { patientRef: t, attachments: [other] });
      return pretty ? JSON.stringify(body, null, 1) : JSON.stringify(body);
    });
    fc.assert(
      fc.property(fc.oneof(wellFormed, fc.array(fragment, { maxLength: 12 }).map((f) => f.join(''))), (body) => {
        expectSameAsPlain(Buffer.from(body, 'utf8'));
      }),
      { numRuns: 400 },
    );
  });
});

import fc from 'fast-check';
import sjson from 'secure-json-parse';
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

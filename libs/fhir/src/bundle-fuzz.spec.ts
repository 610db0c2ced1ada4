import { generatePatient } from '@lf/cohort';
import { caseRequestSchema } from '@lf/contracts';
import fc from 'fast-check';
import { bundle, observation, patient, quantity } from '../test/bundle-builders';
import type { BundleToCaseResult } from './bundle-report';
import { bundleToCaseRequest } from './bundle-to-case-request';
import { caseRequestToBundle } from './case-request-to-bundle';

type Key = string | number;

/** Every path to a value inside a JSON document. */
function allPaths(value: unknown, prefix: Key[] = []): Key[][] {
  const out: Key[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...allPaths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...allPaths(v, [...prefix, k]));
  return out;
}

function expectWellFormed(result: BundleToCaseResult): void {
  if (result.ok) {
    expect(caseRequestSchema.safeParse(result.request).success).toBe(true);
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  for (const error of result.errors) {
    expect(typeof error.message).toBe('string');
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.path).toMatch(/^$|^(resourceType|type|entry)(\[\d+\])?(\.[A-Za-z_]\w*(\[\d+\])?)*$/);
  }
}

describe('bundleToCaseRequest on malformed input', () => {
  const base = caseRequestToBundle(generatePatient(9, 3, { imagingFormat: 'dicom', imageSize: 8, naturalMissingness: false }).request);
  const paths = allPaths(base).filter((p) => p.length > 0);

  it('property: a Bundle with any one value replaced or removed gives a valid request or errors with paths, never a throw', () => {
    fc.assert(
      fc.property(fc.nat(), fc.oneof(fc.anything(), fc.constant(undefined)), (which, replacement) => {
        const mutated = structuredClone(base) as unknown as Record<Key, unknown>;
        const path = paths[which % paths.length];
        let parent: Record<Key, unknown> = mutated;
        for (const key of path.slice(0, -1)) parent = parent[key] as Record<Key, unknown>;
        const last = path[path.length - 1];
        if (replacement === undefined) delete parent[last];
        else parent[last] = replacement;
        expectWellFormed(bundleToCaseRequest(mutated));
      }),
      { numRuns: 300, seed: 99 },
    );
  });

  it('property: any JSON value at all gives errors, never a throw', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), (value) => {
        const result = bundleToCaseRequest(value);
        expect(result.ok).toBe(false);
        expectWellFormed(result);
      }),
      { numRuns: 200, seed: 100 },
    );
  });

  it('is not fooled by prototype keys in codes, statuses and units', () => {
    const hostile = bundle([
      patient({ gender: 'constructor' }),
      observation('constructor', quantity(1, '/min'), '2024-03-05T08:00:00Z'),
      observation('8867-4', quantity(80, 'toString'), '2024-03-05T08:00:00Z'),
      observation('8867-4', quantity(80, '/min'), '2024-03-05T08:00:00Z', { status: '__proto__' }),
      { resourceType: 'Condition', code: { coding: [{ system: 'http://snomed.info/sct', code: 'hasOwnProperty' }] } },
    ]);
    const result = bundleToCaseRequest(hostile);
    if (result.ok) throw new Error('expected errors');
    expect(result.errors.map((e) => e.path)).toEqual(['entry[0].resource.gender', 'entry[2].resource.valueQuantity.code']);
  });
});

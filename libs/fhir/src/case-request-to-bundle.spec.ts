import { generatePatient } from '@lf/cohort';
import type { CaseRequest, LabName } from '@lf/contracts';
import fc from 'fast-check';
import type { Bundle, Observation } from 'fhir/r4';
import { fhirR4Issues } from '@lf/testing';
import { bundleToCaseRequest } from './bundle-to-case-request';
import { birthDateFor, caseRequestToBundle, type CaseRequestToBundleOptions } from './case-request-to-bundle';
import { ageInYears, parseFhirDate } from './fhir-time';
import { convertLabBetweenContractUnits, LAB_UNIT_RULES, type QuantityTarget } from './units';

/** Alternate UCUM units a hospital might send, per target (the first is the contract's own). */
const ALTERNATE_UNITS: Record<QuantityTarget, readonly string[]> = {
  heartRate: ['/min', '{beats}/min'],
  respiratoryRate: ['/min', '{breaths}/min'],
  spo2: ['%', '1'],
  temperature: ['Cel', '[degF]', 'K'],
  systolicBp: ['mm[Hg]', 'kPa'],
  diastolicBp: ['mm[Hg]', 'kPa'],
  crp: ['mg/L', 'mg/dL', 'ug/mL'],
  wbc: ['10*9/L', '10*3/uL', '/nL', '/uL'],
  lactate: ['mmol/L', 'mg/dL'],
  creatinine: ['mg/dL', 'umol/L', 'mmol/L', 'mg/L'],
  hemoglobin: ['g/dL', 'g/L', 'mg/dL'],
  platelets: ['10*9/L', '10*3/uL', '/uL'],
  sodium: ['mmol/L', 'meq/L'],
  bmi: ['kg/m2'],
};

/** The inputs bundleToCaseRequest should give back: same values, labs in the unit the alternate maps to, no empty blocks. */
function expectedInputs(request: CaseRequest, units: CaseRequestToBundleOptions['units'] = {}): CaseRequest['inputs'] {
  const inputs: CaseRequest['inputs'] = {};
  if (request.inputs.imaging) inputs.imaging = request.inputs.imaging;
  const tabular = { ...request.inputs.tabular };
  if (tabular.comorbidities && Object.keys(tabular.comorbidities).length === 0) delete tabular.comorbidities;
  if (tabular.labs) {
    const labs: Record<string, { value: number; unit: string }> = {};
    for (const [name, lab] of Object.entries(tabular.labs) as [LabName, { value: number; unit: string }][]) {
      const alternate = units[name];
      const to = alternate ? LAB_UNIT_RULES[name][alternate].to : lab.unit;
      labs[name] = { value: convertLabBetweenContractUnits(name, lab.value, lab.unit, to), unit: to };
    }
    tabular.labs = labs as typeof tabular.labs;
  }
  if (request.inputs.tabular && Object.keys(tabular).length > 0) inputs.tabular = tabular;
  if (request.inputs.vitals) inputs.vitals = request.inputs.vitals;
  return inputs;
}

/** Deep equality where numbers may differ by float noise from a unit round trip (relative 1e-9). */
function expectSameUpToRounding(actual: unknown, expected: unknown, path = 'inputs'): void {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') throw new Error(`${path}: expected a number`);
    if (Math.abs(actual - expected) > 1e-9 * Math.max(1, Math.abs(expected))) throw new Error(`${path}: ${actual} != ${expected}`);
    return;
  }
  if (typeof expected !== 'object' || expected === null) {
    if (actual !== expected) throw new Error(`${path}: ${String(actual)} != ${String(expected)}`);
    return;
  }
  if (typeof actual !== 'object' || actual === null) throw new Error(`${path}: expected an object`);
  const keys = (o: object) => Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined).sort();
  expect(`${path}: ${keys(actual).join(',')}`).toBe(`${path}: ${keys(expected).join(',')}`);
  for (const key of keys(expected)) {
    expectSameUpToRounding((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}.${key}`);
  }
}

const cohortCase = (seed: number, index: number, dropRate = 0, naturalMissingness = true) =>
  generatePatient(seed, index, { imagingFormat: 'dicom', imageSize: 16, dropRate, naturalMissingness }).request;
/** Every modality present (before any field-level missingness). */
const fullCase = (seed: number, index: number) => cohortCase(seed, index, 0, false);

describe('caseRequestToBundle -> bundleToCaseRequest round trip', () => {
  it('property: a cohort case comes back with the same inputs, whatever the units, bundle type, image resource and BP style', () => {
    const unitsArb = fc.record(
      Object.fromEntries(Object.entries(ALTERNATE_UNITS).map(([target, units]) => [target, fc.constantFrom(...units)])) as {
        [K in QuantityTarget]: fc.Arbitrary<string>;
      },
      { requiredKeys: [] },
    );
    const arb = fc.record({
      seed: fc.integer({ min: 0, max: 1000 }),
      index: fc.integer({ min: 0, max: 100_000 }),
      dropRate: fc.constantFrom(0, 0.3),
      naturalMissingness: fc.boolean(),
      type: fc.constantFrom('collection' as const, 'transaction' as const),
      imagingResource: fc.constantFrom('Media' as const, 'Binary' as const, 'DocumentReference' as const),
      bloodPressure: fc.constantFrom('panel' as const, 'separate' as const),
      units: unitsArb,
    });
    fc.assert(
      fc.property(arb, ({ seed, index, dropRate, naturalMissingness, ...options }) => {
        const request = cohortCase(seed, index, dropRate, naturalMissingness);
        const expected = expectedInputs(request, options.units);
        const result = bundleToCaseRequest(caseRequestToBundle(request, options));
        if (Object.keys(expected).length === 0) {
          expect(result.ok).toBe(false); // e.g. only an empty tabular block: nothing a Bundle can carry
          return;
        }
        if (!result.ok) throw new Error(JSON.stringify(result.errors));
        expect(result.request.patientRef).toBe(request.patientRef);
        expectSameUpToRounding(result.request.inputs, expected);
        expect(result.report.unknownCodes).toEqual([]);
        expect(result.report.ignored).toEqual([]);
        // A conversion is reported exactly for the values sent in a unit whose number differs.
        for (const conversion of result.report.conversions) expect(conversion.from).not.toBe(conversion.to);
      }),
      { numRuns: 120, seed: 4242 },
    );
  });

  it('reports the conversions of alternate units and uses every resource (basis = every entry)', () => {
    const request = fullCase(3, 1);
    const bundle = caseRequestToBundle(request, { units: { temperature: '[degF]', spo2: '1', creatinine: 'mmol/L' } });
    const result = bundleToCaseRequest(bundle);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const temperatures = request.inputs.vitals!.samples.filter((s) => s.temperature !== undefined).length;
    const spo2 = request.inputs.vitals!.samples.filter((s) => s.spo2 !== undefined).length;
    const creatinine = request.inputs.tabular?.labs?.creatinine ? 1 : 0;
    expect(result.report.conversions.map((c) => `${c.from}->${c.to}`).sort()).toEqual(
      [
        ...Array<string>(temperatures).fill('[degF]->Cel'),
        ...Array<string>(spo2).fill('1->%'),
        ...Array<string>(creatinine).fill('mmol/L->umol/L'),
      ].sort(),
    );
    expect([...result.basis].sort()).toEqual(bundle.entry!.map((e) => `${e.resource!.resourceType}/${e.resource!.id}`).sort());
  });

  it('reports an unknown Observation added to a cohort Bundle and leaves the case as it was', () => {
    const request = cohortCase(5, 2);
    const bundle = caseRequestToBundle(request);
    const weight: Observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }] },
      valueQuantity: { value: 70, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
    };
    bundle.entry!.push({ fullUrl: 'urn:uuid:11111111-1111-4111-8111-111111111111', resource: weight });
    const result = bundleToCaseRequest(bundle);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expectSameUpToRounding(result.request.inputs, expectedInputs(request));
    expect(result.report.unknownCodes).toEqual([
      { path: `entry[${bundle.entry!.length - 1}].resource.code.coding[0]`, system: 'http://loinc.org', code: '29463-7', display: 'Body weight' },
    ]);
  });
});

describe('caseRequestToBundle output', () => {
  it.each([
    { type: 'collection' as const, imagingResource: 'Media' as const, bloodPressure: 'panel' as const, units: {} },
    { type: 'transaction' as const, imagingResource: 'DocumentReference' as const, bloodPressure: 'separate' as const, units: { temperature: '[degF]', wbc: '/nL' } },
    { type: 'collection' as const, imagingResource: 'Binary' as const, bloodPressure: 'panel' as const, units: { spo2: '1', systolicBp: 'kPa', diastolicBp: 'kPa' } },
  ])('is valid FHIR R4: $type, image as $imagingResource, BP $bloodPressure', (options) => {
    const request = fullCase(11, 8);
    const bundle = caseRequestToBundle(request, { ...options, patientIdentifierSystem: 'https://late-fusion.example/fhir/NamingSystem/synthetic-patient' });
    expect(fhirR4Issues(bundle)).toEqual([]);
    const result = bundleToCaseRequest(bundle);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.request.patientRef).toBe(`https://late-fusion.example/fhir/NamingSystem/synthetic-patient|${request.patientRef}`);
  });

  it('the validators catch a broken Bundle (they can fail)', () => {
    const bundle = caseRequestToBundle(fullCase(11, 8));
    const broken = JSON.parse(JSON.stringify(bundle)) as Bundle;
    const observations = broken.entry!.flatMap((e, i) => (e.resource?.resourceType === 'Observation' && (e.resource as Observation).valueQuantity ? [i] : []));
    const [a, b] = observations;
    (broken.entry![a].resource as Observation).status = 'done' as Observation['status'];
    (broken.entry![b].resource as Observation).valueQuantity = { value: '12' as unknown as number };
    const issues = fhirR4Issues(broken);
    expect(issues.some((i) => i.startsWith('schema:') && i.includes(`/entry/${a}/resource/status`))).toBe(true);
    expect(issues.some((i) => i.startsWith('schema:') && i.includes(`/entry/${b}/resource/valueQuantity/value`))).toBe(true);
    expect(issues.some((i) => i.startsWith('structure:'))).toBe(true);
  });

  it('is deterministic, and a transaction carries POST requests and urn:uuid references', () => {
    const request = cohortCase(2, 9);
    expect(JSON.stringify(caseRequestToBundle(request, { type: 'transaction' }))).toBe(JSON.stringify(caseRequestToBundle(request, { type: 'transaction' })));
    const bundle = caseRequestToBundle(request, { type: 'transaction' });
    const patientUrl = bundle.entry![0].fullUrl!;
    expect(patientUrl).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (const entry of bundle.entry!) {
      expect(entry.request).toEqual({ method: 'POST', url: entry.resource!.resourceType });
      expect(entry.resource!.id).toBeUndefined();
      const subject = (entry.resource as { subject?: { reference?: string } }).subject;
      if (subject) expect(subject.reference).toBe(patientUrl);
    }
  });

  it('refuses what a Bundle cannot say, or says it plainly', () => {
    const request = cohortCase(1, 1);
    expect(() => caseRequestToBundle(request, { units: { temperature: 'furlongs' } })).toThrow(/furlongs/);
    expect(() => caseRequestToBundle(request, { asOf: '2024-07-01' })).toThrow(/asOf/);
    const png = generatePatient(1, 1, { imagingFormat: 'png', imageSize: 16, naturalMissingness: false }).request;
    expect(() => caseRequestToBundle(png)).toThrow(/png/);
    const omitted = caseRequestToBundle(png, { nonDicomImaging: 'omit' });
    expect(omitted.entry!.some((e) => ['Media', 'Binary', 'DocumentReference'].includes(e.resource!.resourceType))).toBe(false);
  });
});

describe('birthDateFor', () => {
  it.each([
    ['2024-02-28T10:00:00Z', 80],
    ['2024-02-29T10:00:00Z', 33],
    ['2023-12-31T23:59:00-05:00', 0],
    ['2024-01-01T00:30:00+14:00', 120],
  ])('at %s, age %i', (asOf, age) => {
    const birth = parseFhirDate(birthDateFor(age, asOf))!;
    expect(ageInYears(birth, parseFhirDate(asOf) as Required<typeof birth>)).toBe(age);
  });

  it('property: the birth date written always gives back the age on the local date of asOf', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2060-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -12, max: 14 }),
        fc.integer({ min: 0, max: 120 }),
        (date, offsetHours, age) => {
          const local = new Date(date.getTime() + offsetHours * 3_600_000).toISOString().slice(0, 19);
          const sign = offsetHours < 0 ? '-' : '+';
          const asOf = `${local}${sign}${String(Math.abs(offsetHours)).padStart(2, '0')}:00`;
          const birth = parseFhirDate(birthDateFor(age, asOf))!;
          expect(ageInYears(birth, parseFhirDate(asOf) as Required<typeof birth>)).toBe(age);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});

import { caseRequestSchema } from '@lf/contracts';
import { bpPanel, bundle, condition, dicomBase64, media, observation, patient, quantity, type Json } from '../test/bundle-builders';
import type { BundleToCaseResult } from './bundle-report';
import { bundleToCaseRequest } from './bundle-to-case-request';

const T1 = '2024-03-05T08:00:00+01:00';
const T2 = '2024-03-05T12:00:00+01:00';

function ok(result: BundleToCaseResult) {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.errors, null, 2)}`);
  expect(caseRequestSchema.safeParse(result.request).success).toBe(true);
  return result;
}

function errors(result: BundleToCaseResult) {
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.request)}`);
  return result.errors;
}

const hr = (value: number, t = T1, unit = '/min') => observation('8867-4', quantity(value, unit), t);
/** `Observation/<id>` of the n-th entry. */
const refOf = (input: Json, n: number) => {
  const resource = (input.entry as { resource: Json }[])[n].resource;
  return `${String(resource.resourceType)}/${String(resource.id)}`;
};

describe('bundleToCaseRequest: the Bundle envelope', () => {
  it.each([
    { what: 'not an object', input: [], path: '' },
    { what: 'not a Bundle', input: { resourceType: 'Patient' }, path: 'resourceType' },
    { what: 'a batch', input: { resourceType: 'Bundle', type: 'batch', entry: [{ resource: patient() }] }, path: 'type' },
    { what: 'no entries', input: { resourceType: 'Bundle', type: 'collection', entry: [] }, path: 'entry' },
  ])('rejects $what with an error naming "$path"', ({ input, path }) => {
    expect(errors(bundleToCaseRequest(input))[0].path).toBe(path);
  });

  it('names the entry that has no resource or no resourceType', () => {
    const input = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: patient() }, { fullUrl: 'urn:x' }, { resource: { id: 'x' } }] };
    expect(errors(bundleToCaseRequest(input))).toEqual([
      { path: 'entry[1].resource', message: expect.stringContaining('every entry needs a resource') },
      { path: 'entry[2].resource.resourceType', message: expect.stringContaining('resource type') },
    ]);
  });

  it('accepts transaction entries with POST/PUT and rejects other methods', () => {
    const good = bundle([patient(), hr(80)], 'transaction');
    expect(ok(bundleToCaseRequest(good)).request.inputs.vitals).toEqual({ samples: [{ t: T1, heartRate: 80 }] });

    const absolute = bundle([patient({ id: undefined, identifier: undefined }), hr(80)]);
    (absolute.entry as Json[])[0].fullUrl = 'https://ehr.example/fhir/Patient/p1';
    expect(ok(bundleToCaseRequest(absolute)).request.patientRef).toBe('Patient/p1');

    const put = bundle([patient({ id: undefined }), hr(80)], 'transaction');
    (put.entry as Json[])[0].request = { method: 'PUT', url: 'Patient/p1' };
    const viaPut = ok(bundleToCaseRequest(put));
    expect(viaPut.basis).toContain('Patient/p1');

    const bad = bundle([patient(), hr(80)], 'transaction');
    (bad.entry as Json[])[1].request = { method: 'DELETE', url: 'Observation/o1' };
    delete (bad.entry as Json[])[0].request;
    expect(errors(bundleToCaseRequest(bad)).map((e) => e.path)).toEqual(['entry[0].request', 'entry[1].request.method']);
  });

  it('reports resource types it does not use, and duplicate fullUrls are an error', () => {
    const result = ok(bundleToCaseRequest(bundle([patient(), hr(80), { resourceType: 'Encounter', id: 'e1' }])));
    expect(result.report.ignored).toEqual([{ path: 'entry[2].resource', reason: 'Encounter is not used for a case' }]);

    const dup = bundle([patient(), hr(80)]);
    (dup.entry as Json[])[1].fullUrl = (dup.entry as Json[])[0].fullUrl;
    expect(errors(bundleToCaseRequest(dup))).toEqual([{ path: 'entry[1].fullUrl', message: 'duplicates the fullUrl of entry[0]' }]);
  });

  it('caps the number of errors', () => {
    const many = bundle([patient(), ...Array.from({ length: 30 }, () => hr(80, T1, 'furlongs'))]);
    const errs = errors(bundleToCaseRequest(many, { maxErrors: 5 }));
    expect(errs).toHaveLength(5);
    expect(errs[4]).toEqual({ path: '', message: 'and 26 more errors' });
  });
});

describe('bundleToCaseRequest: the Patient', () => {
  it('prefers a usual/official identifier with a system, then any with a system, then Patient/<id>', () => {
    const identifiers = [
      { value: 'NO-SYSTEM' },
      { system: 'urn:old', value: 'OLD', use: 'old' },
      { system: 'urn:secondary', value: 'SEC' },
      { system: 'urn:mrn', value: 'MRN-9', use: 'usual' },
    ];
    expect(ok(bundleToCaseRequest(bundle([patient({ identifier: identifiers }), hr(80)]))).request.patientRef).toBe('urn:mrn|MRN-9');
    expect(ok(bundleToCaseRequest(bundle([patient({ identifier: identifiers.slice(0, 3) }), hr(80)]))).request.patientRef).toBe('urn:secondary|SEC');
    expect(ok(bundleToCaseRequest(bundle([patient({ identifier: [{ value: 'V' }] }), hr(80)]))).request.patientRef).toBe('V');
    expect(ok(bundleToCaseRequest(bundle([patient({ identifier: undefined }), hr(80)]))).request.patientRef).toBe('Patient/p1');
    const noId = bundle([patient({ identifier: undefined, id: undefined }), observation('8867-4', quantity(80, '/min'), T1, { subject: undefined })]);
    expect(ok(bundleToCaseRequest(noId)).request.patientRef).toBe('urn:uuid:00000000-0000-4000-8000-000000000000');
  });

  it('maps gender to sex and birthDate to ageYears at the latest observation (local date) or asOf', () => {
    const input = bundle([patient({ birthDate: '1950-03-05' }), hr(80, '2024-03-04T23:30:00-05:00'), hr(82, '2024-03-04T10:00:00Z')]);
    // The latest observation is 2024-03-05T04:30Z, written as the local date 2024-03-04: the day before the birthday.
    const result = ok(bundleToCaseRequest(input));
    expect(result.request.inputs.tabular).toEqual({ ageYears: 73, sex: 'female' });
    expect(ok(bundleToCaseRequest(input, { asOf: '2024-03-05' })).request.inputs.tabular?.ageYears).toBe(74);
    expect(ok(bundleToCaseRequest(input, { asOf: new Date('2030-01-01T00:00:00Z') })).request.inputs.tabular?.ageYears).toBe(79);
    expect(() => bundleToCaseRequest(input, { asOf: '2024' })).toThrow(/asOf/);
  });

  it('uses Bundle.timestamp when no observation is dated, and reports a partial birthDate as a conversion', () => {
    const input = { ...bundle([patient({ birthDate: '1950-07' })]), timestamp: '2024-06-30T10:00:00Z' };
    const result = ok(bundleToCaseRequest(input));
    expect(result.request.inputs.tabular?.ageYears).toBe(73);
    expect(result.report.conversions).toEqual([{ path: 'entry[0].resource.birthDate', from: 'YYYY-MM', to: 'YYYY-MM-01' }]);
  });

  it('reports a birthDate it cannot date, rejects a birth after the case and a bad gender', () => {
    const undated = ok(bundleToCaseRequest(bundle([patient()])));
    expect(undated.request.inputs.tabular).toEqual({ sex: 'female' });
    expect(undated.report.ignored[0].path).toBe('entry[0].resource.birthDate');
    expect(errors(bundleToCaseRequest(bundle([patient({ birthDate: '2030-01-01' }), hr(80)])))[0].path).toBe('entry[0].resource.birthDate');
    expect(errors(bundleToCaseRequest(bundle([patient({ gender: 'F' }), hr(80)])))).toEqual([
      { path: 'entry[0].resource.gender', message: 'must be one of male, female, other, unknown' },
    ]);
    expect(errors(bundleToCaseRequest(bundle([patient({ birthDate: '1950-13-01' }), hr(80)])))[0].path).toBe('entry[0].resource.birthDate');
  });

  it('maps schema limits back to the Bundle (age over 120, a patientRef over 128 characters)', () => {
    expect(errors(bundleToCaseRequest(bundle([patient({ birthDate: '1880-01-01' }), hr(80)])))).toEqual([
      { path: 'entry[0].resource.birthDate', message: expect.stringContaining('inputs.tabular.ageYears') },
    ]);
    const long = patient({ identifier: [{ system: 'urn:x', value: 'x'.repeat(200) }] });
    expect(errors(bundleToCaseRequest(bundle([long, hr(80)])))[0].path).toBe('entry[0].resource.identifier[0].value');
  });

  it('rejects two Patients and observations about another patient', () => {
    expect(errors(bundleToCaseRequest(bundle([patient(), patient({ id: 'p2' }), hr(80)])))[0].message).toMatch(/one patient/);
    const other = observation('8867-4', quantity(80, '/min'), T1, { subject: { reference: 'Patient/p2' } });
    expect(errors(bundleToCaseRequest(bundle([patient(), other])))).toEqual([
      { path: 'entry[1].resource.subject.reference', message: expect.stringContaining("does not resolve to the Bundle's Patient") },
    ]);
    const byFullUrl = observation('8867-4', quantity(80, '/min'), T1, { subject: { reference: 'urn:uuid:00000000-0000-4000-8000-000000000000' } });
    expect(ok(bundleToCaseRequest(bundle([patient(), byFullUrl]))).request.inputs.vitals?.samples).toHaveLength(1);
    const byIdentifier = observation('8867-4', quantity(80, '/min'), T1, { subject: { identifier: { system: 'http://hospital.example/mrn', value: 'MRN-1' } } });
    expect(ok(bundleToCaseRequest(bundle([patient(), byIdentifier]))).request.inputs.vitals?.samples).toHaveLength(1);
  });

  it('without a Patient, takes the patient from the subjects, which must agree', () => {
    const a = observation('8867-4', quantity(80, '/min'), T1, { subject: { reference: 'Patient/abc' } });
    const b = observation('9279-1', quantity(18, '/min'), T1, { subject: { reference: 'Patient/abc' } });
    expect(ok(bundleToCaseRequest(bundle([a, b]))).request.patientRef).toBe('Patient/abc');
    const c = observation('9279-1', quantity(18, '/min'), T1, { subject: { reference: 'Patient/xyz' } });
    expect(errors(bundleToCaseRequest(bundle([a, c])))[0]).toEqual({
      path: 'entry[1].resource.subject.reference',
      message: expect.stringContaining('different patient'),
    });
    const none = observation('8867-4', quantity(80, '/min'), T1, { subject: undefined });
    expect(errors(bundleToCaseRequest(bundle([none])))).toEqual([{ path: 'entry', message: expect.stringContaining('names no patient') }]);
  });
});

describe('bundleToCaseRequest: vital signs', () => {
  it('groups Observations by time into sorted samples, whatever the offset notation', () => {
    const input = bundle([
      patient(),
      hr(90, T2),
      observation('9279-1', quantity(20, '{breaths}/min'), T2),
      hr(80, T1, '{beats}/min'),
      observation('59408-5', quantity(95, '%'), '2024-03-05T07:00:00Z'), // = T1
      observation('8310-5', quantity(37.2, 'Cel'), undefined, { effectivePeriod: { start: T1, end: T2 } }),
      observation('2708-6', quantity(96, '%'), undefined, { effectiveInstant: T2 }),
    ]);
    const result = ok(bundleToCaseRequest(input));
    expect(result.request.inputs.vitals?.samples).toEqual([
      { t: T1, heartRate: 80, spo2: 95, temperature: 37.2 },
      { t: T2, heartRate: 90, respiratoryRate: 20, spo2: 96 },
    ]);
    expect(result.report).toEqual({ unknownCodes: [], conversions: [], ignored: [] });
    // Basis: the Patient, then the Observations in sample order (T1: 3, 4, 5; T2: 1, 2, 6).
    expect(result.basis).toEqual(['Patient/p1', ...[3, 4, 5, 1, 2, 6].map((n) => refOf(input, n))]);
  });

  it('converts temperature, SpO2 fractions and kPa to the contract units and reports each conversion', () => {
    const input = bundle([
      patient(),
      observation('8310-5', quantity(101.48, '[degF]'), T1),
      observation('2708-6', quantity(0.97, '1'), T1),
      observation('8480-6', quantity(16, 'kPa'), T1),
      observation('8310-5', { value: 311.15, unit: 'K', system: 'http://unitsofmeasure.org', code: 'K' }, T2),
    ]);
    const result = ok(bundleToCaseRequest(input));
    expect(result.request.inputs.vitals?.samples).toEqual([
      { t: T1, temperature: 38.6, spo2: 97, systolicBp: expect.closeTo(120.0099, 4) },
      { t: T2, temperature: 38 },
    ]);
    expect(result.report.conversions).toEqual([
      { path: 'entry[1].resource.valueQuantity', from: '[degF]', to: 'Cel' },
      { path: 'entry[2].resource.valueQuantity', from: '1', to: '%' },
      { path: 'entry[3].resource.valueQuantity', from: 'kPa', to: 'mm[Hg]' },
      { path: 'entry[4].resource.valueQuantity', from: 'K', to: 'Cel' },
    ]);
  });

  it('reads the blood-pressure panel and reports unknown components', () => {
    const mean = { code: { coding: [{ system: 'http://loinc.org', code: '8478-0', display: 'Mean blood pressure' }] }, valueQuantity: quantity(90, 'mm[Hg]') };
    const result = ok(bundleToCaseRequest(bundle([patient(), bpPanel(T1, 120, 80, [mean])])));
    expect(result.request.inputs.vitals?.samples).toEqual([{ t: T1, systolicBp: 120, diastolicBp: 80 }]);
    expect(result.report.unknownCodes).toEqual([
      { path: 'entry[1].resource.component[2].code.coding[0]', system: 'http://loinc.org', code: '8478-0', display: 'Mean blood pressure' },
    ]);
  });

  it('is an error, naming the path, for an unknown unit of a known code (code or unit text)', () => {
    expect(errors(bundleToCaseRequest(bundle([patient(), hr(80, T1, 'mg')])))).toEqual([
      { path: 'entry[1].resource.valueQuantity.code', message: expect.stringMatching(/'mg' is not a unit we read for Heart rate \(LOINC 8867-4\).*\/min/) },
    ]);
    const textOnly = observation('8310-5', { value: 38, unit: 'degrees' }, T1);
    expect(errors(bundleToCaseRequest(bundle([patient(), textOnly])))[0].path).toBe('entry[1].resource.valueQuantity.unit');
    const noUnit = observation('8310-5', { value: 38 }, T1);
    expect(errors(bundleToCaseRequest(bundle([patient(), noUnit])))[0].path).toBe('entry[1].resource.valueQuantity.code');
    const percentAsFraction = observation('2708-6', quantity(97, '1'), T1);
    expect(errors(bundleToCaseRequest(bundle([patient(), percentAsFraction])))[0]).toEqual({
      path: 'entry[1].resource.valueQuantity.value',
      message: expect.stringContaining('fraction in 0..1'),
    });
  });

  it('accepts the unit text when the code is from another system, and documented aliases', () => {
    const input = bundle([patient(), observation('8867-4', { value: 70, unit: 'bpm', system: 'urn:local', code: 'BPM' }, T1), observation('8480-6', { value: 118, unit: 'mmHg' }, T1)]);
    expect(ok(bundleToCaseRequest(input)).request.inputs.vitals?.samples).toEqual([{ t: T1, heartRate: 70, systolicBp: 118 }]);
  });

  it('needs a time with an offset, and a valueQuantity', () => {
    expect(errors(bundleToCaseRequest(bundle([patient(), hr(80, '2024-03-05')])))[0]).toEqual({
      path: 'entry[1].resource.effectiveDateTime',
      message: expect.stringContaining('time zone offset'),
    });
    expect(errors(bundleToCaseRequest(bundle([patient(), hr(80, 'yesterday')])))[0].path).toBe('entry[1].resource.effectiveDateTime');
    expect(errors(bundleToCaseRequest(bundle([patient(), observation('8867-4', quantity(80, '/min'), undefined)])))[0].path).toBe('entry[1].resource');
    expect(errors(bundleToCaseRequest(bundle([patient(), observation('8867-4', undefined, T1, { valueString: 'fast' })])))).toEqual([
      { path: 'entry[1].resource.valueString', message: 'Heart rate (LOINC 8867-4) must be a valueQuantity, not valueString' },
    ]);
    expect(errors(bundleToCaseRequest(bundle([patient(), observation('8867-4', { value: '80', code: '/min' }, T1)])))[0].path).toBe(
      'entry[1].resource.valueQuantity.value',
    );
  });

  it('reports what it does not use: dataAbsentReason, comparators, cancelled results, a second value at the same time', () => {
    const input = bundle([
      patient(),
      hr(80),
      hr(81),
      observation('8867-4', undefined, T2, { dataAbsentReason: { text: 'not measured' } }),
      observation('2708-6', { ...quantity(88, '%'), comparator: '<' }, T2),
      observation('9279-1', quantity(18, '/min'), T2, { status: 'entered-in-error' }),
    ]);
    const result = ok(bundleToCaseRequest(input));
    expect(result.request.inputs.vitals?.samples).toEqual([{ t: T1, heartRate: 80 }]);
    expect(result.report.ignored.map((i) => i.path)).toEqual([
      'entry[2].resource.valueQuantity.value',
      'entry[3].resource',
      'entry[4].resource.valueQuantity.comparator',
      'entry[5].resource.status',
    ]);
    expect(result.basis).toEqual(['Patient/p1', refOf(input, 1)]);
  });
});

describe('bundleToCaseRequest: unknown codes', () => {
  it('reports unknown LOINC and non-LOINC codes with path, system, code and display, and does not use them', () => {
    const weight = observation('29463-7', quantity(70, 'kg'), T1, {
      code: { coding: [{ system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }, { system: 'urn:local', code: 'WT' }] },
    });
    const textOnly = observation('x', quantity(1, '1'), T1, { code: { text: 'Local score' } });
    const result = ok(bundleToCaseRequest(bundle([patient(), hr(80), weight, textOnly, condition('195967001')])));
    expect(result.basis).toHaveLength(2);
    expect(result.request.inputs.vitals?.samples).toEqual([{ t: T1, heartRate: 80 }]);
    expect(result.report.unknownCodes).toEqual([
      { path: 'entry[2].resource.code.coding[0]', system: 'http://loinc.org', code: '29463-7', display: 'Body weight' },
      { path: 'entry[2].resource.code.coding[1]', system: 'urn:local', code: 'WT' },
      { path: 'entry[3].resource.code', display: 'Local score' },
      { path: 'entry[4].resource.code.coding[0]', system: 'http://snomed.info/sct', code: '195967001' },
    ]);
    const input = bundle([patient(), hr(80)]);
    expect(ok(bundleToCaseRequest(input)).basis).toEqual(['Patient/p1', refOf(input, 1)]);
  });
});

describe('bundleToCaseRequest: labs, BMI and comorbidities', () => {
  const lab = (code: string, value: number, unit: string, t?: string) => observation(code, quantity(value, unit), t);

  it('maps UCUM spellings to the contract units and converts other units', () => {
    const input = bundle([
      patient({ birthDate: undefined, gender: undefined }),
      lab('1988-5', 12, 'ug/mL'),
      lab('6690-2', 11.2, '10*9/L'),
      lab('777-3', 250000, '/uL'),
      lab('14682-9', 0.105, 'mmol/L'),
      lab('2524-7', 27, 'mg/dL'),
      lab('718-7', 13.1, 'g/dl'),
      lab('2951-2', 139, 'meq/L'),
      lab('39156-5', 27.3, 'kg/m2'),
    ]);
    const result = ok(bundleToCaseRequest(input));
    expect(result.request.inputs.tabular).toEqual({
      bmi: 27.3,
      labs: {
        crp: { value: 12, unit: 'mg/L' },
        wbc: { value: 11.2, unit: '10^9/L' },
        lactate: { value: 27, unit: 'mg/dL' },
        creatinine: { value: 105, unit: 'umol/L' },
        hemoglobin: { value: 13.1, unit: 'g/dL' },
        platelets: { value: 250, unit: '10^3/uL' },
        sodium: { value: 139, unit: 'mmol/L' },
      },
    });
    expect(result.report.conversions.map((c) => `${c.path} ${c.from}->${c.to}`)).toEqual([
      'entry[3].resource.valueQuantity /uL->10^3/uL',
      'entry[4].resource.valueQuantity mmol/L->umol/L',
    ]);
  });

  it('keeps the latest value of a repeated lab and reports the others', () => {
    const input = bundle([
      patient(),
      lab('1988-5', 5, 'mg/L', '2024-03-05T06:00:00Z'),
      lab('1988-5', 9, 'mg/L'),
      lab('1988-5', 40, 'mg/L', '2024-03-05T09:00:00Z'),
      lab('1988-5', 20, 'mg/L', '2024-03-05T07:00:00Z'),
    ]);
    const result = ok(bundleToCaseRequest(input));
    expect(result.request.inputs.tabular?.labs).toEqual({ crp: { value: 40, unit: 'mg/L' } });
    expect(result.report.ignored).toEqual(
      [2, 1, 4].map((n) => ({ path: `entry[${n}].resource`, reason: 'crp repeats: entry[3] is the latest and is used' })),
    );
    // The latest lab time dates the age: 2024-03-05 is before the 15 June birthday.
    expect(result.request.inputs.tabular?.ageYears).toBe(73);
  });

  it('is an error for a lab in a unit we do not know', () => {
    expect(errors(bundleToCaseRequest(bundle([patient(), lab('2160-0', 1.1, 'mg')])))).toEqual([
      { path: 'entry[1].resource.valueQuantity.code', message: expect.stringContaining('mg/dL, umol/L') },
    ]);
  });

  it('maps schema limits on BMI back to the Observation value', () => {
    expect(errors(bundleToCaseRequest(bundle([patient(), lab('39156-5', 5, 'kg/m2')])))).toEqual([
      { path: 'entry[1].resource.valueQuantity.value', message: expect.stringContaining('inputs.tabular.bmi') },
    ]);
  });

  it('reads comorbidity Conditions: confirmed or unqualified is true, refuted false, the rest reported', () => {
    const input = bundle([
      patient({ birthDate: undefined }),
      condition('44054006', 'confirmed', 'active'),
      condition('13645005', 'refuted'),
      condition('38341003'),
      condition('84114007', 'provisional'),
      condition('709044004', undefined, 'resolved'),
      condition('370388006', 'refuted'),
      condition('38013005', 'confirmed'),
    ]);
    const result = ok(bundleToCaseRequest(input));
    expect(result.request.inputs.tabular?.comorbidities).toEqual({ diabetes: true, copd: false, hypertension: true, immunosuppressed: true });
    expect(result.report.ignored.map((i) => i.path)).toEqual([
      'entry[4].resource.verificationStatus',
      'entry[5].resource.clinicalStatus',
      'entry[6].resource',
    ]);
  });
});

describe('bundleToCaseRequest: the DICOM image', () => {
  const data = dicomBase64();

  it.each([
    ['Media', media(data)],
    ['Binary', { resourceType: 'Binary', id: 'b1', contentType: 'application/dicom', data }],
    ['DocumentReference', { resourceType: 'DocumentReference', id: 'd1', status: 'current', content: [{ attachment: { contentType: 'application/dicom', data } }] }],
  ])('reads it from a %s', (type, resource) => {
    const result = ok(bundleToCaseRequest(bundle([patient(), resource])));
    expect(result.request.inputs.imaging).toEqual({ format: 'dicom', data });
    expect(result.basis).toEqual(['Patient/p1', `${type}/${(resource as Json).id}`]);
  });

  it('follows an attachment url to a Binary of the Bundle, once', () => {
    const doc = { resourceType: 'DocumentReference', id: 'd1', status: 'current', content: [{ attachment: { contentType: 'application/dicom', url: 'Binary/b1' } }] };
    const binary = { resourceType: 'Binary', id: 'b1', contentType: 'application/dicom', data };
    const result = ok(bundleToCaseRequest(bundle([patient(), doc, binary])));
    expect(result.request.inputs.imaging).toEqual({ format: 'dicom', data });
    expect(result.basis).toEqual(['Patient/p1', 'DocumentReference/d1', 'Binary/b1']);
  });

  it('reports an attachment by external url and a non-DICOM content type as unsupported', () => {
    const byUrl = media(undefined, { content: { contentType: 'application/dicom', url: 'https://pacs.example/wado/1' } });
    const png = { resourceType: 'Binary', contentType: 'image/png', data: 'iVBORw0KGgo=' };
    const result = ok(bundleToCaseRequest(bundle([patient(), hr(80), byUrl, png])));
    expect(result.request.inputs.imaging).toBeUndefined();
    expect(result.report.ignored).toEqual([
      { path: 'entry[2].resource.content.url', reason: expect.stringContaining('attachment by url only is not supported') },
      { path: 'entry[3].resource.contentType', reason: expect.stringContaining('contentType image/png is not supported') },
    ]);
    // Alone, the same image is no usable input: the error says why.
    const alone = errors(bundleToCaseRequest(bundle([patient({ gender: undefined, birthDate: undefined }), byUrl])));
    expect(alone.map((e) => e.path)).toEqual(['entry', 'entry[1].resource.content.url']);
  });

  it('strips MIME line breaks (reported), rejects bytes that are not DICOM and two different images', () => {
    const wrapped = data.replace(/(.{76})/g, '$1\r\n');
    const result = ok(bundleToCaseRequest(bundle([patient(), media(wrapped)])));
    expect(result.request.inputs.imaging).toEqual({ format: 'dicom', data });
    expect(result.report.conversions).toEqual([{ path: 'entry[1].resource.content.data', from: 'base64 with whitespace', to: 'base64' }]);

    expect(errors(bundleToCaseRequest(bundle([patient(), media(Buffer.alloc(200).toString('base64'))])))).toEqual([
      { path: 'entry[1].resource.content.data', message: "is not a DICOM Part 10 file (no 'DICM' marker at byte 128)" },
    ]);
    expect(errors(bundleToCaseRequest(bundle([patient(), media('not base64!')])))[0].path).toBe('entry[1].resource.content.data');
    const two = bundle([patient(), media(data), { resourceType: 'Binary', contentType: 'application/dicom', data: dicomBase64(2) }]);
    expect(errors(bundleToCaseRequest(two))[0].message).toMatch(/one image, but the Bundle holds 2 different DICOM images/);
    const same = bundle([patient(), media(data), { resourceType: 'Binary', id: 'b9', contentType: 'application/dicom', data }]);
    expect(ok(bundleToCaseRequest(same)).basis).toEqual(['Patient/p1', 'Media/m1', 'Binary/b9']);
  });
});

describe('bundleToCaseRequest: no patient data in messages', () => {
  it('echoes no identifier, date or value in errors, the report or the basis', () => {
    const markers = ['MARKER-MRN-4711', '1937-04', '987654.321', '2031-02-03'];
    const who = patient({ id: 'px', identifier: [{ system: 'urn:mrn', value: markers[0] }], birthDate: '1937-04' });
    const at = '2031-02-03T10:00:00Z';
    const failed = bundleToCaseRequest(bundle([who, observation('8867-4', quantity(987654.321, 'furlong/min'), at, { subject: undefined })]));
    const passed = bundleToCaseRequest(
      bundle([
        who,
        observation('8867-4', quantity(80, '/min'), at, { subject: undefined }),
        observation('1988-5', { ...quantity(987654.321, 'mg/L'), comparator: '>' }, at, { subject: undefined }),
      ]),
    );
    if (failed.ok || !passed.ok) throw new Error('unexpected outcome');
    expect(passed.report.ignored).toHaveLength(1);
    expect(passed.report.conversions).toHaveLength(1);
    for (const marker of markers) {
      expect(JSON.stringify(failed.errors)).not.toContain(marker);
      expect(JSON.stringify([passed.report, passed.basis])).not.toContain(marker);
    }
  });
});

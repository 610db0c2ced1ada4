import { FUSION_STRATEGIES } from '@lf/contracts';
import fc from 'fast-check';
import type { RiskAssessment } from 'fhir/r4';
import { codesOf, fhirR4Issues } from '@lf/testing';
import { riskAssessmentFromCase, subjectOf, type CaseViewForFhir } from './risk-assessment';
import { CASE_STATUS_URL, MODALITY_CONTRIBUTION_URL, RISK_PROBABILITY } from './terminology';

/** Shaped like the gateway's GET /v1/cases/{id} body (apps/gateway/src/cases/case-response.ts), extra fields included. */
const degradedCase = {
  caseId: '0192f3a4-5b6c-7d8e-9f01-23456789abcd',
  status: 'degraded' as const,
  submittedAt: '2026-11-26T08:00:00.000Z',
  deadlineAt: '2026-11-26T08:00:01.500Z',
  finalizedAt: '2026-11-26T08:00:01.503Z',
  result: {
    probability: 0.4213,
    riskBand: 'high' as const,
    strategy: 'stacking' as const,
    completedBy: 'deadline' as const,
    modalities: {
      vitals: { status: 'late' as const, probability: 0.7, weight: 0, modelVersion: '1.0.0', latencyMs: 2100 },
      imaging: { status: 'ok' as const, probability: 0.35, weight: 0.45, modelVersion: '1.0.0', latencyMs: 12 },
      tabular: { status: 'ok' as const, probability: 0.48, weight: 0.55, modelVersion: '1.1.0', latencyMs: 3 },
    },
    missing: ['vitals'],
    late: ['vitals'],
  },
};

/** Valid FHIR R4 by both validators, and every code we emit under a required binding is in its R4 code system. */
function expectValidR4(assessment: RiskAssessment): void {
  expect(fhirR4Issues(assessment)).toEqual([]);
  expect(codesOf('http://hl7.org/fhir/observation-status').has(assessment.status)).toBe(true);
  for (const prediction of assessment.prediction ?? []) {
    for (const coding of prediction.qualitativeRisk?.coding ?? []) {
      expect(coding.system).toBe(RISK_PROBABILITY);
      expect(codesOf(RISK_PROBABILITY).has(coding.code!)).toBe(true);
    }
  }
}

const contributions = (assessment: RiskAssessment) =>
  (assessment.extension ?? [])
    .filter((e) => e.url === MODALITY_CONTRIBUTION_URL)
    .map((e) => Object.fromEntries((e.extension ?? []).map((part) => [part.url, part.valueCode ?? part.valueDecimal ?? part.valueString])));

describe('riskAssessmentFromCase', () => {
  it('turns a degraded case into a final RiskAssessment with prediction, method, basis and contributions', () => {
    const basis = ['Patient/p1', 'Observation/o1', 'Media/m1', 'Observation/o1'];
    const assessment = riskAssessmentFromCase(degradedCase, { patientRef: 'http://hospital.example/mrn|MRN-1', basis, fusionModelVersion: '1.0.0' });
    expectValidR4(assessment);
    expect(assessment).toMatchObject({
      resourceType: 'RiskAssessment',
      id: degradedCase.caseId,
      status: 'final',
      subject: { type: 'Patient', identifier: { system: 'http://hospital.example/mrn', value: 'MRN-1' } },
      occurrenceDateTime: '2026-11-26T08:00:01.503Z',
      basis: [{ reference: 'Patient/p1' }, { reference: 'Observation/o1' }, { reference: 'Media/m1' }],
      method: {
        coding: [{ system: 'https://late-fusion.example/fhir/CodeSystem/fusion-strategy', code: 'stacking' }],
        text: 'late fusion: stacking 1.0.0; models: imaging 1.0.0, tabular 1.1.0, vitals 1.0.0',
      },
      prediction: [
        {
          probabilityDecimal: 0.4213,
          qualitativeRisk: { coding: [{ system: RISK_PROBABILITY, code: 'high', display: 'High likelihood' }] },
        },
      ],
      note: [{ text: expect.stringContaining('vitals (late)') }],
    });
    expect(assessment.extension?.[0]).toEqual({ url: CASE_STATUS_URL, valueCode: 'degraded' });
    expect(contributions(assessment)).toEqual([
      { modality: 'imaging', status: 'ok', weight: 0.45, probability: 0.35, modelVersion: '1.0.0' },
      { modality: 'tabular', status: 'ok', weight: 0.55, probability: 0.48, modelVersion: '1.1.0' },
      { modality: 'vitals', status: 'late', weight: 0, probability: 0.7, modelVersion: '1.0.0' },
    ]);
  });

  it('maps each risk band to the HL7 risk-probability code of the same name', () => {
    for (const band of ['low', 'moderate', 'high'] as const) {
      const assessment = riskAssessmentFromCase({ ...degradedCase, status: 'complete', result: { ...degradedCase.result, riskBand: band } });
      expect(assessment.prediction?.[0].qualitativeRisk?.coding?.[0].code).toBe(band);
      expect(assessment.note).toBeUndefined();
    }
  });

  it('a failed case is final with no prediction and a note naming what failed (not cancelled, not entered-in-error)', () => {
    const failed: CaseViewForFhir = {
      ...degradedCase,
      status: 'failed',
      result: {
        ...degradedCase.result,
        probability: null,
        riskBand: null,
        modalities: { imaging: { status: 'invalid', weight: 0, modelVersion: '1.0.0' }, tabular: { status: 'missing', weight: 0 } },
      },
    };
    const assessment = riskAssessmentFromCase(failed, { patientRef: 'Patient/p1' });
    expectValidR4(assessment);
    expect(assessment.status).toBe('final');
    expect(assessment.prediction).toBeUndefined();
    expect(assessment.note?.[0].text).toBe('No risk estimate: no modality produced a usable score (imaging (invalid), tabular (missing)).');
    expect(assessment.extension?.[0]).toEqual({ url: CASE_STATUS_URL, valueCode: 'failed' });
    expect(contributions(assessment).map((c) => c.status)).toEqual(['invalid', 'missing']);
  });

  it('a pending case is registered: no prediction, occurrence or method yet', () => {
    const assessment = riskAssessmentFromCase({ caseId: 'case-1', status: 'pending' }, { basis: ['Observation/o1'] });
    expectValidR4(assessment);
    expect(assessment).toEqual({
      resourceType: 'RiskAssessment',
      id: 'case-1',
      extension: [{ url: CASE_STATUS_URL, valueCode: 'pending' }],
      status: 'registered',
      subject: { type: 'Patient', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] },
      basis: [{ reference: 'Observation/o1' }],
    });
  });

  it.each([
    { patientRef: 'Patient/abc-1', subject: { reference: 'Patient/abc-1', type: 'Patient' } },
    { patientRef: 'urn:oid:1.2.3|4711', subject: { type: 'Patient', identifier: { system: 'urn:oid:1.2.3', value: '4711' } } },
    { patientRef: 'urn:uuid:6f1c7e9e-1a5c-4a43-9d6b-0c2f8f2d3b4a', subject: { type: 'Patient', identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:6f1c7e9e-1a5c-4a43-9d6b-0c2f8f2d3b4a' } } },
    { patientRef: 'SYN-7-42', subject: { type: 'Patient', identifier: { value: 'SYN-7-42' } } },
  ])('subject for patientRef $patientRef', ({ patientRef, subject }) => {
    expect(subjectOf(patientRef)).toEqual(subject);
    expectValidR4(riskAssessmentFromCase(degradedCase, { patientRef }));
  });

  it('refuses views that cannot be a valid assessment', () => {
    expect(() => riskAssessmentFromCase({ ...degradedCase, caseId: 'has a space' })).toThrow(/FHIR id/);
    expect(() => riskAssessmentFromCase({ caseId: 'c1', status: 'complete' })).toThrow(/needs its result/);
    expect(() => riskAssessmentFromCase({ ...degradedCase, result: { ...degradedCase.result, probability: null } })).toThrow(/probability/);
    expect(() => riskAssessmentFromCase({ ...degradedCase, result: { ...degradedCase.result, probability: 1.2 } })).toThrow(/probability/);
    const nanWeight = { ...degradedCase.result.modalities, imaging: { status: 'ok' as const, weight: Number.NaN } };
    expect(() => riskAssessmentFromCase({ ...degradedCase, result: { ...degradedCase.result, modalities: nanWeight } })).toThrow(/weight/);
  });

  it('property: any finalized view gives a valid R4 RiskAssessment with probability in [0, 1] and one contribution per modality', () => {
    const statusArb = fc.constantFrom('ok', 'failed', 'invalid', 'missing', 'late');
    const modalityArb = fc.record(
      { status: statusArb, probability: fc.double({ min: 0, max: 1, noNaN: true }), weight: fc.double({ min: 0, max: 1, noNaN: true }), modelVersion: fc.constantFrom('1.0.0', '2.3.1') },
      { requiredKeys: ['status', 'weight'] },
    );
    const viewArb = fc.record({
      status: fc.constantFrom('complete', 'degraded', 'failed'),
      probability: fc.double({ min: 0, max: 1, noNaN: true }),
      riskBand: fc.constantFrom('low', 'moderate', 'high'),
      strategy: fc.constantFrom(...FUSION_STRATEGIES),
      modalities: fc.dictionary(fc.constantFrom('imaging', 'tabular', 'vitals', 'clinical-notes'), modalityArb, { minKeys: 1 }),
      finalizedAt: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    });
    fc.assert(
      fc.property(viewArb, (v) => {
        const failed = v.status === 'failed';
        const view: CaseViewForFhir = {
          caseId: 'c-1',
          status: v.status,
          finalizedAt: v.finalizedAt,
          result: { probability: failed ? null : v.probability, riskBand: failed ? null : v.riskBand, strategy: v.strategy, modalities: v.modalities },
        };
        const assessment = riskAssessmentFromCase(view, { patientRef: 'Patient/p', basis: ['Observation/a'] });
        expectValidR4(assessment);
        expect(contributions(assessment)).toHaveLength(Object.keys(v.modalities).length);
        if (failed) expect(assessment.prediction).toBeUndefined();
        else expect(assessment.prediction?.[0].probabilityDecimal).toBe(v.probability);
      }),
      { numRuns: 60, seed: 20261126 },
    );
  });
});

describe('the FHIR R4 validators used above', () => {
  // They must be able to fail, or the tests above prove nothing.
  const good = riskAssessmentFromCase(degradedCase, { patientRef: 'Patient/p1' });

  it.each([
    { what: 'a probability given as text', broken: { ...good, prediction: [{ probabilityDecimal: '0.4' }] }, by: 'schema' },
    { what: 'no subject', broken: { ...good, subject: undefined }, by: 'schema' },
    { what: 'a date-time without a zone', broken: { ...good, occurrenceDateTime: '2026-11-26T08:00:01' }, by: 'schema' },
    { what: 'an unknown element', broken: { ...good, probability: 0.4 }, by: 'schema' },
    { what: 'an extension with both a value and sub-extensions (ext-1)', broken: { ...good, extension: [{ url: MODALITY_CONTRIBUTION_URL, valueCode: 'x', extension: [{ url: 'a', valueCode: 'b' }] }] }, by: 'structure' },
    { what: 'an empty basis reference (ele-1)', broken: { ...good, basis: [{}] }, by: 'structure' },
  ])('reject $what', ({ broken, by }) => {
    const issues = fhirR4Issues(broken as RiskAssessment);
    expect(issues.some((i) => i.startsWith(`${by}:`))).toBe(true);
  });
});

import { OMITTED_ARRAY, OMITTED_OBJECT, REDACTED, redactLogFields } from './redact-log-fields';

describe('redactLogFields', () => {
  it('redacts deny-listed keys whatever their spelling or value', () => {
    const out = redactLogFields({
      patientRef: 'MRN-123456',
      patient_ref: 'MRN-123456',
      data: 'iVBORw0KGgo=',
      samples: [{ t: '2024-01-01T00:00:00Z', heartRate: 80 }],
      Inputs: { tabular: { ageYears: 70 } },
      labs: { crp: { value: 5, unit: 'mg/L' } },
      caseId: 'c1',
    });
    expect(out).toEqual({
      patientRef: REDACTED,
      patient_ref: REDACTED,
      data: REDACTED,
      samples: REDACTED,
      Inputs: REDACTED,
      labs: REDACTED,
      caseId: 'c1',
    });
    expect(JSON.stringify(out)).not.toContain('MRN-123456');
  });

  it('never serializes objects wholesale, even under innocent keys', () => {
    const out = redactLogFields({ job: { data: { patientRef: 'MRN-9' } }, detail: new Map([['a', 1]]) });
    expect(out).toEqual({ job: OMITTED_OBJECT, detail: OMITTED_OBJECT });
    expect(JSON.stringify(out)).not.toContain('MRN-9');
  });

  it('keeps scalars and short scalar arrays, drops nested or long arrays', () => {
    const out = redactLogFields({
      n: 3,
      ok: true,
      nothing: null,
      skipped: undefined,
      flags: ['sparse', 'short_series'],
      nested: [{ a: 1 }],
      long: Array.from({ length: 51 }, (_, i) => i),
      inf: Infinity,
    });
    expect(out).toEqual({ n: 3, ok: true, nothing: null, flags: ['sparse', 'short_series'], nested: OMITTED_ARRAY, long: OMITTED_ARRAY, inf: 'Infinity' });
  });

  it('reduces errors to message, name and code', () => {
    const error = Object.assign(new Error('boom'), { code: 'E_X', input: { patientRef: 'MRN-1' } });
    const out = redactLogFields({ err: error });
    expect(out).toEqual({ err: 'boom', errName: 'Error', errCode: 'E_X' });
  });

  it('truncates very long strings', () => {
    const out = redactLogFields({ note: 'x'.repeat(5000) });
    expect((out['note'] as string).length).toBeLessThan(1100);
  });
});

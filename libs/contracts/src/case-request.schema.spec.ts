import { caseRequestSchema } from './case-request.schema';

describe('caseRequestSchema', () => {
  it('accepts a request with only tabular input', () => {
    const parsed = caseRequestSchema.parse({ patientRef: 'p1', inputs: { tabular: { ageYears: 70 } } });
    expect(parsed.inputs.tabular?.ageYears).toBe(70);
  });

  it('rejects a request without any modality and names the field', () => {
    const result = caseRequestSchema.safeParse({ patientRef: 'p1', inputs: {} });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(['inputs']);
  });

  it('accepts a request whose only input is for a modality without a built-in schema (a registry-added one), unchanged', () => {
    const notes = { features: [0.1, -2, 3.5, 0, 1, 1, 0, 2] };
    const parsed = caseRequestSchema.parse({ patientRef: 'p1', inputs: { notes } });
    expect((parsed.inputs as Record<string, unknown>)['notes']).toEqual(notes);
  });

  it('does not count a null input as present', () => {
    const result = caseRequestSchema.safeParse({ patientRef: 'p1', inputs: { notes: null } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['inputs'], message: 'at least one modality input is required' });
  });

  it('still validates the built-in inputs next to an extra one', () => {
    const result = caseRequestSchema.safeParse({ patientRef: 'p1', inputs: { notes: { features: [] }, tabular: { ageYears: 'old' } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(['inputs', 'tabular', 'ageYears']);
  });

  it('rejects a lab in an unknown unit', () => {
    const result = caseRequestSchema.safeParse({
      patientRef: 'p1',
      inputs: { tabular: { labs: { crp: { value: 5, unit: 'g/L' } } } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(['inputs', 'tabular', 'labs', 'crp', 'unit']);
  });

  it('fills PNG window defaults', () => {
    const parsed = caseRequestSchema.parse({ patientRef: 'p', inputs: { imaging: { format: 'png', data: 'iVBORw0KGgo=' } } });
    expect(parsed.inputs.imaging).toMatchObject({ windowCenter: -600, windowWidth: 1500 });
  });
});

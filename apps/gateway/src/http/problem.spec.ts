import { caseRequestSchema } from '@lf/contracts';
import { fieldError, formatPath, formatPointer, MAX_FIELD_ERRORS, PROBLEM_TYPES, validationProblem } from './problem';

describe('formatPath / formatPointer', () => {
  it('renders dotted paths with array indices', () => {
    expect(formatPath(['inputs', 'vitals', 'samples', 3, 't'])).toBe('inputs.vitals.samples[3].t');
    expect(formatPointer(['inputs', 'vitals', 'samples', 3, 't'])).toBe('/inputs/vitals/samples/3/t');
  });

  it('names the body itself', () => {
    expect(formatPath([])).toBe('(body)');
    expect(formatPointer([])).toBe('');
  });

  it('escapes JSON Pointer specials', () => {
    expect(formatPointer(['a/b', 'c~d'])).toBe('/a~1b/c~0d');
  });
});

describe('validationProblem', () => {
  const problemFor = (body: unknown) => {
    const parsed = caseRequestSchema.safeParse(body);
    if (parsed.success) throw new Error('expected a validation failure');
    return validationProblem(parsed.error.issues.map((i) => fieldError(i.path, i.message)), '/v1/cases');
  };

  it('lists every failing field with its path and message', () => {
    const problem = problemFor({ inputs: { imaging: { format: 'raw', data: 'A$==' } }, deadlineMs: 1.5 });
    expect(problem).toMatchObject({ type: PROBLEM_TYPES.invalidBody, status: 400, instance: '/v1/cases' });
    const paths = problem.errors!.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['patientRef', 'inputs.imaging.data', 'inputs.imaging.dtype', 'inputs.imaging.width', 'deadlineMs']),
    );
    expect(problem.errors!.find((e) => e.path === 'inputs.imaging.data')!.message).toMatch(/base64/);
    expect(problem.detail).toContain('inputs.imaging.data: ');
  });

  it('names a missing modality set and a wrong discriminator', () => {
    expect(problemFor({ patientRef: 'p', inputs: {} }).errors).toEqual([
      { path: 'inputs', pointer: '/inputs', message: 'at least one modality input is required' },
    ]);
    expect(problemFor({ patientRef: 'p', inputs: { imaging: { format: 'jpeg', data: 'AAAA' } } }).errors![0].path).toBe('inputs.imaging.format');
  });

  it('never echoes input values', () => {
    const secret = 'Jane-Doe-MRN-1234567';
    const problem = problemFor({ patientRef: 7, inputs: { tabular: { sex: secret, ageYears: secret } }, strategy: secret });
    expect(JSON.stringify(problem)).not.toContain(secret);
  });

  it('caps the list and says how many were left out', () => {
    const samples = Array.from({ length: 120 }, () => ({ t: 'yesterday' }));
    const problem = problemFor({ patientRef: 'p', inputs: { vitals: { samples } } });
    expect(problem.errors).toHaveLength(MAX_FIELD_ERRORS);
    expect(problem.errorsOmitted).toBe(120 - MAX_FIELD_ERRORS);
    expect(problem.errors![3].path).toBe('inputs.vitals.samples[3].t');
  });
});

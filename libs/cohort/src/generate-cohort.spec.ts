import { caseRequestSchema } from '@lf/contracts';
import { generateCohort } from './generate-cohort';
import { generatePatient } from './generate-patient';

const small = { imageSize: 32 } as const;

describe('generateCohort', () => {
  it('is deterministic: same seed, same cases', () => {
    const a = [...generateCohort({ seed: 11, n: 20, ...small, imagingFormat: 'mixed' })];
    const b = [...generateCohort({ seed: 11, n: 20, ...small, imagingFormat: 'mixed' })];
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = [...generateCohort({ seed: 12, n: 20, ...small, imagingFormat: 'mixed' })];
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  });

  it('patient i depends only on (seed, i): a short cohort is a prefix of a longer one', () => {
    const short = [...generateCohort({ seed: 5, n: 30, ...small })];
    const long = [...generateCohort({ seed: 5, n: 90, ...small })];
    expect(JSON.stringify(long.slice(0, 30))).toBe(JSON.stringify(short));
    expect(JSON.stringify(generatePatient(5, 77, small))).toBe(JSON.stringify(long[77]));
  });

  it('rendering options never change the patient, the label or the other modalities', () => {
    for (let index = 0; index < 15; index++) {
      const a = generatePatient(9, index, { imageSize: 32, imagingFormat: 'png', naturalMissingness: false });
      const b = generatePatient(9, index, { imageSize: 48, imagingFormat: 'raw', naturalMissingness: false });
      expect(b.label).toBe(a.label);
      expect(b.latent).toEqual(a.latent);
      expect(b.request.inputs.tabular).toEqual(a.request.inputs.tabular);
      expect(b.request.inputs.vitals).toEqual(a.request.inputs.vitals);
    }
  });

  it('is a lazy stream and names patients SYN-<seed>-<index>', () => {
    const stream = generateCohort({ seed: 3, n: 1_000_000, ...small });
    const first = stream.next();
    expect(first.done).toBe(false);
    expect(first.value?.request.patientRef).toBe('SYN-3-0');
    expect(stream.next().value?.request.patientRef).toBe('SYN-3-1');
  });

  it('produces requests that validate against caseRequestSchema in every imaging format', () => {
    for (const imagingFormat of ['dicom', 'png', 'raw', 'mixed'] as const) {
      for (const generated of generateCohort({ seed: 21, n: 40, imageSize: 32, imagingFormat, dropRate: 0.2 })) {
        const result = caseRequestSchema.safeParse(generated.request);
        if (!result.success) throw new Error(`${imagingFormat} ${generated.request.patientRef}: ${JSON.stringify(result.error.issues)}`);
        expect(generated.label === 0 || generated.label === 1).toBe(true);
        if (imagingFormat !== 'mixed' && generated.request.inputs.imaging) {
          expect(generated.request.inputs.imaging.format).toBe(imagingFormat);
        }
      }
    }
  });

  it('rejects invalid options with a message naming the option', () => {
    expect(() => generateCohort({ seed: 1.5, n: 1 })).toThrow(/seed/);
    expect(() => generateCohort({ seed: 1, n: -1 })).toThrow(/n must/);
    expect(() => generateCohort({ seed: 1, n: 1, dropRate: 2 })).toThrow(/dropRate/);
    expect(() => generateCohort({ seed: 1, n: 1, imageSize: 4 })).toThrow(/imageSize/);
    expect(() => generateCohort({ seed: 1, n: 1, imagingFormat: 'jpeg' as never })).toThrow(/imagingFormat/);
  });
});

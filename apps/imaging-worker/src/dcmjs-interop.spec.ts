import { encodeDicom, renderSliceHu, Rng } from '@lf/cohort';
import { writeDicomWithDcmjs } from '@lf/testing';
import { DEFAULT_IMAGING_SPEC, preprocessImaging } from '@lf/preprocessing';

// DICOM written by another library (dcmjs) must read exactly like the cohort's own files: the reader
// (dicom-parser) and our writer are not allowed to agree only with each other.
describe('DICOM written by dcmjs', () => {
  const size = 64;
  const hu = renderSliceHu(new Rng(77), 0.6, size);
  const ours = preprocessImaging({ format: 'dicom', data: encodeDicom({ hu, rows: size, columns: size, patientId: 'SYN-1', sopInstanceUid: '2.25.1', studyInstanceUid: '2.25.2', seriesInstanceUid: '2.25.3' }).toString('base64') }, DEFAULT_IMAGING_SPEC);

  for (const variant of [
    { name: 'explicit VR, unsigned', options: {} },
    { name: 'explicit VR, signed, intercept 0', options: { signed: true, rescaleIntercept: 0 } },
    { name: 'implicit VR', options: { implicitVr: true } },
  ]) {
    it(`gives the cohort writer's tensor (${variant.name})`, () => {
      const file = writeDicomWithDcmjs({ hu, rows: size, columns: size, ...variant.options });
      expect(file.toString('latin1', 128, 132)).toBe('DICM');
      const theirs = preprocessImaging({ format: 'dicom', data: file }, DEFAULT_IMAGING_SPEC);
      expect(theirs.qualityFlags).toEqual(ours.qualityFlags);
      expect(Array.from(theirs.tensor)).toEqual(Array.from(ours.tensor));
    });
  }

  it('inverts a MONOCHROME1 slice back to the orientation the model was trained on', () => {
    const inverted = preprocessImaging({ format: 'dicom', data: writeDicomWithDcmjs({ hu, rows: size, columns: size, photometric: 'MONOCHROME1' }) }, DEFAULT_IMAGING_SPEC);
    expect(inverted.qualityFlags).toContain('monochrome1_inverted');
    const plane = DEFAULT_IMAGING_SPEC.size ** 2;
    for (let i = 0; i < plane; i += 97) expect(inverted.tensor[i]).toBeCloseTo(1 - ours.tensor[i], 6);
  });
});

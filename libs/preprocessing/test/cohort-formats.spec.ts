import { generatePatient } from '@lf/cohort';
import type { ImagingInput } from '@lf/contracts';
import { DEFAULT_IMAGING_SPEC, preprocessImaging } from '../src';

// The cohort writes DICOM with its own encoder; preprocessing reads it with dicom-parser, an independent
// implementation. The same patient's slice sent as DICOM, raw HU or windowed 16-bit PNG must reach the
// model as the same tensor (PNG differs only by its 16-bit quantisation of the windowed intensity).
describe('cohort-generated imaging through preprocessing', () => {
  const tensorFor = (format: 'dicom' | 'png' | 'raw') => {
    const generated = generatePatient(42, 3, { imagingFormat: format, naturalMissingness: false, imageSize: 128 });
    return preprocessImaging(generated.request.inputs.imaging as ImagingInput, DEFAULT_IMAGING_SPEC);
  };

  it('decodes every format to the same model input', () => {
    const dicom = tensorFor('dicom');
    const raw = tensorFor('raw');
    const png = tensorFor('png');
    expect(dicom.shape).toEqual([3, 32, 32]);
    const plane = 32 * 32;
    let maxRawDiff = 0;
    let maxPngIntensityDiff = 0;
    let pngBandDiff = 0;
    for (let i = 0; i < dicom.tensor.length; i++) {
      maxRawDiff = Math.max(maxRawDiff, Math.abs(dicom.tensor[i] - raw.tensor[i]));
      if (i < plane) maxPngIntensityDiff = Math.max(maxPngIntensityDiff, Math.abs(dicom.tensor[i] - png.tensor[i]));
      else pngBandDiff += Math.abs(dicom.tensor[i] - png.tensor[i]);
    }
    expect(maxRawDiff).toBeLessThan(1e-6);
    expect(maxPngIntensityDiff).toBeLessThan(1e-3);
    // 16-bit quantisation can move a pixel sitting exactly on a band edge across it: rare, never systematic.
    expect(pngBandDiff / (2 * plane)).toBeLessThan(1e-3);
  });

  it('produces a lung-windowed image with both air and tissue', () => {
    const { tensor } = tensorFor('dicom');
    const sorted = Array.from(tensor.subarray(0, 32 * 32)).sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length * 0.05)]).toBeLessThan(0.3); // air (-1000 HU) sits at 0.23 in the -600/1500 window
    expect(sorted[Math.floor(sorted.length * 0.95)]).toBeGreaterThan(0.8); // soft tissue (~40 HU) at ~0.93
  });
});

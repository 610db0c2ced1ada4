import { imagingInputSchema } from '@lf/contracts';
import { encodeRawInt16 } from './encode-raw';
import { generatePatient } from './generate-patient';

describe('encodeRawInt16', () => {
  it('writes int16 little endian', () => {
    const bytes = encodeRawInt16(Int16Array.from([-1024, 1, 3071]));
    expect(Array.from(bytes)).toEqual([0x00, 0xfc, 0x01, 0x00, 0xff, 0x0b]);
  });

  it('is what a generated raw case carries, with its size and identity rescale', () => {
    const generated = generatePatient(2, 1, { imageSize: 24, imagingFormat: 'raw', naturalMissingness: false });
    const imaging = imagingInputSchema.parse(generated.request.inputs.imaging);
    expect(imaging).toMatchObject({ format: 'raw', dtype: 'int16', width: 24, height: 24, rescaleSlope: 1, rescaleIntercept: 0 });
    expect(Buffer.from(imaging.data, 'base64')).toHaveLength(24 * 24 * 2);
  });
});

import { base64ByteLength, imagePayloadProblem } from './image-payload-check';

const b64 = (bytes: Buffer) => bytes.toString('base64');
const dicom = (size = 200) => {
  const bytes = Buffer.alloc(size);
  bytes.write('DICM', 128, 'latin1');
  return bytes;
};

describe('imagePayloadProblem', () => {
  it('knows the decoded length from the text alone, for every padding', () => {
    for (let n = 0; n < 12; n++) expect(base64ByteLength(b64(Buffer.alloc(n, 7)))).toBe(n);
  });

  it('accepts a DICOM Part 10 file and rejects anything without the DICM marker at byte 128', () => {
    expect(imagePayloadProblem({ format: 'dicom', data: b64(dicom()) })).toBeUndefined();
    expect(imagePayloadProblem({ format: 'dicom', data: b64(dicom(132)) })).toBeUndefined();
    expect(imagePayloadProblem({ format: 'dicom', data: b64(dicom().subarray(0, 131)) })).toMatch(/no 'DICM' marker/);
    expect(imagePayloadProblem({ format: 'dicom', data: b64(Buffer.alloc(400)) })).toMatch(/not a DICOM Part 10 file/);
  });

  it('checks the PNG signature', () => {
    expect(imagePayloadProblem({ format: 'png', data: 'iVBORw0KGgo=' })).toBeUndefined();
    expect(imagePayloadProblem({ format: 'png', data: b64(dicom()) })).toBe('is not a PNG file (bad signature)');
  });

  it('checks a raw array has exactly width x height samples of its dtype', () => {
    expect(imagePayloadProblem({ format: 'raw', data: b64(Buffer.alloc(8 * 8 * 2)), dtype: 'int16', width: 8, height: 8 })).toBeUndefined();
    expect(imagePayloadProblem({ format: 'raw', data: b64(Buffer.alloc(8 * 8 * 2)), dtype: 'float32', width: 8, height: 8 })).toBe('has 128 bytes but 8x8 float32 needs exactly 256');
  });
});

import { imagingInputSchema } from '@lf/contracts';
import * as dicomParser from 'dicom-parser';
import { encodeDicom, CT_IMAGE_STORAGE, EXPLICIT_VR_LITTLE_ENDIAN } from './encode-dicom';
import { generatePatient } from './generate-patient';
import { renderSliceHu } from './render-slice-hu';
import { patientRng } from './patient-rng';

/** Reads our output with dicom-parser, an independent implementation of PS3.10 / PS3.5. */
describe('encodeDicom', () => {
  const rows = 40;
  const columns = 48;
  const hu = new Int16Array(rows * columns);
  hu.forEach((_, i) => (hu[i] = ((i * 37) % 4096) - 1024)); // covers -1024..3071, the full CT range
  const bytes = encodeDicom({
    hu,
    rows,
    columns,
    patientId: 'SYN-1-2',
    sopInstanceUid: '2.25.123', // odd length: exercises NUL padding
    studyInstanceUid: '2.25.4567',
    seriesInstanceUid: '2.25.89',
  });
  const dataSet = dicomParser.parseDicom(new Uint8Array(bytes));

  it('has the Part 10 preamble, magic and a consistent file meta group', () => {
    expect(bytes.subarray(0, 128).every((b) => b === 0)).toBe(true);
    expect(bytes.subarray(128, 132).toString('ascii')).toBe('DICM');
    expect(dataSet.string('x00020010')).toBe(EXPLICIT_VR_LITTLE_ENDIAN);
    expect(dataSet.string('x00020002')).toBe(CT_IMAGE_STORAGE);
    expect(dataSet.string('x00020003')).toBe('2.25.123');
    // Group length = bytes from the end of (0002,0000) to the first dataset element.
    const groupLength = dataSet.uint32('x00020000')!;
    const metaEnd = 132 + 12 + groupLength;
    expect(dataSet.elements.x00080008.dataOffset - 8).toBe(metaEnd);
    expect(dataSet.warnings).toEqual([]);
  });

  it('writes the CT image tags the brief requires', () => {
    expect(dataSet.string('x00080016')).toBe(CT_IMAGE_STORAGE);
    expect(dataSet.string('x00080060')).toBe('CT');
    expect(dataSet.string('x00100020')).toBe('SYN-1-2');
    expect(dataSet.uint16('x00280010')).toBe(rows);
    expect(dataSet.uint16('x00280011')).toBe(columns);
    expect(dataSet.uint16('x00280002')).toBe(1);
    expect(dataSet.string('x00280004')).toBe('MONOCHROME2');
    expect(dataSet.uint16('x00280100')).toBe(16);
    expect(dataSet.uint16('x00280101')).toBe(16);
    expect(dataSet.uint16('x00280102')).toBe(15);
    expect(dataSet.uint16('x00280103')).toBe(1);
    expect(dataSet.floatString('x00281052')).toBe(-1024);
    expect(dataSet.floatString('x00281053')).toBe(1);
    expect(dataSet.floatString('x00281050')).toBe(-600);
    expect(dataSet.floatString('x00281051')).toBe(1500);
    expect(dataSet.elements.x7fe00010.vr).toBe('OW');
  });

  it('round-trips the pixels: stored * slope + intercept = HU', () => {
    const pixel = dataSet.elements.x7fe00010;
    expect(pixel.length).toBe(rows * columns * 2);
    const stored = new Int16Array(new Uint8Array(bytes).slice(pixel.dataOffset, pixel.dataOffset + pixel.length).buffer);
    const slope = dataSet.floatString('x00281053')!;
    const intercept = dataSet.floatString('x00281052')!;
    const decoded = Array.from(stored, (v) => v * slope + intercept);
    expect(decoded).toEqual(Array.from(hu));
    expect(Math.min(...stored)).toBeGreaterThanOrEqual(0); // unsigned-safe as well
  });

  it('encodes a rendered slice from a generated case that validates as imaging input', () => {
    const generated = generatePatient(4, 0, { imageSize: 64, naturalMissingness: false });
    const imaging = imagingInputSchema.parse(generated.request.inputs.imaging);
    expect(imaging.format).toBe('dicom');
    const file = Buffer.from(imaging.data, 'base64');
    const parsed = dicomParser.parseDicom(new Uint8Array(file));
    expect(parsed.uint16('x00280010')).toBe(64);
    expect(parsed.string('x00100020')).toBe('SYN-4-0');
    expect(parsed.string('x00080018')).toMatch(/^2\.25\.[1-9][0-9]*$/);
    expect(parsed.string('x00080018')!.length).toBeLessThanOrEqual(64);
    // The pixels are exactly the renderer's output for this patient's imaging stream.
    const expected = renderSliceHu(patientRng(4, 0, 'imaging'), generated.latent.respiratory, 64);
    const pixel = parsed.elements.x7fe00010;
    const stored = new Int16Array(new Uint8Array(file).slice(pixel.dataOffset, pixel.dataOffset + pixel.length).buffer);
    expect(Array.from(stored, (v) => v - 1024)).toEqual(Array.from(expected));
  });

  it('refuses pixels that do not fit the stored range', () => {
    expect(() =>
      encodeDicom({ hu: new Int16Array([32000]), rows: 1, columns: 1, patientId: 'p', sopInstanceUid: '1.2', studyInstanceUid: '1.2', seriesInstanceUid: '1.2' }),
    ).toThrow(/does not fit/);
  });
});

import { imagingInputSchema } from '@lf/contracts';
import { PNG } from 'pngjs';
import { encodeWindowedPng, LUNG_WINDOW } from './encode-png';
import { generatePatient } from './generate-patient';
import { patientRng } from './patient-rng';
import { renderSliceHu } from './render-slice-hu';

/** pngjs with skipRescale returns 16-bit samples as a Uint16Array of RGBA (gray replicated). */
function decodeGray16(png: Buffer): { width: number; height: number; gray: number[] } {
  const decoded = PNG.sync.read(png, { skipRescale: true });
  expect(decoded.depth).toBe(16);
  expect(decoded.colorType).toBe(0);
  const rgba = decoded.data as unknown as Uint16Array;
  const gray: number[] = [];
  for (let i = 0; i < decoded.width * decoded.height; i++) gray.push(rgba[i * 4]);
  return { width: decoded.width, height: decoded.height, gray };
}

const windowed = (hu: number) => Math.round(Math.min(1, Math.max(0, (hu - (LUNG_WINDOW.center - LUNG_WINDOW.width / 2)) / LUNG_WINDOW.width)) * 65535);

describe('encodeWindowedPng', () => {
  it('writes a 16-bit grayscale PNG of the lung window that pngjs decodes back exactly', () => {
    const hu = Int16Array.from([-1024, -1350, -1000, -600, -300, 0, 150, 3000, -851, -149, 42, 7]);
    const { width, height, gray } = decodeGray16(encodeWindowedPng(hu, 4, 3));
    expect([width, height]).toEqual([4, 3]);
    expect(gray).toEqual(Array.from(hu, windowed));
    expect(gray[1]).toBe(0); // -1350 = window floor
    expect(gray[6]).toBe(65535); // +150 = window ceiling
  });

  it('is what a generated PNG case carries, with the window stated in the request', () => {
    const generated = generatePatient(8, 3, { imageSize: 48, imagingFormat: 'png', naturalMissingness: false });
    const imaging = imagingInputSchema.parse(generated.request.inputs.imaging);
    if (imaging.format !== 'png') throw new Error('expected png');
    expect([imaging.windowCenter, imaging.windowWidth]).toEqual([-600, 1500]);
    const { gray } = decodeGray16(Buffer.from(imaging.data, 'base64'));
    const hu = renderSliceHu(patientRng(8, 3, 'imaging'), generated.latent.respiratory, 48);
    expect(gray).toEqual(Array.from(hu, windowed));
  });
});

import type { DecodedImage } from './decoded-image';

/** Below this HU a pixel is air (lung parenchyma is about -850..-700, air -1000). */
export const AIR_HU = -900;
/** A lung slice has ~40-60 % air (lungs plus outside the body); > 90 % means the body is barely in view. */
const MOSTLY_AIR_FRACTION = 0.9;
/** > 50 % white after windowing usually means missing rescale (raw detector counts read as HU). */
const SATURATED_FRACTION = 0.5;

/** Per-pixel tallies the quality flags are decided from (gathered in the preprocessing pass itself). */
export interface PixelTallies {
  pixels: number;
  /** Pixels below AIR_HU. */
  air: number;
  /** Pixels whose windowed intensity is 1. */
  white: number;
  minIntensity: number;
  maxIntensity: number;
}

/** For an intensity (PNG) image, HU = offset + value * scale through the window it was rendered with. */
export function huMapping(image: DecodedImage): { huOffset: number; huScale: number } {
  if (image.kind === 'hu') return { huOffset: 0, huScale: 1 };
  const w = image.sourceWindow ?? { center: -600, width: 1500 };
  return { huOffset: w.center - w.width / 2, huScale: w.width };
}

/**
 * Flags that do not block scoring but travel with the score so fusion/clinicians can discount it.
 * Decided on the native-resolution image from tallies of its decoded values and windowed intensities.
 */
export function imageQualityFlags(image: DecodedImage, tallies: PixelTallies, size: number): string[] {
  const flags: string[] = [];
  if (Math.min(image.width, image.height) < size) flags.push('low_resolution');
  if (image.width !== image.height) flags.push('non_square');
  const n = tallies.pixels;
  if (tallies.maxIntensity - tallies.minIntensity < 1e-6) flags.push('uniform');
  if (tallies.air / n > MOSTLY_AIR_FRACTION) flags.push('mostly_air');
  if (tallies.white / n > SATURATED_FRACTION) flags.push('saturated');
  return flags;
}

/** Tallies over a whole windowed-intensity array (the general resampling path). */
export function tallyPixels(image: DecodedImage, intensity: Float64Array): PixelTallies {
  const { huOffset, huScale } = huMapping(image);
  const values = image.values;
  let air = 0;
  let white = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < intensity.length; i++) {
    if (huOffset + values[i] * huScale < AIR_HU) air++;
    const v = intensity[i];
    if (v >= 1) white++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { pixels: intensity.length, air, white, minIntensity: min, maxIntensity: max };
}

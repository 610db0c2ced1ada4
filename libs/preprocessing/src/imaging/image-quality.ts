import type { DecodedImage } from './decoded-image';

/** Below this HU a pixel is air (lung parenchyma is about -850..-700, air -1000). */
const AIR_HU = -900;
/** A lung slice has ~40-60 % air (lungs plus outside the body); > 90 % means the body is barely in view. */
const MOSTLY_AIR_FRACTION = 0.9;
/** > 50 % white after windowing usually means missing rescale (raw detector counts read as HU). */
const SATURATED_FRACTION = 0.5;

/**
 * Flags that do not block scoring but travel with the score so fusion/clinicians can discount it.
 * Computed at native resolution on the decoded image and its windowed intensities.
 */
export function imageQualityFlags(image: DecodedImage, intensity: Float64Array, size: number): string[] {
  const flags: string[] = [];
  if (Math.min(image.width, image.height) < size) flags.push('low_resolution');
  if (image.width !== image.height) flags.push('non_square');

  let air = 0;
  let white = 0;
  let min = Infinity;
  let max = -Infinity;
  // For PNG we only know intensity; map back to HU through the window it was rendered with. The branch
  // stays outside the per-pixel loop (this runs over every native pixel of every image).
  const w = image.sourceWindow ?? { center: -600, width: 1500 };
  const huScale = image.kind === 'hu' ? 1 : w.width;
  const huOffset = image.kind === 'hu' ? 0 : w.center - w.width / 2;
  const values = image.values;
  for (let i = 0; i < intensity.length; i++) {
    if (huOffset + values[i] * huScale < AIR_HU) air++;
    const v = intensity[i];
    if (v >= 1) white++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const n = intensity.length;
  if (max - min < 1e-6) flags.push('uniform');
  if (air / n > MOSTLY_AIR_FRACTION) flags.push('mostly_air');
  if (white / n > SATURATED_FRACTION) flags.push('saturated');
  return flags;
}

/**
 * Linear window in HU: intensity = clamp((HU - (center - width/2)) / width, 0, 1).
 * This is the plain linear form, not DICOM's VOI LUT variant with its (center - 0.5) / (width - 1)
 * offsets: those matter for 8-bit display, not for a float tensor, and the PNG path of the contract
 * defines "windowed intensity" the same plain way, so both paths agree.
 */
export function windowIntensity(hu: number, center: number, width: number): number {
  const v = (hu - (center - width / 2)) / width;
  return v <= 0 ? 0 : v >= 1 ? 1 : v;
}

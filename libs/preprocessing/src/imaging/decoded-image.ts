/**
 * A decoded single-channel image at its native resolution, row-major.
 * `hu` images (DICOM, raw) still need windowing; `intensity` images (PNG) are already in [0, 1].
 */
export interface DecodedImage {
  width: number;
  height: number;
  values: Float64Array;
  kind: 'hu' | 'intensity';
  /** Window the intensity image was rendered with (PNG only); lets us re-window and estimate HU. */
  sourceWindow?: { center: number; width: number };
  /** DICOM MONOCHROME1: the minimum is meant to display white, so the windowed image must be inverted. */
  invert?: boolean;
  qualityFlags: string[];
}

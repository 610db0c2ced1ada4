import { PreprocessingError } from '../errors/preprocessing-error';

/**
 * What the imaging model was trained on; stored in the model manifest so the worker preprocesses
 * exactly as training did.
 */
export interface ImagingSpec {
  /** Model input side in pixels; the tensor is [1 + bands, size, size]. */
  size: number;
  /** Hounsfield units at the window centre (lung window: -600). */
  windowCenter: number;
  /** Window width in HU (lung window: 1500), > 0. */
  windowWidth: number;
  /**
   * Extra channels: for each [lowHu, highHu) band, the fraction of native pixels in that band per output
   * cell. Downsampling a 256x256 slice to 32x32 averages small ground-glass opacities into the lung
   * background until a CNN cannot see them (measured: mean intensity AUROC 0.50, CNN ~0.55), while
   * band fractions computed at native resolution keep the opacity burden exact under area averaging.
   * This mirrors radiology's multi-window reading. Omitted = intensity channel only.
   */
  bands?: [number, number][];
}

export const DEFAULT_IMAGING_SPEC: Readonly<ImagingSpec> = Object.freeze<ImagingSpec>({
  size: 32,
  windowCenter: -600,
  windowWidth: 1500,
  /** aerated lung parenchyma, ground-glass / consolidation */
  bands: [
    [-950, -750],
    [-750, -200],
  ],
});

/** Largest accepted side: bounds memory per job (a 4096^2 float64 image is 128 MB) and matches the raw contract. */
export const MAX_IMAGE_SIDE = 4096;

/** A malformed spec is a deployment bug, but failing loudly beats a silently mis-shaped tensor. */
export function assertImagingSpec(spec: ImagingSpec): void {
  if (!Number.isInteger(spec.size) || spec.size < 1 || spec.size > 1024) {
    throw new PreprocessingError('invalid_spec', 'spec.size', 'must be an integer in 1..1024');
  }
  if (!Number.isFinite(spec.windowCenter)) {
    throw new PreprocessingError('invalid_spec', 'spec.windowCenter', 'must be a finite number');
  }
  if (!Number.isFinite(spec.windowWidth) || spec.windowWidth <= 0) {
    throw new PreprocessingError('invalid_spec', 'spec.windowWidth', 'must be a finite number > 0');
  }
  for (const [i, band] of (spec.bands ?? []).entries()) {
    if (!Array.isArray(band) || band.length !== 2 || !Number.isFinite(band[0]) || !Number.isFinite(band[1]) || band[0] >= band[1]) {
      throw new PreprocessingError('invalid_spec', `spec.bands[${i}]`, 'must be [lowHu, highHu] with lowHu < highHu');
    }
  }
}

import { PreprocessingError } from '../errors/preprocessing-error';

/**
 * What the imaging model was trained on; stored in the model manifest so the worker preprocesses
 * exactly as training did.
 */
export interface ImagingSpec {
  /** Model input side in pixels; the tensor is [1, size, size]. */
  size: number;
  /** Hounsfield units at the window centre (lung window: -600). */
  windowCenter: number;
  /** Window width in HU (lung window: 1500), > 0. */
  windowWidth: number;
}

export const DEFAULT_IMAGING_SPEC: Readonly<ImagingSpec> = Object.freeze({
  size: 32,
  windowCenter: -600,
  windowWidth: 1500,
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
}

import { PreprocessingError } from '../errors/preprocessing-error';

/** The time grid the vitals model was trained on; stored in the model manifest. */
export interface VitalsSpec {
  /** Window length before the assessment time, in hours (e.g. 24). */
  hours: number;
  /** Bin width in minutes (e.g. 60); hours * 60 must be a multiple of it. */
  stepMinutes: number;
}

export const DEFAULT_VITALS_SPEC: Readonly<VitalsSpec> = Object.freeze({ hours: 24, stepMinutes: 60 });

/** Number of time steps T = hours * 60 / stepMinutes; throws invalid_spec if not a whole number. */
export function vitalsTimeSteps(spec: VitalsSpec): number {
  if (!Number.isFinite(spec?.hours) || spec.hours <= 0 || spec.hours > 24 * 30) {
    throw new PreprocessingError('invalid_spec', 'spec.hours', 'must be a number in (0, 720]');
  }
  if (!Number.isFinite(spec.stepMinutes) || spec.stepMinutes <= 0) {
    throw new PreprocessingError('invalid_spec', 'spec.stepMinutes', 'must be a number > 0');
  }
  const steps = (spec.hours * 60) / spec.stepMinutes;
  if (!Number.isInteger(steps) || steps > 10_000) {
    throw new PreprocessingError('invalid_spec', 'spec.stepMinutes', 'must divide hours * 60 into at most 10000 whole steps');
  }
  return steps;
}

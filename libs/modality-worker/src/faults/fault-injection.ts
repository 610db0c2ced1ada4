import type { ModalityName } from '@lf/contracts';

/**
 * TEST-ONLY fault injection, so end-to-end tests can prove the failure paths against real processes
 * (`LF_FAULT_INJECT_<MODALITY>=<mode>`):
 * - `throw`: every inference attempt throws (retries, then a `failed` record);
 * - `throw-once`: each job's first attempt throws, the retry succeeds;
 * - `hang`: every job parks for good just before inference (nothing published; BullMQ keeps renewing the
 *   lock), so a test can SIGKILL the process with a job in flight and watch the stalled-job check redeliver it;
 * - `hang-after-record`: the score is recorded, then the job parks for good before the fusion trigger is
 *   enqueued and before the job completes: a crash between those two steps.
 * Never set it in production; the worker logs a warning at boot when it is on. A hung process does not drain
 * on SIGTERM (it exits after LF_SHUTDOWN_TIMEOUT_MS); tests SIGKILL it.
 */
export const FAULT_INJECTION_MODES = ['throw', 'throw-once', 'hang', 'hang-after-record'] as const;
export type FaultInjectionMode = (typeof FAULT_INJECTION_MODES)[number];

/** Where the handler consults the fault: before running the model, or right after the score was recorded. */
export type FaultInjectionPoint = 'before-inference' | 'after-record';

export class InjectedFaultError extends Error {
  override readonly name = 'InjectedFaultError';
}

export function faultInjectionEnvName(modality: ModalityName): string {
  return `LF_FAULT_INJECT_${modality.toUpperCase().replace(/-/g, '_')}`;
}

/**
 * Applies the configured fault at this point of a job: rejects (`throw`, `throw-once` on the first attempt,
 * `attemptsMade` as BullMQ counts it, 0 first), never settles (`hang`, `hang-after-record`), or resolves at
 * once when the fault does not apply here.
 */
export async function applyFaultInjection(
  mode: FaultInjectionMode | undefined,
  modality: ModalityName,
  attemptsMade: number,
  point: FaultInjectionPoint = 'before-inference',
): Promise<void> {
  if (point === 'before-inference') {
    if (mode === 'throw' || (mode === 'throw-once' && attemptsMade === 0)) {
      throw new InjectedFaultError(`injected inference fault (${faultInjectionEnvName(modality)}=${mode})`);
    }
    if (mode === 'hang') await forever();
  } else if (mode === 'hang-after-record') {
    await forever();
  }
}

/** A promise that never settles (and holds no timer, so it does not keep the process alive by itself). */
function forever(): Promise<never> {
  return new Promise<never>(() => undefined);
}

import type { ModalityName } from '@lf/contracts';

/**
 * TEST-ONLY fault injection, so end-to-end tests can prove the failure paths against real processes:
 * `LF_FAULT_INJECT_<MODALITY>=throw` makes every inference attempt throw (retries, then a `failed` record);
 * `=throw-once` throws on each job's first attempt only (the retry succeeds). Never set it in production;
 * the worker logs a warning at boot when it is on.
 */
export const FAULT_INJECTION_MODES = ['throw', 'throw-once'] as const;
export type FaultInjectionMode = (typeof FAULT_INJECTION_MODES)[number];

export class InjectedFaultError extends Error {
  override readonly name = 'InjectedFaultError';
}

export function faultInjectionEnvName(modality: ModalityName): string {
  return `LF_FAULT_INJECT_${modality.toUpperCase().replace(/-/g, '_')}`;
}

/** Throws when the configured fault applies to this attempt (`attemptsMade` as BullMQ counts it, 0 first). */
export function applyFaultInjection(mode: FaultInjectionMode | undefined, modality: ModalityName, attemptsMade: number): void {
  if (mode === 'throw' || (mode === 'throw-once' && attemptsMade === 0)) {
    throw new InjectedFaultError(`injected inference fault (${faultInjectionEnvName(modality)}=${mode})`);
  }
}

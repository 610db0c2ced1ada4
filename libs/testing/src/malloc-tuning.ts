/**
 * glibc malloc settings every app process runs with (`npm start`, the end-to-end tests, and the container
 * image's ENV, which tools/deploy-tests checks against this table).
 *
 * Why: Node backs Buffers and typed arrays with malloc. A case moves several 130-180 kB buffers through
 * each process (the request body, the decoded slice, the claim-check blob read back from Redis, pixel
 * arrays), and glibc serves blocks above its mmap threshold (128 kB at start) with a fresh mmap and returns
 * them with munmap: every such buffer costs ~40 page faults plus a TLB flush. On this project's 2-core VM a
 * page fault costs tens of microseconds, so the imaging worker spent ~2.4 ms of its ~6.3 ms per case there.
 * A fixed 1 MiB threshold keeps those blocks on the heap, and a 32 MiB trim threshold stops glibc from
 * handing the freed heap top back to the kernel after every burst. Measured at 60 cases/s: imaging worker
 * 6.3 -> 3.9 ms of CPU per case, whole system 29 -> 25 ms, at the price of a few MB of RSS.
 * Variables the caller already set win, so each can be tuned per deployment.
 */
export const MALLOC_TUNING: Readonly<Record<string, string>> = Object.freeze({
  MALLOC_MMAP_THRESHOLD_: String(1024 * 1024),
  MALLOC_TRIM_THRESHOLD_: String(32 * 1024 * 1024),
});

/** `env` with the malloc tuning added where `env` does not set the variable itself. */
export function withMallocTuning(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const tuned: NodeJS.ProcessEnv = { ...env };
  for (const [name, value] of Object.entries(MALLOC_TUNING)) if (tuned[name] === undefined) tuned[name] = value;
  return tuned;
}

/**
 * Environment every app process runs with (`npm start`, the end-to-end tests, and the container image's
 * ENV, which tools/deploy-tests checks against this table). Variables the caller already set win, so each
 * can be tuned per deployment (a caller's NODE_OPTIONS replaces this one entirely).
 *
 * glibc malloc: Node backs Buffers and typed arrays with malloc. A case moves several 130-180 kB buffers
 * through each process (the request body, the decoded slice, the claim-check blob read back from Redis,
 * pixel arrays), and glibc serves blocks above its mmap threshold (128 kB at start) with a fresh mmap and
 * returns them with munmap: every such buffer costs ~40 page faults plus a TLB flush. On this project's
 * 2-core VM a page fault costs tens of microseconds, so the imaging worker spent ~2.4 ms of its ~6.3 ms per
 * case there. A fixed 1 MiB threshold keeps those blocks on the heap, and a 32 MiB trim threshold stops glibc
 * from handing the freed heap top back to the kernel after every burst. Measured at 60 cases/s: imaging
 * worker 6.3 -> 3.9 ms of CPU per case, whole system 29 -> 25 ms, at the price of a few MB of RSS.
 *
 * V8's young generation: by default each semi-space grows to 16 MB (32 MB of new space per app, mostly
 * resident). Capped at 4 MB, every app's peak RSS at saturation fell by ~20 MB (gateway 263 -> 236 MB,
 * workers ~177 -> ~158 MB) with no CPU difference measurable at 100 cases/s (more, cheaper scavenges).
 */
export const RUNTIME_TUNING: Readonly<Record<string, string>> = Object.freeze({
  MALLOC_MMAP_THRESHOLD_: String(1024 * 1024),
  MALLOC_TRIM_THRESHOLD_: String(32 * 1024 * 1024),
  NODE_OPTIONS: '--max-semi-space-size=4',
});

/** `env` with the runtime tuning added where `env` does not set the variable itself. */
export function withRuntimeTuning(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const tuned: NodeJS.ProcessEnv = { ...env };
  for (const [name, value] of Object.entries(RUNTIME_TUNING)) if (tuned[name] === undefined) tuned[name] = value;
  return tuned;
}

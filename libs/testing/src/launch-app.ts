import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { withRuntimeTuning } from './runtime-tuning';

export interface AppSpec {
  name: string;
  /** TypeScript entry point, relative to the workspace root. */
  entry: string;
  env: Record<string, string>;
  /** Polled until it answers 200: the app is up. */
  readyUrl: string;
}

export interface LaunchedApp {
  readonly name: string;
  readonly spec: AppSpec;
  readonly pid: number;
  /** Every output line so far (stdout and stderr), for assertions on behaviour and debugging. */
  readonly output: string[];
  /**
   * Resolves with the first output line that `match` accepts, waiting up to `timeoutMs` for it: apps write
   * their logs in batches (up to 50 ms late, see buffered-line-sink.ts), so a line is not there the moment
   * its cause is visible over HTTP. Rejects on timeout or when the app exits first.
   */
  waitForOutput(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** SIGTERM and wait for exit; resolves with the exit code (null if killed by a signal). */
  stop(timeoutMs?: number): Promise<number | null>;
  /** Send any signal (SIGKILL, SIGSTOP, SIGCONT...) without waiting. */
  signal(signal: NodeJS.Signals): void;
  exited: Promise<number | null>;
}

export const WORKSPACE_ROOT = join(__dirname, '../../..');

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs: number, name: string, output: string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output.slice(-30).join('\n')}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} not ready at ${url} within ${timeoutMs} ms:\n${output.slice(-30).join('\n')}`);
}

/**
 * Runs one app as its own process exactly as `npm start` does (`node --require tsx/cjs <entry>`, so the pid
 * is the app itself and signals such as SIGSTOP reach it), and waits until it reports ready.
 */
export async function launchApp(
  spec: AppSpec,
  options: { onLine?: (app: string, line: string) => void; readyTimeoutMs?: number; inheritEnv?: boolean } = {},
): Promise<LaunchedApp> {
  // LF_CPU_PROF_DIR=tmp/prof npm start: each app writes a V8 CPU profile there when it exits.
  const profile = process.env['LF_CPU_PROF_DIR'] ? ['--cpu-prof', '--cpu-prof-dir', process.env['LF_CPU_PROF_DIR']] : [];
  // --require tsx/cjs: the workspace is CommonJS, and the CJS hook runs in-thread (the ESM loader's extra
  // thread and isolate cost ~26 MB of RSS per app).
  // LF_NODE_FLAGS='--trace-gc' npm start: extra node/V8 flags for every app (those NODE_OPTIONS refuses).
  const extra = (process.env['LF_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...profile, ...extra, '--require', 'tsx/cjs', spec.entry], {
    cwd: WORKSPACE_ROOT,
    env: withRuntimeTuning({ ...(options.inheritEnv === false ? { PATH: process.env['PATH'] ?? '' } : process.env), ...spec.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      if (output.length > 5000) output.splice(0, 1000);
      options.onLine?.(spec.name, line);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitUntilReady(spec.readyUrl, child, options.readyTimeoutMs ?? 30_000, spec.name, output);
  return {
    name: spec.name,
    spec,
    pid: child.pid!,
    output,
    exited,
    waitForOutput: async (match, timeoutMs = 5_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const line = output.find(match);
        if (line !== undefined) return line;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${spec.name} exited before writing the expected line`);
        if (Date.now() > until) throw new Error(`${spec.name} did not write the expected line within ${timeoutMs} ms:\n${output.slice(-30).join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    stop: async (timeoutMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

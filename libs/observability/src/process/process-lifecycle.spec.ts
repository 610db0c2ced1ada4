import { EventEmitter } from 'node:events';
import { ConfigError } from '../config/config-error';
import { createLogger } from '../logger/json-logger';
import { configOrExit, EXIT_CONFIG } from './config-or-exit';
import { exitOnSignals } from './exit-on-signals';

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
const exit = (code: number): never => {
  throw new Exited(code);
};

describe('configOrExit', () => {
  it('returns the config, or exits 78 on a bad environment', () => {
    expect(configOrExit('app', () => ({ port: 1 }), exit)).toEqual({ port: 1 });
    let code: number | undefined;
    try {
      configOrExit('app', () => {
        throw new ConfigError(['LF_PORT: must be a port']);
      }, exit);
    } catch (error) {
      code = (error as Exited).code;
    }
    expect(code).toBe(EXIT_CONFIG);
  });
});

describe('exitOnSignals', () => {
  const setup = (shutdown: () => Promise<void>, timeoutMs?: number) => {
    const signals = new EventEmitter();
    const codes: number[] = [];
    const lines: string[] = [];
    const logger = createLogger({ app: 'test', sink: (l) => lines.push(JSON.parse(l).msg) });
    const proc = { once: signals.once.bind(signals), exit: (code: number) => void codes.push(code) } as never;
    exitOnSignals(shutdown, logger, { announce: 'shutting down', ...(timeoutMs !== undefined ? { timeoutMs } : {}), process: proc });
    return { signals, codes, lines };
  };
  const tick = () => new Promise((r) => setTimeout(r, 20));

  it('shuts down once on SIGTERM and exits 0', async () => {
    let calls = 0;
    const { signals, codes, lines } = setup(async () => void calls++);
    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGTERM', 'SIGTERM');
    await tick();
    expect([calls, codes, lines]).toEqual([1, [0], ['shutting down', 'stopped']]);
  });

  it('exits 1 when shutdown fails or outlasts its timeout', async () => {
    const failed = setup(() => Promise.reject(new Error('boom')));
    failed.signals.emit('SIGINT', 'SIGINT');
    await tick();
    expect(failed.codes).toEqual([1]);
    const slow = setup(() => new Promise(() => undefined), 5);
    slow.signals.emit('SIGTERM', 'SIGTERM');
    await tick();
    expect(slow.codes).toEqual([1]);
    expect(slow.lines).toContain('shutdown timed out; exiting');
  });
});

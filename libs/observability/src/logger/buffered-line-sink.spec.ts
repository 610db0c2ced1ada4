import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bufferedLineSink } from './buffered-line-sink';

describe('bufferedLineSink', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const setup = (maxBytes = 1000) => {
    const chunks: string[] = [];
    const sink = bufferedLineSink({ write: (c) => chunks.push(c), flushMs: 50, maxBytes });
    return { sink, chunks };
  };

  it('writes the lines of one period in one call, in order, each newline-terminated', () => {
    const { sink, chunks } = setup();
    sink('a');
    sink('b');
    sink('c');
    expect(chunks).toEqual([]);
    jest.advanceTimersByTime(49);
    expect(chunks).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(chunks).toEqual(['a\nb\nc\n']);
    sink('d');
    jest.advanceTimersByTime(50);
    expect(chunks).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('flushes at once when the pending lines reach maxBytes', () => {
    const { sink, chunks } = setup(10);
    sink('12345');
    expect(chunks).toEqual([]);
    sink('6789');
    expect(chunks).toEqual(['12345\n6789\n']);
    jest.advanceTimersByTime(100);
    expect(chunks).toHaveLength(1);
  });

  it('flush() writes what is pending and nothing when nothing is', () => {
    const { sink, chunks } = setup();
    sink.flush();
    expect(chunks).toEqual([]);
    sink('x');
    sink.flush();
    expect(chunks).toEqual(['x\n']);
    jest.advanceTimersByTime(100);
    expect(chunks).toEqual(['x\n']);
  });
});

describe('the default logger on stdout', () => {
  // A real process: lines logged just before process.exit(), or before an uncaught exception, still appear.
  const run = (script: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: join(__dirname, '../../../..'), encoding: 'utf8', timeout: 30_000 });
  const imports = `const { createLogger } = require('./libs/observability/src/logger/json-logger');`;

  it('writes pending lines when the process exits', () => {
    const out = run(`${imports} const log = createLogger({ app: 't' }); log.info('one'); log.warn('two'); process.exit(3);`);
    expect(out.status).toBe(3);
    expect(out.stdout.trim().split('\n').map((l) => JSON.parse(l).msg)).toEqual(['one', 'two']);
  });

  it('writes pending lines when an uncaught exception ends the process', () => {
    const out = run(`${imports} const log = createLogger({ app: 't' }); log.error('before the crash'); setTimeout(() => { throw new Error('boom'); }, 5);`);
    expect(out.status).not.toBe(0);
    expect(out.stdout).toContain('before the crash');
  });

  it('does not keep a finished process alive', () => {
    const out = run(`${imports} createLogger({ app: 't' }).info('last words');`);
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout.trim()).msg).toBe('last words');
  });
});

import { createLogger } from './json-logger';

describe('createLogger', () => {
  const setup = (level: 'debug' | 'info' | 'warn' | 'error' = 'info') => {
    const lines: string[] = [];
    const logger = createLogger({ app: 'test-app', level, sink: (l) => lines.push(l), clock: () => new Date('2024-05-01T10:00:00.000Z') });
    return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l)) };
  };

  it('writes one JSON line per event with time, level, app, msg and fields', () => {
    const { logger, lines, parsed } = setup();
    logger.info('scored', { caseId: 'c1', traceId: 't1', latencyMs: 4 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(parsed()[0]).toEqual({ time: '2024-05-01T10:00:00.000Z', level: 'info', app: 'test-app', msg: 'scored', caseId: 'c1', traceId: 't1', latencyMs: 4 });
  });

  it('child bindings appear on every line and pass redaction too', () => {
    const { logger, parsed } = setup();
    const child = logger.child({ caseId: 'c2', traceId: 't2', patientRef: 'MRN-77' });
    child.warn('slow', { input: { ageYears: 80 } });
    expect(parsed()[0]).toMatchObject({ caseId: 'c2', traceId: 't2', patientRef: '[redacted]', input: '[redacted]' });
    expect(JSON.stringify(parsed())).not.toContain('MRN-77');
  });

  it('filters by level', () => {
    const { logger, parsed } = setup('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(parsed().map((l) => l.level)).toEqual(['warn', 'error']);
  });

  it('fields cannot overwrite the reserved envelope', () => {
    const { logger, parsed } = setup();
    logger.info('real', { msg: 'fake', level: 'error', app: 'other', time: 'never' });
    expect(parsed()[0]).toMatchObject({ msg: 'real', level: 'info', app: 'test-app', time: '2024-05-01T10:00:00.000Z' });
  });

  it('survives a throwing sink', () => {
    const logger = createLogger({ app: 'a', sink: () => { throw new Error('EPIPE'); } });
    expect(() => logger.error('x')).not.toThrow();
  });
});

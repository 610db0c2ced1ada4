import { RUNTIME_TUNING, withRuntimeTuning } from './runtime-tuning';

describe('withRuntimeTuning', () => {
  it('adds the malloc and V8 settings to an environment that lacks them, leaving the rest as it was', () => {
    const env = withRuntimeTuning({ PATH: '/bin', REDIS_URL: 'redis://x' });
    expect(env).toEqual({ PATH: '/bin', REDIS_URL: 'redis://x', ...RUNTIME_TUNING });
  });

  it('keeps a value the caller set, so a deployment can tune or disable it', () => {
    const env = withRuntimeTuning({ MALLOC_MMAP_THRESHOLD_: '131072', NODE_OPTIONS: '--max-old-space-size=512' });
    expect(env['MALLOC_MMAP_THRESHOLD_']).toBe('131072');
    expect(env['NODE_OPTIONS']).toBe('--max-old-space-size=512');
    expect(env['MALLOC_TRIM_THRESHOLD_']).toBe(RUNTIME_TUNING['MALLOC_TRIM_THRESHOLD_']);
  });
});

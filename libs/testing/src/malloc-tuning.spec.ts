import { MALLOC_TUNING, withMallocTuning } from './malloc-tuning';

describe('withMallocTuning', () => {
  it('adds the malloc settings to an environment that lacks them, leaving the rest as it was', () => {
    const env = withMallocTuning({ PATH: '/bin', REDIS_URL: 'redis://x' });
    expect(env).toEqual({ PATH: '/bin', REDIS_URL: 'redis://x', ...MALLOC_TUNING });
  });

  it('keeps a value the caller set, so a deployment can tune or disable it', () => {
    const env = withMallocTuning({ MALLOC_MMAP_THRESHOLD_: '131072' });
    expect(env['MALLOC_MMAP_THRESHOLD_']).toBe('131072');
    expect(env['MALLOC_TRIM_THRESHOLD_']).toBe(MALLOC_TUNING['MALLOC_TRIM_THRESHOLD_']);
  });
});

/** Invalid configuration at boot. `problems` has one entry per bad or missing variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}); fix the environment and restart:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
  }
}

import { ConfigError } from '../config/config-error';
import { createLogger } from '../logger/json-logger';

/** EX_CONFIG (sysexits.h): what every app exits with when its environment does not validate. */
export const EXIT_CONFIG = 78;

/**
 * The app's validated configuration, or one logged message naming every bad variable and exit 78, so an
 * orchestrator sees "fix the environment" rather than a crash loop with a stack trace.
 */
export function configOrExit<T>(app: string, load: () => T, exit: (code: number) => never = process.exit): T {
  try {
    return load();
  } catch (error) {
    createLogger({ app }).error(error instanceof ConfigError ? error.message : `configuration error: ${(error as Error).message}`);
    return exit(EXIT_CONFIG);
  }
}

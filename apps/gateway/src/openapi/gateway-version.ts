import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The API version in the OpenAPI document: the workspace package version (one release train). */
export const GATEWAY_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0-unknown';
  } catch {
    // Sources without the workspace around them (a bundled image): still a valid document.
    return '0.0.0-unknown';
  }
})();

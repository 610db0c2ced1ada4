import { resolveModelVersion } from '@lf/model-artifacts';

/** `models/<name>/<version>`; without a version, the highest semantic version present (the workers' rule). */
export function resolveModelDir(root: string, name: string, version?: string): string {
  return resolveModelVersion(root, name, version).dir;
}

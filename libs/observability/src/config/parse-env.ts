import type { z } from 'zod';
import { ConfigError } from './config-error';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Validates configuration at boot against a zod object schema whose keys are variable names, and throws one
 * ConfigError naming every bad or missing variable (not just the first), so one restart fixes them all.
 * Values are never echoed: a bad REDIS_URL may carry a password.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.length > 0 ? issue.path.map(String).join('.') : '(environment)';
    const missing = issue.path.length === 1 && env[String(issue.path[0])] === undefined;
    return missing && issue.code === 'invalid_type' ? `${name}: missing (required)` : `${name}: ${issue.message}`;
  });
  throw new ConfigError([...new Set(problems)]);
}

/** Merges problems from several validators (e.g. a shared Redis config and the app's own) into one error. */
export function collectConfigProblems(...attempts: Array<() => unknown>): void {
  const problems: string[] = [];
  for (const attempt of attempts) {
    try {
      attempt();
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

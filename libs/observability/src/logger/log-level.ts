export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function isLevelEnabled(threshold: LogLevel, level: LogLevel): boolean {
  return SEVERITY[level] >= SEVERITY[threshold];
}

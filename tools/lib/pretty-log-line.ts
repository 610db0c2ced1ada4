const LEVEL_COLOURS: Record<string, string> = { error: '\x1b[31m', warn: '\x1b[33m', info: '\x1b[32m', debug: '\x1b[90m' };

/** One JSON log line -> `HH:MM:SS level msg key=value ...` for humans; anything else passes through. */
export function prettyLogLine(line: string, colour = process.stdout.isTTY): string {
  if (!line.startsWith('{')) return line;
  try {
    const { time, level, msg, app: _app, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const clock = typeof time === 'string' ? time.slice(11, 19) : typeof time === 'number' ? new Date(time).toISOString().slice(11, 19) : '';
    const lvl = String(level ?? 'info');
    const tag = colour ? `${LEVEL_COLOURS[lvl] ?? ''}${lvl.padEnd(5)}\x1b[0m` : lvl.padEnd(5);
    const fields = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    return `${clock} ${tag} ${String(msg ?? '')}${fields ? ` ${fields}` : ''}`;
  } catch {
    return line;
  }
}

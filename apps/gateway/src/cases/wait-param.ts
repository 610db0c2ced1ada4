/**
 * `?wait=` of `GET /v1/cases/{id}`: how long to hold the request open for the case to become final.
 * `10s`, `500ms`, `1.5s` or plain seconds (`10`); 0 means do not wait. Longer than `maxMs` is refused,
 * not clamped: a client asking for 5 minutes has a wrong idea of the API and should hear so.
 */
export type WaitParse = { ok: true; ms: number } | { ok: false; message: string };

const WAIT = /^(\d{1,6}(?:\.\d{1,3})?)(ms|s)?$/;

export function parseWait(value: unknown, maxMs: number): WaitParse {
  if (value === undefined) return { ok: true, ms: 0 };
  const rule = `must be a duration like 10s, 500ms or 10 (seconds), at most ${formatMs(maxMs)}`;
  if (typeof value !== 'string') return { ok: false, message: `${rule}; give it once` };
  const match = WAIT.exec(value.trim());
  if (!match) return { ok: false, message: rule };
  const amount = Number(match[1]);
  const ms = Math.round(match[2] === 'ms' ? amount : amount * 1000);
  if (!Number.isFinite(ms) || ms > maxMs) return { ok: false, message: rule };
  return { ok: true, ms };
}

export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** `Retry-After` (delta seconds or an HTTP date) in milliseconds from `now`, or undefined if absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date (IMF-fixdate: "Thu, 26 Nov 2026 10:00:05 GMT"); Date.parse alone would take "-1" as a year.
  if (!/^[A-Za-z]{3}, /.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

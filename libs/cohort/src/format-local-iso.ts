/**
 * ISO 8601 date-time in local wall-clock time with its UTC offset, e.g. 2024-03-05T14:20:00+01:00,
 * the way hospital systems usually send it (the contract requires an offset, Z is also allowed).
 */
export function formatLocalIso(epochMs: number, offsetMinutes: number): string {
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

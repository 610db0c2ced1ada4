import type { BuiltInModality } from '@lf/contracts';
import { DGP } from './dgp';
import { sigmoid } from './math';
import type { Rng } from './rng';

export type Presence = Record<BuiltInModality, boolean>;
const ORDER: readonly BuiltInModality[] = ['imaging', 'tabular', 'vitals'];

/**
 * Natural missingness (not at random: see DGP.presence). If it leaves nothing, the patient keeps
 * tabular data (every encounter has at least a registration record). Draws a fixed number of numbers.
 */
export function naturalPresence(rng: Rng, severity: number, natural: boolean): Presence {
  const presence = {} as Presence;
  for (const modality of ORDER) {
    const c = DGP.presence[modality];
    const u = rng.uniform();
    presence[modality] = !natural || u < sigmoid(c.intercept + c.severity * severity);
  }
  if (!ORDER.some((m) => presence[m])) presence.tabular = true;
  return presence;
}

/**
 * Artificial dropout for robustness scenarios, applied after natural missingness: each present
 * modality is removed with probability `dropRate`; if that would remove every present modality, one
 * of them, chosen uniformly, is kept, so a request always has at least one input.
 */
export function applyDropout(rng: Rng, presence: Presence, dropRate: number): Presence {
  const drops = ORDER.map(() => rng.uniform() < dropRate);
  const keeper = rng.uniform();
  const present = ORDER.filter((m) => presence[m]);
  const kept = present.filter((m) => !drops[ORDER.indexOf(m)]);
  const result: Presence = { imaging: false, tabular: false, vitals: false };
  if (kept.length > 0) for (const m of kept) result[m] = true;
  else result[present[Math.floor(keeper * present.length)]] = true;
  return result;
}

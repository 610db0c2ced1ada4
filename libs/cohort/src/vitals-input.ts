import { VITAL_SIGN_NAMES, type VitalSample, type VitalSign, type VitalsInput } from '@lf/contracts';
import { DGP } from './dgp';
import { formatLocalIso } from './format-local-iso';
import { clamp, roundTo, sigmoid } from './math';
import type { Rng } from './rng';
import type { PatientState } from './sample-patient-state';

/** Assessment times fall in 2024 (a leap year: 366 days), in one of a few hospital time zones. */
const EPOCH_2024 = Date.UTC(2024, 0, 1);
const YEAR_MS = 366 * 24 * 3_600_000;
const UTC_OFFSETS_MINUTES: readonly (readonly [number, number])[] = [
  [0, 3],
  [60, 3],
  [120, 1],
  [-300, 2],
  [330, 1],
];
const MINUTE = 60_000;

/**
 * The charted vital signs before the assessment time: irregular observation rounds (not every
 * channel each time), occasional long gaps, a persistent per-patient baseline (what makes vitals
 * only partly informative) and a worsening trend in patients whose factors are abnormal.
 * Sicker patients have a shorter history (early escalation) and more frequent charting.
 */
export function buildVitalsInput(rng: Rng, state: PatientState): VitalsInput {
  const sched = DGP.vitalsSchedule;
  const { severity, haemodynamic, respiratory, inflammation } = state.latent;

  const assessmentMs = EPOCH_2024 + Math.floor(rng.uniform() * (YEAR_MS / MINUTE)) * MINUTE;
  const offsetMinutes = rng.weighted(UTC_OFFSETS_MINUTES);
  const durationHours = sched.minHours + sched.spanHours * sigmoid(sched.intercept + sched.severity * severity + sched.noise * rng.normal());
  const meanInterval = sched.baseMinutes + sched.spanMinutes * sigmoid(sched.intervalSeverity * severity);
  const patientOffset = {} as Record<VitalSign, number>;
  for (const name of VITAL_SIGN_NAMES) patientOffset[name] = DGP.vitals[name].patientSd * rng.normal();

  // Observation times, walking back from the assessment time to the start of the window.
  const windowStart = assessmentMs - durationHours * 3_600_000;
  const times: number[] = [];
  let t = assessmentMs - Math.floor(rng.range(0, 30)) * MINUTE;
  while (t >= windowStart && times.length < 2000) {
    times.push(t);
    let interval = clamp(meanInterval * Math.exp(sched.jitter * rng.normal()), sched.minInterval, sched.maxInterval);
    if (rng.bernoulli(sched.gapProbability)) interval += rng.range(180, 480);
    t -= Math.round(interval) * MINUTE;
  }
  times.reverse();

  const samples: VitalSample[] = times.map((time) => {
    const u = (time - windowStart) / (assessmentMs - windowStart);
    const H = trend(haemodynamic, u);
    const R = trend(respiratory, u);
    const I = trend(inflammation, u);
    const sample: VitalSample = { t: formatLocalIso(time, offsetMinutes) };
    const withBp = rng.bernoulli(DGP.vitals.systolicBp.presence);
    let charted = 0;
    for (const name of VITAL_SIGN_NAMES) {
      const c = DGP.vitals[name];
      const raw = c.base + c.h * H + c.r * R + c.i * I + patientOffset[name] + c.sampleSd * rng.normal();
      const present = name === 'systolicBp' || name === 'diastolicBp' ? withBp : rng.bernoulli(c.presence);
      if (!present) continue;
      sample[name] = roundTo(clamp(raw, c.min, c.max), c.decimals);
      charted++;
    }
    // An observation round charts at least a heart rate (the monitor always has one).
    if (charted === 0) {
      const c = DGP.vitals.heartRate;
      sample.heartRate = roundTo(clamp(c.base + c.h * H + c.i * I + patientOffset.heartRate, c.min, c.max), c.decimals);
    }
    if (sample.systolicBp !== undefined && sample.diastolicBp !== undefined) {
      // A cuff never reads diastolic above systolic; keep a physiological pulse pressure.
      sample.diastolicBp = Math.min(sample.diastolicBp, sample.systolicBp - 15);
    }
    return sample;
  });
  return { samples };
}

/** A factor's expression at window position u: stable when normal, worsening towards assessment when abnormal. */
function trend(x: number, u: number): number {
  return x + DGP.vitalsTrend * Math.max(x, 0) * (u - 0.5);
}

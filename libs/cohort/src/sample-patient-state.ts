import { COMORBIDITIES, type Comorbidity } from '@lf/contracts';
import { DGP } from './dgp';
import type { Latent } from './generated-case';
import { clamp, roundTo, sigmoid } from './math';
import type { Rng } from './rng';

export type Sex = 'female' | 'male' | 'other' | 'unknown';

/** Everything about a patient that exists before any modality is rendered. */
export interface PatientState {
  latent: Latent;
  label: 0 | 1;
  ageYears: number;
  sex: Sex;
  bmi: number;
  comorbidities: Record<Comorbidity, boolean>;
}

const SEXES: readonly Sex[] = ['female', 'male', 'other', 'unknown'];

/**
 * Draws the latent factors, demographics and outcome from the patient's "latent" stream.
 * The number and order of draws is fixed, so the stream stays aligned whatever the options.
 */
export function samplePatientState(rng: Rng): PatientState {
  const { factorLoading: a, factorNoise: b, demographics: d, outcome: o } = DGP;
  const severity = rng.normal();
  const respiratory = a * severity + b * rng.normal();
  const inflammation = a * severity + b * rng.normal();
  const haemodynamic = a * severity + b * rng.normal();

  const ageYears = Math.round(clamp(d.ageMean + d.ageSd * rng.normal(), d.ageMin, d.ageMax));
  const ageZ = (ageYears - d.ageMean) / d.ageSd;
  const sex = rng.weighted(SEXES.map((s, k) => [s, d.sexWeights[k]] as const));
  const bmi = roundTo(clamp(d.bmiMean + d.bmiSd * rng.normal(), 14, 60), 1);

  const comorbidities = {} as Record<Comorbidity, boolean>;
  let burden = DGP.frailty.ageWeight * ageZ;
  for (const name of COMORBIDITIES) {
    const c = DGP.comorbidities[name];
    comorbidities[name] = rng.bernoulli(sigmoid(c.intercept + c.ageSlope * ageZ));
    if (comorbidities[name]) burden += c.frailtyWeight;
  }
  const frailty = (burden - DGP.frailty.mean) / DGP.frailty.sd;

  const riskLogit =
    o.intercept +
    o.respiratory * respiratory +
    o.inflammation * inflammation +
    o.haemodynamic * haemodynamic +
    o.frailty * frailty;
  const label = rng.bernoulli(sigmoid(riskLogit)) ? 1 : 0;

  return {
    latent: { severity, respiratory, inflammation, haemodynamic, frailty, riskLogit },
    label,
    ageYears,
    sex,
    bmi,
    comorbidities,
  };
}

import { COMORBIDITIES, LAB_NAMES, type LabName, type TabularInput } from '@lf/contracts';
import { DGP } from './dgp';
import { LAB_REPORTING } from './lab-units';
import { clamp, roundTo, sigmoid } from './math';
import type { Rng } from './rng';
import type { PatientState } from './sample-patient-state';

type Labs = NonNullable<TabularInput['labs']>;

/**
 * The EHR snapshot: demographics and comorbidities straight from the patient state (they define
 * frailty), labs expressing mainly the inflammation factor, with realistic units and missing fields.
 * Every random number is drawn whether or not it is used, so the stream layout is fixed.
 */
export function buildTabularInput(rng: Rng, state: PatientState): TabularInput {
  const miss = DGP.tabularFieldMissing;
  const input: TabularInput = {};
  if (!rng.bernoulli(miss.ageYears)) input.ageYears = state.ageYears;
  if (!rng.bernoulli(miss.sex)) input.sex = state.sex;
  if (!rng.bernoulli(miss.bmi)) input.bmi = state.bmi;

  const comorbidityBlockAbsent = rng.bernoulli(miss.comorbidityBlock);
  const comorbidities: NonNullable<TabularInput['comorbidities']> = {};
  for (const name of COMORBIDITIES) {
    if (!rng.bernoulli(miss.comorbidity)) comorbidities[name] = state.comorbidities[name];
  }
  if (!comorbidityBlockAbsent) input.comorbidities = comorbidities;

  const labBlockAbsent = rng.bernoulli(miss.labBlock);
  const labs: Record<string, { value: number; unit: string }> = {};
  for (const name of LAB_NAMES) {
    const value = canonicalLabValue(name, state, rng.normal());
    const missing = rng.uniform() < labMissingProbability(name, state.latent.severity);
    const alternative = rng.uniform() < DGP.alternativeUnitRate;
    if (missing) continue;
    const units = LAB_REPORTING[name];
    const report = alternative && units.length > 1 ? units[1] : units[0];
    labs[name] = { value: roundTo(value * report.factor, report.decimals), unit: report.unit };
  }
  if (!labBlockAbsent && Object.keys(labs).length > 0) input.labs = labs as Labs;
  return input;
}

function labMissingProbability(name: LabName, severity: number): number {
  if (name === 'lactate') return sigmoid(DGP.lactateMissing.intercept + DGP.lactateMissing.severity * severity);
  return DGP.labs[name].missing;
}

/** The lab in its canonical unit (see DGP.labs for the equation). */
function canonicalLabValue(name: LabName, state: PatientState, noise: number): number {
  const c = DGP.labs[name];
  const { inflammation, haemodynamic, frailty } = state.latent;
  let z = c.center + c.i * inflammation + c.h * haemodynamic + c.f * frailty + c.sd * noise;
  if (name === 'creatinine' && state.comorbidities.ckd) z += DGP.labShifts.ckdCreatinine;
  if (name === 'wbc' && state.comorbidities.immunosuppressed) z += DGP.labShifts.immunosuppressedWbc;
  if (name === 'hemoglobin' && state.sex === 'female') z += DGP.labShifts.femaleHemoglobin;
  const value = c.scale === 'log' ? Math.exp(z) : z;
  return clamp(value, c.min, c.max);
}

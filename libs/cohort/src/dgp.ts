/**
 * Every coefficient of the data-generating process in one place, so the README equations and the
 * code cannot drift apart. Changing any number here changes the cohort for every seed: re-run the
 * oracle report (`npx tsx libs/cohort/test/oracle-report.ts`) and update the README figures.
 */
export const DGP = {
  /** Organ-system factors: x = loading * severity + sqrt(1 - loading^2) * e, so each is N(0, 1). */
  factorLoading: 0.6,
  factorNoise: 0.8,

  demographics: {
    ageMean: 63,
    ageSd: 16,
    ageMin: 18,
    ageMax: 99,
    bmiMean: 27,
    bmiSd: 5,
    /** female, male, other, unknown */
    sexWeights: [0.49, 0.49, 0.01, 0.01] as const,
  },

  /** logit P(comorbidity) = intercept + ageSlope * ageZ, ageZ = (age - ageMean) / ageSd. */
  comorbidities: {
    hypertension: { intercept: -0.4, ageSlope: 0.8, frailtyWeight: 0.25 },
    diabetes: { intercept: -1.2, ageSlope: 0.5, frailtyWeight: 0.35 },
    copd: { intercept: -2.0, ageSlope: 0.6, frailtyWeight: 0.6 },
    heartFailure: { intercept: -2.2, ageSlope: 0.9, frailtyWeight: 0.8 },
    ckd: { intercept: -2.0, ageSlope: 0.8, frailtyWeight: 0.7 },
    immunosuppressed: { intercept: -2.4, ageSlope: 0, frailtyWeight: 0.6 },
  },

  /**
   * frailty = (ageWeight * ageZ + sum(frailtyWeight_k * comorbidity_k) - mean) / sd;
   * mean and sd measured on 10^6 draws so frailty is approximately N(0, 1)-scaled.
   */
  frailty: { ageWeight: 0.6, mean: 0.518, sd: 0.964 },

  /**
   * Imaging expresses r through the ground-glass burden: the fraction of lung area covered is
   * maxFraction * sigmoid(intercept + slope * (r + noise * e_img)), e_img ~ N(0, 1) per image.
   * Nodule count ~ Poisson(nodulesBase + nodulesPerBurden * fraction / maxFraction).
   */
  imaging: {
    opacityMaxFraction: 0.5,
    opacityIntercept: -2.2,
    opacitySlope: 1.4,
    opacityNoise: 0.35,
    nodulesBase: 0.3,
    nodulesPerBurden: 1.5,
    artefactRate: 0.03,
  },

  /**
   * Natural (informative) missingness of whole modalities: imaging is ordered more often for sicker
   * patients, P(imaging) = sigmoid(intercept + severity * s); tabular almost always exists; vitals
   * usually, a little more often for sicker patients (they are on a monitor).
   */
  presence: {
    imaging: { intercept: 0.3, severity: 0.9 },
    tabular: { intercept: 3.5, severity: 0 },
    vitals: { intercept: 2.4, severity: 0.6 },
  },

  /**
   * Labs in their canonical (first) unit. On the model scale (log for right-skewed labs):
   * value = center + i * inflammation + h * haemodynamic + f * frailty + sd * e, clamped to [min, max];
   * extra terms: creatinine +ckdShift (log) with CKD, WBC +immunosuppressedShift (log), haemoglobin
   * +femaleShift for women. missing = P(lab absent) except lactate (see lactateMissing).
   */
  labs: {
    crp: { scale: 'log', center: 2.3, i: 1.0, h: 0, f: 0.1, sd: 1.1, min: 0.2, max: 500, missing: 0.18 },
    wbc: { scale: 'log', center: 2.08, i: 0.28, h: 0, f: 0, sd: 0.4, min: 0.3, max: 80, missing: 0.1 },
    lactate: { scale: 'log', center: 0.18, i: 0.2, h: 0.15, f: 0, sd: 0.4, min: 0.3, max: 20, missing: 0 },
    creatinine: { scale: 'log', center: -0.1, i: 0.08, h: 0.08, f: 0.12, sd: 0.25, min: 0.3, max: 15, missing: 0.12 },
    hemoglobin: { scale: 'linear', center: 13.8, i: -0.3, h: 0, f: -0.5, sd: 1.3, min: 5, max: 19, missing: 0.12 },
    platelets: { scale: 'linear', center: 250, i: -20, h: 0, f: 0, sd: 70, min: 5, max: 900, missing: 0.14 },
    sodium: { scale: 'linear', center: 139, i: -0.5, h: 0, f: 0, sd: 3, min: 115, max: 165, missing: 0.14 },
  },
  labShifts: { ckdCreatinine: 0.6, immunosuppressedWbc: -0.4, femaleHemoglobin: -1.3 },
  /** Lactate is drawn mostly when a clinician worries: P(missing) = sigmoid(intercept + severity * s). */
  lactateMissing: { intercept: -1.3, severity: -1.0 },
  tabularFieldMissing: { ageYears: 0.02, sex: 0.03, bmi: 0.2, comorbidityBlock: 0.12, comorbidity: 0.05, labBlock: 0.03 },
  /** Share of labs reported in their alternative unit (when the lab has one). */
  alternativeUnitRate: 0.15,

  /**
   * Vitals. Observation window D = minHours + spanHours * sigmoid(intercept + severity * s + noise * e)
   * hours before the assessment time (sicker patients: shorter history). Mean charting interval
   * = baseMinutes + spanMinutes * sigmoid(severity * s) (sicker: more frequent), each interval
   * = clamp(mean * exp(jitter * e), min, max), plus a 3-8 h gap with probability gapProbability.
   */
  vitalsSchedule: {
    minHours: 24,
    spanHours: 24,
    intercept: 0.9,
    severity: -0.6,
    noise: 0.8,
    baseMinutes: 45,
    spanMinutes: 150,
    intervalSeverity: -0.5,
    jitter: 0.45,
    minInterval: 15,
    maxInterval: 240,
    gapProbability: 0.04,
  },
  /** Worsening trend: a factor x is expressed at window position u (0 = start, 1 = assessment) as x + trend * max(x, 0) * (u - 0.5). */
  vitalsTrend: 0.9,
  /**
   * Channel value = base + h * H(u) + r * R(u) + i * I(u) + patientSd * e_patient + sampleSd * e_sample,
   * clamped and rounded; presence = P(channel charted in a given observation round). Systolic and
   * diastolic come from one cuff reading, so both follow systolicBp.presence (diastolic's is unused).
   */
  vitals: {
    heartRate: { base: 80, h: 5.5, r: 0, i: 1, patientSd: 10, sampleSd: 5, min: 30, max: 200, decimals: 0, presence: 0.93 },
    systolicBp: { base: 126, h: -8, r: 0, i: 0, patientSd: 14, sampleSd: 8, min: 60, max: 230, decimals: 0, presence: 0.85 },
    diastolicBp: { base: 72, h: -3, r: 0, i: 0, patientSd: 8, sampleSd: 6, min: 30, max: 140, decimals: 0, presence: 1 },
    respiratoryRate: { base: 17, h: 0.8, r: 0.4, i: 0, patientSd: 2.3, sampleSd: 1.8, min: 6, max: 50, decimals: 0, presence: 0.72 },
    spo2: { base: 96.5, h: -0.3, r: -0.4, i: 0, patientSd: 1.4, sampleSd: 1.0, min: 60, max: 100, decimals: 0, presence: 0.9 },
    temperature: { base: 37, h: 0, r: 0, i: 0.12, patientSd: 0.35, sampleSd: 0.25, min: 34, max: 41.5, decimals: 1, presence: 0.45 },
  },

  /** riskLogit = intercept + r * respiratory + i * inflammation + h * haemodynamic + f * frailty. */
  outcome: { intercept: -3.2, respiratory: 0.9, inflammation: 0.9, haemodynamic: 0.9, frailty: 0.5 },
} as const;

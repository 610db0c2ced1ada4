import type { CaseRequest } from '@lf/contracts';

/** The hidden state behind one synthetic patient (never part of a request). */
export interface Latent {
  /** Overall illness severity s ~ N(0, 1); drives all three organ factors and the missingness. */
  severity: number;
  /** Respiratory factor r, expressed mainly by imaging (and SpO2 / respiratory rate). */
  respiratory: number;
  /** Inflammation / host-response factor i, expressed mainly by labs (and temperature). */
  inflammation: number;
  /** Haemodynamic factor h, expressed mainly by vitals. */
  haemodynamic: number;
  /** Frailty from age and comorbidities, expressed by the tabular demographics. */
  frailty: number;
  /** The outcome's true log-odds; label ~ Bernoulli(sigmoid(riskLogit)). */
  riskLogit: number;
}

export interface GeneratedCase {
  /** 1 = ICU transfer or death within 48 h of the assessment time. */
  label: 0 | 1;
  request: CaseRequest;
  latent: Latent;
}

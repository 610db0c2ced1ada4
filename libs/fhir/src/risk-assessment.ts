import type { EvidenceStatus, FusionStrategyName, RiskBand } from '@lf/contracts';
import type { CodeableConcept, Extension, Reference, RiskAssessment } from 'fhir/r4';
import {
  CASE_STATUS_URL,
  DATA_ABSENT_REASON,
  FUSION_STRATEGY_SYSTEM,
  MODALITY_CONTRIBUTION_URL,
  OUTCOME_SYSTEM,
  RISK_PROBABILITY,
  RISK_PROBABILITY_DISPLAY,
  UCUM,
  URI_IDENTIFIER_SYSTEM,
} from './terminology';

/**
 * What `riskAssessmentFromCase` reads: structurally the gateway's `GET /v1/cases/{id}` body
 * (apps/gateway/src/cases/case-response.ts), declared here so this lib does not import the gateway.
 */
export interface CaseModalityView {
  status: EvidenceStatus;
  probability?: number;
  weight: number;
  modelVersion?: string;
}

export interface CaseResultForFhir {
  probability: number | null;
  riskBand: RiskBand | null;
  strategy: FusionStrategyName | string;
  modalities: Record<string, CaseModalityView>;
}

export interface CaseViewForFhir {
  caseId: string;
  status: 'pending' | 'complete' | 'degraded' | 'failed';
  finalizedAt?: string;
  result?: CaseResultForFhir;
}

export interface RiskAssessmentOptions {
  /**
   * The case's patientRef as submitted: `Patient/<id>` becomes a reference, `system|value` an identifier,
   * a URI (urn:uuid:..., http...) an identifier with system urn:ietf:rfc:3986, anything else an identifier
   * value. Absent: the subject carries a data-absent-reason extension (subject is mandatory in FHIR).
   */
  patientRef?: string;
  /** References to the submitted inputs (e.g. `bundleToCaseRequest`'s basis). */
  basis?: readonly string[];
  /** The fusion model's version (stacking/attention parameters), named in `method` when given. */
  fusionModelVersion?: string;
}

export const STRATEGY_DISPLAY: Readonly<Record<FusionStrategyName, string>> = {
  'weighted-mean': 'Weighted mean of calibrated modality probabilities',
  'log-odds': 'Log-odds pooling around the prevalence prior',
  stacking: 'Stacking: logistic model over modality logits and presence',
  attention: 'Attention: learned modality weights from logits, confidence and presence',
};

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const PATIENT_REFERENCE = /^Patient\/[A-Za-z0-9\-.]{1,64}$/;
const URI = /^(?:urn:[a-z0-9][a-z0-9-]{0,31}:\S+|https?:\/\/\S+)$/i;

/**
 * A FHIR R4 RiskAssessment for a case (README: "RiskAssessment"). Status: `registered` while pending (no
 * prediction yet), `final` once finalized, complete or degraded; `final` too for a failed case, which has
 * no prediction and a note saying why (the assessment ran to its end; `cancelled`/`entered-in-error` would
 * claim it was withdrawn or wrong). Per-modality contributions are extensions (MODALITY_CONTRIBUTION_URL).
 */
export function riskAssessmentFromCase(view: CaseViewForFhir, options: RiskAssessmentOptions = {}): RiskAssessment {
  if (!FHIR_ID.test(view.caseId)) throw new RangeError('caseId is not a valid FHIR id');
  const extension: Extension[] = [{ url: CASE_STATUS_URL, valueCode: view.status }];
  const references = [...new Set(options.basis ?? [])].filter((r) => r.length > 0);
  const basis = references.length > 0 ? { basis: references.map((reference) => ({ reference })) } : {};
  const head = { resourceType: 'RiskAssessment' as const, id: view.caseId, extension };
  const subject = subjectOf(options.patientRef);

  const result = view.result;
  if (view.status === 'pending' || result === undefined) {
    if (view.status !== 'pending') throw new RangeError(`a ${view.status} case needs its result`);
    return { ...head, status: 'registered', subject, ...basis };
  }
  const names = Object.keys(result.modalities).sort();
  for (const name of names) extension.push(contributionExtension(name, result.modalities[name]));
  const notUsed = names.filter((n) => result.modalities[n].status !== 'ok').map((n) => `${n} (${result.modalities[n].status})`);
  const finalized = {
    ...head,
    status: 'final' as const,
    method: methodOf(result, options.fusionModelVersion),
    subject,
    ...(view.finalizedAt !== undefined ? { occurrenceDateTime: view.finalizedAt } : {}),
    ...basis,
  };
  if (view.status === 'failed') {
    return { ...finalized, note: [{ text: `No risk estimate: no modality produced a usable score (${notUsed.join(', ') || 'none expected'}).` }] };
  }
  const probability = result.probability;
  if (probability === null || !Number.isFinite(probability) || probability < 0 || probability > 1 || result.riskBand === null) {
    throw new RangeError(`a ${view.status} case needs a probability in [0, 1] and a risk band`);
  }
  return {
    ...finalized,
    prediction: [
      {
        outcome: {
          coding: [{ system: OUTCOME_SYSTEM, code: 'deterioration-48h', display: 'ICU transfer or death within 48 hours' }],
          text: 'ICU transfer or death within 48 hours',
        },
        probabilityDecimal: probability,
        qualitativeRisk: qualitativeRiskOf(result.riskBand),
        whenRange: { high: { value: 48, unit: 'h', system: UCUM, code: 'h' } },
      },
    ],
    ...(view.status === 'degraded' ? { note: [{ text: `Degraded: fused without ${notUsed.join(', ')}; the weights were renormalised over the rest.` }] } : {}),
  };
}

export function qualitativeRiskOf(band: RiskBand): CodeableConcept {
  return { coding: [{ system: RISK_PROBABILITY, code: band, display: RISK_PROBABILITY_DISPLAY[band] }], text: band };
}

function methodOf(result: CaseResultForFhir, fusionModelVersion: string | undefined): CodeableConcept {
  const strategy = result.strategy;
  const display = (STRATEGY_DISPLAY as Record<string, string | undefined>)[strategy];
  const versions = Object.keys(result.modalities)
    .sort()
    .flatMap((name) => {
      const version = result.modalities[name].modelVersion;
      return version !== undefined ? [`${name} ${version}`] : [];
    });
  const fusion = fusionModelVersion !== undefined ? ` ${fusionModelVersion}` : '';
  return {
    coding: [{ system: FUSION_STRATEGY_SYSTEM, code: strategy, ...(display ? { display } : {}) }],
    text: `late fusion: ${strategy}${fusion}; models: ${versions.length > 0 ? versions.join(', ') : 'none scored'}`,
  };
}

function contributionExtension(modality: string, view: CaseModalityView): Extension {
  const parts: Extension[] = [
    { url: 'modality', valueCode: modality },
    { url: 'status', valueCode: view.status },
    { url: 'weight', valueDecimal: finite(view.weight, 'weight') },
  ];
  if (view.probability !== undefined) parts.push({ url: 'probability', valueDecimal: finite(view.probability, 'probability') });
  if (view.modelVersion !== undefined && view.modelVersion !== '') parts.push({ url: 'modelVersion', valueString: view.modelVersion });
  return { url: MODALITY_CONTRIBUTION_URL, extension: parts };
}

function finite(value: number, name: string): number {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number`);
  return value;
}

/** The RiskAssessment subject from the submission's patientRef (see RiskAssessmentOptions.patientRef). */
export function subjectOf(patientRef: string | undefined): Reference {
  if (patientRef === undefined || patientRef.trim() === '') {
    return { type: 'Patient', extension: [{ url: DATA_ABSENT_REASON, valueCode: 'unknown' }] };
  }
  if (PATIENT_REFERENCE.test(patientRef)) return { reference: patientRef, type: 'Patient' };
  const bar = patientRef.indexOf('|');
  if (bar > 0 && bar < patientRef.length - 1 && !/\s/.test(patientRef.slice(0, bar))) {
    return { type: 'Patient', identifier: { system: patientRef.slice(0, bar), value: patientRef.slice(bar + 1) } };
  }
  if (URI.test(patientRef)) return { type: 'Patient', identifier: { system: URI_IDENTIFIER_SYSTEM, value: patientRef } };
  return { type: 'Patient', identifier: { value: patientRef } };
}

export { bundleToCaseRequest } from './bundle-to-case-request';
export type { BundleReport, BundleToCaseOptions, BundleToCaseResult, FhirIssue, IgnoredInput, UnitConversion, UnknownCode } from './bundle-report';
export { riskAssessmentFromCase, subjectOf, qualitativeRiskOf, STRATEGY_DISPLAY } from './risk-assessment';
export type { CaseModalityView, CaseResultForFhir, CaseViewForFhir, RiskAssessmentOptions } from './risk-assessment';
export { caseRequestToBundle, birthDateFor } from './case-request-to-bundle';
export type { CaseRequestToBundleOptions } from './case-request-to-bundle';
export {
  CASE_STATUS_URL,
  FUSION_STRATEGY_SYSTEM,
  LF_FHIR_BASE,
  LOINC,
  LOINC_CODES,
  MODALITY_CONTRIBUTION_URL,
  OUTCOME_SYSTEM,
  RISK_PROBABILITY,
  SNOMED_COMORBIDITIES,
  SNOMED_CT,
  UCUM,
} from './terminology';
export type { LoincEntry, LoincTarget } from './terminology';
export { BMI_UNIT_RULES, LAB_UNIT_RULES, VITAL_UNIT_RULES, ucumUnitsFor } from './units';
export type { QuantityTarget, UnitRule } from './units';
export { DICOM_MEDIA_TYPE } from './read-imaging';

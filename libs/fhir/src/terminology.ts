import type { Comorbidity, LabName, VitalSign } from '@lf/contracts';

/**
 * The code systems and the code tables this lib reads and writes. The README prints the same tables;
 * `terminology.spec.ts` keeps the two from drifting apart.
 */
export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const SNOMED_CT = 'http://snomed.info/sct';
export const RISK_PROBABILITY = 'http://terminology.hl7.org/CodeSystem/risk-probability';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
export const CONDITION_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
export const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';
/** Identifier system for a patient reference that is itself a URI (RFC 3986), as FHIR recommends. */
export const URI_IDENTIFIER_SYSTEM = 'urn:ietf:rfc:3986';

/** Our own canonical base for the extensions and code systems we define (see the README). */
export const LF_FHIR_BASE = 'https://late-fusion.example/fhir';
export const MODALITY_CONTRIBUTION_URL = `${LF_FHIR_BASE}/StructureDefinition/modality-contribution`;
export const CASE_STATUS_URL = `${LF_FHIR_BASE}/StructureDefinition/case-status`;
export const FUSION_STRATEGY_SYSTEM = `${LF_FHIR_BASE}/CodeSystem/fusion-strategy`;
export const OUTCOME_SYSTEM = `${LF_FHIR_BASE}/CodeSystem/outcome`;

/** What one LOINC code means for a case request. */
export type LoincTarget =
  | { kind: 'vital'; sign: VitalSign }
  | { kind: 'bp-panel' }
  | { kind: 'lab'; lab: LabName }
  | { kind: 'bmi' };

export interface LoincEntry {
  target: LoincTarget;
  display: string;
}

const vital = (sign: VitalSign, display: string): LoincEntry => ({ target: { kind: 'vital', sign }, display });
const lab = (name: LabName, display: string): LoincEntry => ({ target: { kind: 'lab', lab: name }, display });

/**
 * Observation.code LOINC codes we read. Vital signs are DESIGN.md section 5's list; the first code per
 * target is the one `caseRequestToBundle` writes.
 */
export const LOINC_CODES: Readonly<Record<string, LoincEntry>> = {
  '8867-4': vital('heartRate', 'Heart rate'),
  '9279-1': vital('respiratoryRate', 'Respiratory rate'),
  '2708-6': vital('spo2', 'Oxygen saturation in Arterial blood'),
  '59408-5': vital('spo2', 'Oxygen saturation in Arterial blood by Pulse oximetry'),
  '8310-5': vital('temperature', 'Body temperature'),
  '8480-6': vital('systolicBp', 'Systolic blood pressure'),
  '8462-4': vital('diastolicBp', 'Diastolic blood pressure'),
  '85354-9': { target: { kind: 'bp-panel' }, display: 'Blood pressure panel with all children optional' },
  '1988-5': lab('crp', 'C reactive protein [Mass/volume] in Serum or Plasma'),
  '6690-2': lab('wbc', 'Leukocytes [#/volume] in Blood by Automated count'),
  '26464-8': lab('wbc', 'Leukocytes [#/volume] in Blood'),
  '2524-7': lab('lactate', 'Lactate [Moles/volume] in Serum or Plasma'),
  '32693-4': lab('lactate', 'Lactate [Moles/volume] in Blood'),
  '2160-0': lab('creatinine', 'Creatinine [Mass/volume] in Serum or Plasma'),
  '38483-4': lab('creatinine', 'Creatinine [Mass/volume] in Blood'),
  '14682-9': lab('creatinine', 'Creatinine [Moles/volume] in Serum or Plasma'),
  '718-7': lab('hemoglobin', 'Hemoglobin [Mass/volume] in Blood'),
  '777-3': lab('platelets', 'Platelets [#/volume] in Blood by Automated count'),
  '26515-7': lab('platelets', 'Platelets [#/volume] in Blood'),
  '2951-2': lab('sodium', 'Sodium [Moles/volume] in Serum or Plasma'),
  '2947-0': lab('sodium', 'Sodium [Moles/volume] in Blood'),
  '39156-5': { target: { kind: 'bmi' }, display: 'Body mass index (BMI) [Ratio]' },
};

/** The code `caseRequestToBundle` writes for each vital sign / lab (the first listed above). */
export function loincCodeFor(target: { kind: 'vital'; sign: VitalSign } | { kind: 'lab'; lab: LabName } | { kind: 'bmi' } | { kind: 'bp-panel' }): string {
  for (const [code, entry] of Object.entries(LOINC_CODES)) {
    const t = entry.target;
    if (t.kind !== target.kind) continue;
    if (t.kind === 'vital' && target.kind === 'vital' && t.sign !== target.sign) continue;
    if (t.kind === 'lab' && target.kind === 'lab' && t.lab !== target.lab) continue;
    return code;
  }
  throw new Error(`no LOINC code for ${JSON.stringify(target)}`);
}

/**
 * SNOMED CT codes of Condition.code that set a comorbidity flag. The first code per comorbidity is the
 * one `caseRequestToBundle` writes. Only these exact codes are recognised (no subsumption: this lib has
 * no terminology server); any other Condition code is reported in `report.unknownCodes`.
 */
export const SNOMED_COMORBIDITIES: Readonly<Record<Comorbidity, readonly { code: string; display: string }[]>> = {
  copd: [{ code: '13645005', display: 'Chronic obstructive lung disease' }],
  diabetes: [
    { code: '73211009', display: 'Diabetes mellitus' },
    { code: '44054006', display: 'Diabetes mellitus type 2' },
    { code: '46635009', display: 'Diabetes mellitus type 1' },
  ],
  heartFailure: [
    { code: '84114007', display: 'Heart failure' },
    { code: '42343007', display: 'Congestive heart failure' },
  ],
  ckd: [
    { code: '709044004', display: 'Chronic kidney disease' },
    { code: '431855005', display: 'Chronic kidney disease stage 1' },
    { code: '431856006', display: 'Chronic kidney disease stage 2' },
    { code: '433144002', display: 'Chronic kidney disease stage 3' },
    { code: '431857002', display: 'Chronic kidney disease stage 4' },
    { code: '433146000', display: 'Chronic kidney disease stage 5' },
  ],
  immunosuppressed: [
    { code: '370388006', display: 'Patient immunocompromised' },
    { code: '38013005', display: 'Immunosuppression' },
  ],
  hypertension: [
    { code: '38341003', display: 'Hypertensive disorder, systemic arterial' },
    { code: '59621000', display: 'Essential hypertension' },
  ],
};

export const SNOMED_TO_COMORBIDITY: ReadonlyMap<string, Comorbidity> = new Map(
  (Object.entries(SNOMED_COMORBIDITIES) as [Comorbidity, readonly { code: string }[]][]).flatMap(([name, codes]) =>
    codes.map((c) => [c.code, name] as const),
  ),
);

export const RISK_PROBABILITY_DISPLAY = { low: 'Low likelihood', moderate: 'Moderate likelihood', high: 'High likelihood' } as const;

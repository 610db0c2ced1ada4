import { createHash } from 'node:crypto';
import { COMORBIDITIES, LAB_NAMES, VITAL_SIGN_NAMES, VITAL_SIGNS, type CaseRequest, type VitalSample, type VitalSign } from '@lf/contracts';
import type { Bundle, BundleEntry, CodeableConcept, Condition, FhirResource, Observation, ObservationComponent, Patient, Quantity, Reference } from 'fhir/r4';
import { formatFhirDate, isOffsetDateTime, parseFhirDate } from './fhir-time';
import { DICOM_MEDIA_TYPE } from './read-imaging';
import {
  CONDITION_CLINICAL,
  CONDITION_VERIFICATION,
  LOINC,
  LOINC_CODES,
  loincCodeFor,
  OBSERVATION_CATEGORY,
  SNOMED_COMORBIDITIES,
  SNOMED_CT,
  UCUM,
} from './terminology';
import { convertLabBetweenContractUnits, invertUnitRule, ucumOf, unitRulesFor, type QuantityTarget, type UnitRule } from './units';

export interface CaseRequestToBundleOptions {
  /** Default 'collection'. Transaction entries get `request: { method: 'POST' }` and reference each other by urn:uuid. */
  type?: 'collection' | 'transaction';
  /** Where the DICOM slice goes. Default 'Media'. */
  imagingResource?: 'Media' | 'Binary' | 'DocumentReference';
  /** The UCUM unit to express a vital sign, lab or BMI in (converted from the request's unit), e.g. { temperature: '[degF]' }. */
  units?: Partial<Record<QuantityTarget, string>>;
  /** Blood pressure as the 85354-9 panel (default, as the FHIR vital-signs profile does) or as separate Observations. */
  bloodPressure?: 'panel' | 'separate';
  /** Identifier.system for the patientRef (then bundleToCaseRequest reads it back as `system|value`). */
  patientIdentifierSystem?: string;
  /**
   * The assessment time, a date-time with an offset: dates the labs, BMI and Bundle.timestamp and anchors
   * the birthDate. Default: the latest vital sample's time, else 2024-07-01T12:00:00Z.
   */
  asOf?: string;
  /** A png/raw image cannot be a DICOM attachment: throw (default) or leave the image out. */
  nonDicomImaging?: 'throw' | 'omit';
  /** Seed of the deterministic urn:uuid fullUrls. Default: the patientRef. */
  idSeed?: string;
}

const DEFAULT_AS_OF = '2024-07-01T12:00:00Z';
const DISPLAY_CATEGORY = { 'vital-signs': 'Vital Signs', laboratory: 'Laboratory' } as const;

/**
 * The inverse of `bundleToCaseRequest`, for test data, the demo and the CLI: a case request (e.g. a cohort
 * case with a DICOM image) as a FHIR R4 Bundle with a Patient, vital-sign and lab Observations, comorbidity
 * Conditions and the image. `bundleToCaseRequest(caseRequestToBundle(r))` gives back r's inputs, with
 * values converted back from any alternate unit and ageYears from the birthDate written here.
 */
export function caseRequestToBundle(request: CaseRequest, options: CaseRequestToBundleOptions = {}): Bundle {
  const type = options.type ?? 'collection';
  const transaction = type === 'transaction';
  const seed = options.idSeed ?? request.patientRef;
  const entries: BundleEntry[] = [];
  const counters = new Map<string, number>();

  const add = <R extends FhirResource>(resource: R, idPrefix: string): Reference => {
    const n = entries.length;
    const count = (counters.get(idPrefix) ?? 0) + 1;
    counters.set(idPrefix, count);
    const fullUrl = `urn:uuid:${deterministicUuid(seed, n)}`;
    const id = `${idPrefix}-${count}`;
    const stored = transaction ? resource : ({ ...resource, id } as R);
    entries.push({
      fullUrl,
      resource: stored,
      ...(transaction ? { request: { method: 'POST' as const, url: resource.resourceType } } : {}),
    });
    return { reference: transaction ? fullUrl : `${resource.resourceType}/${id}` };
  };

  const samples = request.inputs.vitals?.samples ?? [];
  const asOf = options.asOf ?? latestSampleTime(samples) ?? DEFAULT_AS_OF;
  if (!isOffsetDateTime(asOf)) throw new RangeError('asOf must be a date-time with a time zone offset, e.g. 2024-07-01T12:00:00Z');

  const tabular = request.inputs.tabular;
  const patient: Patient = { resourceType: 'Patient', identifier: [identifierOf(request.patientRef, options.patientIdentifierSystem)] };
  if (tabular?.sex !== undefined) patient.gender = tabular.sex;
  if (tabular?.ageYears !== undefined) patient.birthDate = birthDateFor(tabular.ageYears, asOf);
  const subject = add(patient, 'patient');

  for (const name of COMORBIDITIES) {
    const value = tabular?.comorbidities?.[name];
    if (value === undefined) continue;
    const code = SNOMED_COMORBIDITIES[name][0];
    const condition: Condition = {
      resourceType: 'Condition',
      ...(value
        ? { clinicalStatus: concept(CONDITION_CLINICAL, 'active', 'Active') }
        : {}),
      verificationStatus: value ? concept(CONDITION_VERIFICATION, 'confirmed', 'Confirmed') : concept(CONDITION_VERIFICATION, 'refuted', 'Refuted'),
      code: { coding: [{ system: SNOMED_CT, code: code.code, display: code.display }], text: code.display },
      subject,
    };
    add(condition, 'condition');
  }

  for (const name of LAB_NAMES) {
    const lab = tabular?.labs?.[name];
    if (!lab) continue;
    const unit = options.units?.[name] ?? ucumOf(lab.unit);
    const rule = ruleFor(name, unit);
    const value = invertUnitRule(convertLabBetweenContractUnits(name, lab.value, lab.unit, rule.to), rule);
    const code = loincCodeFor({ kind: 'lab', lab: name });
    add(observation('laboratory', [code], subject, asOf, { valueQuantity: quantity(value, unit) }), 'lab');
  }
  if (tabular?.bmi !== undefined) {
    const unit = options.units?.bmi ?? 'kg/m2';
    const value = invertUnitRule(tabular.bmi, ruleFor('bmi', unit));
    add(observation('vital-signs', [loincCodeFor({ kind: 'bmi' })], subject, asOf, { valueQuantity: quantity(value, unit) }), 'bmi');
  }

  for (const sample of samples) {
    const panel = (options.bloodPressure ?? 'panel') === 'panel' && sample.systolicBp !== undefined && sample.diastolicBp !== undefined;
    for (const sign of VITAL_SIGN_NAMES) {
      const value = sample[sign];
      if (value === undefined) continue;
      if (panel && sign === 'diastolicBp') continue;
      if (panel && sign === 'systolicBp') {
        const components: ObservationComponent[] = (['systolicBp', 'diastolicBp'] as const).map((s) => ({
          code: codeOf([loincCodeFor({ kind: 'vital', sign: s })]),
          valueQuantity: vitalQuantity(s, sample[s]!, options),
        }));
        add(observation('vital-signs', [loincCodeFor({ kind: 'bp-panel' })], subject, sample.t, { component: components }), 'vital');
        continue;
      }
      const codes = sign === 'spo2' ? ['2708-6', '59408-5'] : [loincCodeFor({ kind: 'vital', sign })];
      add(observation('vital-signs', codes, subject, sample.t, { valueQuantity: vitalQuantity(sign, value, options) }), 'vital');
    }
  }

  const imaging = request.inputs.imaging;
  if (imaging) {
    if (imaging.format !== 'dicom') {
      if ((options.nonDicomImaging ?? 'throw') === 'throw') {
        throw new RangeError(`imaging format ${imaging.format} cannot be sent as a DICOM attachment (generate the cohort with imagingFormat 'dicom')`);
      }
    } else {
      const attachment = { contentType: DICOM_MEDIA_TYPE, data: imaging.data };
      switch (options.imagingResource ?? 'Media') {
        case 'Binary':
          add({ resourceType: 'Binary', ...attachment }, 'binary');
          break;
        case 'DocumentReference':
          add({ resourceType: 'DocumentReference', status: 'current', subject, content: [{ attachment }] }, 'document');
          break;
        case 'Media':
          add(
            {
              resourceType: 'Media',
              status: 'completed',
              type: concept('http://terminology.hl7.org/CodeSystem/media-type', 'image', 'Image'),
              subject,
              content: attachment,
            },
            'media',
          );
          break;
      }
    }
  }

  return { resourceType: 'Bundle', type, timestamp: asOf, entry: entries };
}

function observation(
  category: keyof typeof DISPLAY_CATEGORY,
  codes: readonly string[],
  subject: Reference,
  time: string,
  value: Pick<Observation, 'valueQuantity' | 'component'>,
): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [concept(OBSERVATION_CATEGORY, category, DISPLAY_CATEGORY[category])],
    code: codeOf(codes),
    subject,
    effectiveDateTime: time,
    ...value,
  };
}

const codeOf = (codes: readonly string[]): CodeableConcept => ({
  coding: codes.map((code) => ({ system: LOINC, code, display: LOINC_CODES[code].display })),
  text: LOINC_CODES[codes[0]].display,
});

const concept = (system: string, code: string, display: string): CodeableConcept => ({ coding: [{ system, code, display }] });

/** Converted values are rounded to 12 significant digits (no binary noise like 1.4500000000000002 in test data). */
const quantity = (value: number, unit: string): Quantity => ({ value: Number(value.toPrecision(12)), unit, system: UCUM, code: unit });

function vitalQuantity(sign: VitalSign, value: number, options: CaseRequestToBundleOptions): Quantity {
  const unit = options.units?.[sign] ?? VITAL_SIGNS[sign];
  return quantity(invertUnitRule(value, ruleFor(sign, unit)), unit);
}

function ruleFor(target: QuantityTarget, unit: string): UnitRule {
  const rules = unitRulesFor(target);
  const rule = Object.prototype.hasOwnProperty.call(rules, unit) ? rules[unit] : undefined;
  if (!rule) throw new RangeError(`${unit} is not a unit bundleToCaseRequest reads for ${target}`);
  return rule;
}

function identifierOf(patientRef: string, system: string | undefined): { system?: string; value: string } {
  if (system !== undefined) return { system, value: patientRef };
  const bar = patientRef.indexOf('|');
  if (bar > 0 && bar < patientRef.length - 1) return { system: patientRef.slice(0, bar), value: patientRef.slice(bar + 1) };
  return { value: patientRef };
}

function latestSampleTime(samples: readonly VitalSample[]): string | undefined {
  let best: { ms: number; t: string } | undefined;
  for (const sample of samples) {
    const ms = Date.parse(sample.t);
    if (!best || ms > best.ms) best = { ms, t: sample.t };
  }
  return best?.t;
}

/**
 * A birth date that makes the patient exactly `ageYears` (whole years) old on the local date of `asOf`: the day after
 * that date, ageYears + 1 years earlier (so the birthday is still to come; never an invalid 29 February).
 */
export function birthDateFor(ageYears: number, asOf: string): string {
  const reference = parseFhirDate(asOf);
  if (!reference?.month || !reference.day || !Number.isFinite(ageYears) || ageYears < 0) {
    throw new RangeError('birthDateFor needs ageYears >= 0 and a full date');
  }
  // A fractional age is written as its whole years (a FHIR date has no finer way to say it).
  const years = Math.floor(ageYears);
  const date = new Date(Date.UTC(2000, reference.month - 1, reference.day + 1));
  date.setUTCFullYear(reference.year - years - 1 + (date.getUTCFullYear() - 2000));
  return formatFhirDate({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
}

/** A version-4-shaped UUID derived from (seed, n), so the same request always gives the same Bundle. */
function deterministicUuid(seed: string, n: number): string {
  const hex = createHash('sha256').update(`${seed}\u0000${n}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

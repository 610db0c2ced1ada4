import type { LabName, VitalSign } from '@lf/contracts';
import { codings, field, isObject, pathOf, reportUnknownConcept, type BundleEntry, type JsonObject, type ParseContext } from './bundle-context';
import { readEffectiveTime, type EffectiveTime } from './fhir-time';
import { safeToken } from './read-entries';
import type { SubjectChecker } from './read-patient';
import { LOINC, LOINC_CODES, UCUM, type LoincEntry } from './terminology';
import { applyUnitRule, ucumUnitsFor, unitRulesFor, type QuantityTarget } from './units';

export interface QuantityValue {
  value: number;
  /** The contract unit the value is in now. */
  unit: string;
  valuePath: string;
  unitPath: string;
}

export interface VitalValue extends QuantityValue {
  entry: BundleEntry;
}

export interface VitalGroup {
  t: string;
  tPath: string;
  ms: number;
  values: Partial<Record<VitalSign, VitalValue>>;
}

export interface DatedValue extends QuantityValue {
  entry: BundleEntry;
  time?: EffectiveTime;
}

export interface ObservationFacts {
  /** Vital samples by epoch ms. */
  vitals: Map<number, VitalGroup>;
  labs: Partial<Record<LabName, DatedValue>>;
  bmi?: DatedValue;
}

const SKIPPED_STATUSES = new Map<unknown, string>([
  ['entered-in-error', 'status entered-in-error: not a valid result'],
  ['cancelled', 'status cancelled: no result'],
  ['registered', 'status registered: no result yet'],
]);

const VITAL_LABEL: Record<VitalSign, string> = {
  heartRate: 'heart rate',
  respiratoryRate: 'respiratory rate',
  spo2: 'SpO2',
  temperature: 'body temperature',
  systolicBp: 'systolic blood pressure',
  diastolicBp: 'diastolic blood pressure',
};

/** Reads every Observation: vital signs, the blood-pressure panel, labs and BMI by LOINC code. */
export function readObservations(ctx: ParseContext, subjects: SubjectChecker): ObservationFacts {
  const facts: ObservationFacts = { vitals: new Map(), labs: {} };
  const labCandidates = new Map<LabName, DatedValue[]>();
  const bmiCandidates: DatedValue[] = [];

  for (const entry of ctx.entries) {
    if (entry.resourceType !== 'Observation') continue;
    const { resource, path } = entry;
    const codePath = pathOf(path, 'code');
    const known = classify(field(resource, 'code'), codePath);
    if (!known) {
      if (field(resource, 'code') === undefined) ctx.error(codePath, 'missing: an Observation needs a code (LOINC)');
      else reportUnknownConcept(ctx, field(resource, 'code'), codePath);
      continue;
    }
    const skipped = SKIPPED_STATUSES.get(field(resource, 'status'));
    if (skipped) {
      ctx.ignore(pathOf(path, 'status'), skipped);
      continue;
    }
    if (!subjects.check(resource, path)) continue;
    const target = known.entry.target;
    const what = `${known.entry.display} (LOINC ${known.code})`;

    if (target.kind === 'vital' || target.kind === 'bp-panel') {
      const time = requireSampleTime(ctx, resource, path, what);
      if (!time) continue;
      if (target.kind === 'vital') {
        const quantity = readQuantity(ctx, resource, path, target.sign, what);
        if (quantity) addVital(ctx, facts.vitals, target.sign, { ...quantity, entry }, time);
        continue;
      }
      readPanel(ctx, facts.vitals, entry, time, what);
      continue;
    }

    const time = readEffectiveTime(resource, path);
    if (time && 'error' in time) {
      ctx.error(time.path, time.error);
      continue;
    }
    const quantityTarget: QuantityTarget = target.kind === 'lab' ? target.lab : 'bmi';
    const quantity = readQuantity(ctx, resource, path, quantityTarget, what);
    if (!quantity) continue;
    const dated: DatedValue = { ...quantity, entry, ...(time ? { time } : {}) };
    if (target.kind === 'bmi') bmiCandidates.push(dated);
    else if (labCandidates.has(target.lab)) labCandidates.get(target.lab)!.push(dated);
    else labCandidates.set(target.lab, [dated]);
  }

  for (const [lab, candidates] of labCandidates) facts.labs[lab] = latest(ctx, lab, candidates);
  if (bmiCandidates.length > 0) facts.bmi = latest(ctx, 'bmi', bmiCandidates);
  return facts;
}

function classify(concept: unknown, codePath: string): { code: string; entry: LoincEntry } | undefined {
  for (const coding of codings(concept, codePath)) {
    if (coding.system !== LOINC || coding.code === undefined) continue;
    const entry = Object.prototype.hasOwnProperty.call(LOINC_CODES, coding.code) ? LOINC_CODES[coding.code] : undefined;
    if (entry) return { code: coding.code, entry };
  }
  return undefined;
}

function requireSampleTime(ctx: ParseContext, resource: JsonObject, path: string, what: string): EffectiveTime | undefined {
  const time = readEffectiveTime(resource, path);
  if (time === undefined) {
    ctx.error(path, `${what} needs a time: effectiveDateTime, effectiveInstant or effectivePeriod.start`);
    return undefined;
  }
  if ('error' in time) {
    ctx.error(time.path, time.error);
    return undefined;
  }
  if (!time.hasTime) {
    ctx.error(time.path, 'a vital sign needs a date-time with a time zone offset (e.g. 2024-03-05T14:20:00+01:00), not a date');
    return undefined;
  }
  return time;
}

/** The blood-pressure panel: systolic and diastolic as components; other components are reported. */
function readPanel(ctx: ParseContext, vitals: Map<number, VitalGroup>, entry: BundleEntry, time: EffectiveTime, what: string): void {
  const componentsPath = pathOf(entry.path, 'component');
  const components = field(entry.resource, 'component');
  if (!Array.isArray(components) || components.length === 0) {
    ctx.error(componentsPath, `${what} needs components: systolic (LOINC 8480-6) and/or diastolic (LOINC 8462-4)`);
    return;
  }
  let used = 0;
  const errorsBefore = ctx.errors.length;
  components.forEach((component, j) => {
    const path = pathOf(componentsPath, j);
    if (!isObject(component)) return ctx.error(path, 'must be an object');
    const known = classify(field(component, 'code'), pathOf(path, 'code'));
    if (!known || known.entry.target.kind !== 'vital' || !['systolicBp', 'diastolicBp'].includes(known.entry.target.sign)) {
      return reportUnknownConcept(ctx, field(component, 'code'), pathOf(path, 'code'));
    }
    const sign = known.entry.target.sign;
    const quantity = readQuantity(ctx, component, path, sign, `${known.entry.display} (LOINC ${known.code})`);
    if (!quantity) return;
    addVital(ctx, vitals, sign, { ...quantity, entry }, time);
    used++;
  });
  if (used === 0 && ctx.errors.length === errorsBefore) ctx.ignore(entry.path, `${what} has no usable systolic or diastolic component`);
}

function addVital(ctx: ParseContext, vitals: Map<number, VitalGroup>, sign: VitalSign, value: VitalValue, time: EffectiveTime): void {
  let group = vitals.get(time.ms);
  if (!group) {
    group = { t: time.text, tPath: time.path, ms: time.ms, values: {} };
    vitals.set(time.ms, group);
  }
  const existing = group.values[sign];
  if (existing) {
    ctx.ignore(value.valuePath, `a second ${VITAL_LABEL[sign]} at the same time as ${existing.valuePath}: the first one is used`);
    return;
  }
  group.values[sign] = value;
}

/**
 * The value that counts when a lab (or BMI) repeats: the latest effective time wins, an undated value
 * loses to a dated one, ties go to the later entry. The others are reported as ignored.
 */
function latest(ctx: ParseContext, name: string, candidates: DatedValue[]): DatedValue {
  const order = (v: DatedValue) => v.time?.ms ?? Number.NEGATIVE_INFINITY;
  const sorted = [...candidates].sort((a, b) => order(a) - order(b) || a.entry.index - b.entry.index);
  const winner = sorted[sorted.length - 1];
  for (const loser of sorted.slice(0, -1)) {
    ctx.ignore(loser.entry.path, `${name} repeats: entry[${winner.entry.index}] is the latest and is used`);
  }
  return winner;
}

/**
 * Reads `owner.valueQuantity` for a target: a finite value, no comparator, a unit we know (UCUM
 * `code`, else the `unit` text), converted to the contract's unit with the conversion reported.
 */
export function readQuantity(ctx: ParseContext, owner: JsonObject, ownerPath: string, target: QuantityTarget, what: string): QuantityValue | undefined {
  const qPath = pathOf(ownerPath, 'valueQuantity');
  const quantity = field(owner, 'valueQuantity');
  if (quantity === undefined) {
    if (field(owner, 'dataAbsentReason') !== undefined) {
      ctx.ignore(ownerPath, `${what}: no value (dataAbsentReason)`);
      return undefined;
    }
    const other = Object.keys(owner).find((k) => /^value[A-Z]/.test(k));
    if (other) ctx.error(pathOf(ownerPath, other), `${what} must be a valueQuantity, not ${other}`);
    else ctx.error(qPath, `missing: ${what} needs a valueQuantity (or a dataAbsentReason)`);
    return undefined;
  }
  if (!isObject(quantity)) {
    ctx.error(qPath, 'must be a Quantity object');
    return undefined;
  }
  const value = field(quantity, 'value');
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    ctx.error(pathOf(qPath, 'value'), 'must be a number');
    return undefined;
  }
  const comparator = field(quantity, 'comparator');
  if (comparator !== undefined) {
    ctx.ignore(pathOf(qPath, 'comparator'), `${what}: a value with a comparator (${typeof comparator === 'string' ? safeToken(comparator) : '?'}) is not an exact measurement`);
    return undefined;
  }
  const system = field(quantity, 'system');
  const code = field(quantity, 'code');
  const unitText = field(quantity, 'unit');
  let unit: string;
  let unitPath: string;
  if (typeof code === 'string' && (system === undefined || system === UCUM)) {
    unit = code;
    unitPath = pathOf(qPath, 'code');
  } else if (typeof unitText === 'string') {
    unit = unitText;
    unitPath = pathOf(qPath, 'unit');
  } else {
    ctx.error(pathOf(qPath, 'code'), `${what} needs a unit: a UCUM code (system ${UCUM}), one of ${ucumUnitsFor(target).join(', ')}`);
    return undefined;
  }
  const rules = unitRulesFor(target);
  const rule = Object.prototype.hasOwnProperty.call(rules, unit) ? rules[unit] : undefined;
  if (!rule) {
    ctx.error(unitPath, `'${safeToken(unit)}' is not a unit we read for ${what}: use UCUM ${ucumUnitsFor(target).join(', ')}`);
    return undefined;
  }
  if (rule.fraction && (value < 0 || value > 1)) {
    ctx.error(pathOf(qPath, 'value'), `${what} in unit '${unit}' must be a fraction in 0..1 (use '%' for percent)`);
    return undefined;
  }
  if (rule.factor !== 1 || rule.offset) ctx.report.conversions.push({ path: qPath, from: unit, to: rule.to });
  return { value: applyUnitRule(value, rule), unit: rule.to, valuePath: pathOf(qPath, 'value'), unitPath };
}

import {
  caseRequestSchema,
  COMORBIDITIES,
  LAB_NAMES,
  VITAL_SIGN_NAMES,
  type CaseRequest,
  type TabularInput,
  type VitalSample,
} from '@lf/contracts';
import { basisReference, ParseContext, type BundleEntry } from './bundle-context';
import type { BundleToCaseOptions, BundleToCaseResult, FhirIssue } from './bundle-report';
import { ageInYears, parseFhirDate, type FhirDate } from './fhir-time';
import { readConditions } from './read-conditions';
import { readEntries } from './read-entries';
import { readImaging } from './read-imaging';
import { readObservations, type ObservationFacts } from './read-observations';
import { readPatient, SubjectChecker, type PatientFacts } from './read-patient';

const USED_TYPES = new Set(['Patient', 'Observation', 'Condition', 'Media', 'DocumentReference', 'Binary']);

/**
 * A FHIR R4 Bundle (`collection` or `transaction`) -> the case request a hospital would POST to
 * /v1/cases, validated against `caseRequestSchema`. Pure: no clock, no I/O, no logging (patientRef and
 * values never leave the return value). See the README for the mapping tables and rules.
 */
export function bundleToCaseRequest(bundle: unknown, options: BundleToCaseOptions = {}): BundleToCaseResult {
  const maxErrors = options.maxErrors ?? 50;
  const asOf = resolveAsOf(options.asOf);
  const read = readEntries(bundle);
  if (read.entries.length === 0) return failure(read.errors, maxErrors);

  const ctx = new ParseContext(read.entries);
  ctx.errors.push(...read.errors);
  const patient = readPatient(ctx);
  const subjects = new SubjectChecker(ctx, patient);
  const observations = readObservations(ctx, subjects);
  const comorbidities = readConditions(ctx, subjects);
  const image = readImaging(ctx, subjects);
  for (const entry of ctx.entries) {
    if (!USED_TYPES.has(entry.resourceType)) ctx.ignore(entry.path, `${entry.resourceType} is not used for a case`);
  }
  if (ctx.errors.length > 0) return failure(ctx.errors, maxErrors);

  const patientRef = patient.patientRef ?? subjects.impliedPatient?.patientRef;
  const patientRefPath = patient.patientRefPath ?? subjects.impliedPatient?.path;
  if (patientRef === undefined || patientRefPath === undefined) {
    return failure([{ path: 'entry', message: 'names no patient: add a Patient resource (or give the Observations a subject)' }], maxErrors);
  }
  ctx.sourceMap.set('patientRef', patientRefPath);
  const basis: BundleEntry[] = patient.entry ? [patient.entry] : [];
  const inputs: CaseRequest['inputs'] = {};

  if (image) {
    inputs.imaging = { format: 'dicom', data: image.data };
    ctx.sourceMap.set('inputs.imaging', image.dataPath);
    basis.push(...image.sources);
  }

  const tabular: TabularInput = {};
  const age = ageFrom(ctx, patient, observations, asOf, read.timestamp);
  if (ctx.errors.length > 0) return failure(ctx.errors, maxErrors);
  if (age !== undefined) {
    tabular.ageYears = age;
    ctx.sourceMap.set('inputs.tabular.ageYears', patient.birthDatePath!);
  }
  if (patient.sex !== undefined) {
    tabular.sex = patient.sex;
    ctx.sourceMap.set('inputs.tabular.sex', patient.sexPath!);
  }
  if (observations.bmi) {
    tabular.bmi = observations.bmi.value;
    ctx.sourceMap.set('inputs.tabular.bmi', observations.bmi.valuePath);
    basis.push(observations.bmi.entry);
  }
  const flags: NonNullable<TabularInput['comorbidities']> = {};
  for (const name of COMORBIDITIES) {
    const fact = comorbidities[name];
    if (!fact) continue;
    flags[name] = fact.value;
    ctx.sourceMap.set(`inputs.tabular.comorbidities.${name}`, fact.codePath);
    basis.push(fact.entry);
  }
  if (Object.keys(flags).length > 0) tabular.comorbidities = flags;
  const labs: Record<string, { value: number; unit: string }> = {};
  for (const name of LAB_NAMES) {
    const lab = observations.labs[name];
    if (!lab) continue;
    labs[name] = { value: lab.value, unit: lab.unit };
    ctx.sourceMap.set(`inputs.tabular.labs.${name}`, lab.valuePath);
    ctx.sourceMap.set(`inputs.tabular.labs.${name}.unit`, lab.unitPath);
    basis.push(lab.entry);
  }
  if (Object.keys(labs).length > 0) tabular.labs = labs as TabularInput['labs'];
  if (Object.keys(tabular).length > 0) {
    inputs.tabular = tabular;
    ctx.sourceMap.set('inputs.tabular', patient.entry?.path ?? 'entry');
  }

  const groups = [...observations.vitals.values()].sort((a, b) => a.ms - b.ms);
  if (groups.length > 0) {
    const samples: VitalSample[] = groups.map((group, s) => {
      const sample: VitalSample = { t: group.t };
      ctx.sourceMap.set(`inputs.vitals.samples.${s}.t`, group.tPath);
      for (const sign of VITAL_SIGN_NAMES) {
        const value = group.values[sign];
        if (!value) continue;
        sample[sign] = value.value;
        ctx.sourceMap.set(`inputs.vitals.samples.${s}.${sign}`, value.valuePath);
        basis.push(value.entry);
      }
      return sample;
    });
    inputs.vitals = { samples };
  }

  if (Object.keys(inputs).length === 0) {
    const why = ctx.report.ignored.map((i) => ({ path: i.path, message: `not used: ${i.reason}` }));
    return failure(
      [
        {
          path: 'entry',
          message:
            'holds no usable input: no vital-sign or lab Observation (by LOINC code), no Patient gender or birthDate, no comorbidity Condition and no inline DICOM image',
        },
        ...why,
      ],
      maxErrors,
    );
  }

  const request: CaseRequest = { patientRef, inputs };
  const parsed = caseRequestSchema.safeParse(request);
  if (!parsed.success) {
    return failure(
      parsed.error.issues.map((issue) => toBundleIssue(issue.path, issue.message, ctx.sourceMap)),
      maxErrors,
    );
  }
  const references = basis.map(basisReference).filter((r): r is string => r !== undefined);
  return { ok: true, request, basis: [...new Set(references)], report: ctx.report };
}

/** Maps a schema issue on the case request back to the Bundle path that produced the value. */
function toBundleIssue(path: readonly PropertyKey[], message: string, sourceMap: ReadonlyMap<string, string>): FhirIssue {
  const requestPath = path.map(String).join('.');
  for (let n = path.length; n > 0; n--) {
    const mapped = sourceMap.get(path.slice(0, n).map(String).join('.'));
    if (mapped !== undefined) return { path: mapped, message: `${message} (case field ${requestPath})` };
  }
  return { path: 'entry', message: `${message} (case field ${requestPath || 'request'})` };
}

function failure(errors: FhirIssue[], maxErrors: number): BundleToCaseResult {
  if (errors.length <= maxErrors) return { ok: false, errors };
  const kept = errors.slice(0, Math.max(1, maxErrors - 1));
  return { ok: false, errors: [...kept, { path: '', message: `and ${errors.length - kept.length} more errors` }] };
}

type FullDate = FhirDate & { month: number; day: number };
const isFullDate = (d: FhirDate | undefined): d is FullDate => d?.month !== undefined && d.day !== undefined;

function resolveAsOf(asOf: string | Date | undefined): FullDate | undefined {
  if (asOf === undefined) return undefined;
  if (asOf instanceof Date) {
    if (!Number.isFinite(asOf.getTime())) throw new RangeError('asOf must be a valid Date');
    return { year: asOf.getUTCFullYear(), month: asOf.getUTCMonth() + 1, day: asOf.getUTCDate() };
  }
  const parsed = parseFhirDate(asOf);
  if (!isFullDate(parsed)) throw new RangeError('asOf must be a FHIR date (YYYY-MM-DD) or date-time');
  return parsed;
}

/**
 * ageYears from Patient.birthDate at the reference date: the asOf option, else the local date of the
 * latest effective time among the Observations used, else Bundle.timestamp.
 */
function ageFrom(
  ctx: ParseContext,
  patient: PatientFacts,
  observations: ObservationFacts,
  asOf: FullDate | undefined,
  timestamp: string | undefined,
): number | undefined {
  const birth = patient.birthDate;
  const birthPath = patient.birthDatePath;
  if (birth === undefined || birthPath === undefined) return undefined;
  let reference = asOf;
  if (!reference) {
    const times = [
      ...[...observations.vitals.values()].map((g) => ({ ms: g.ms, text: g.t })),
      ...Object.values(observations.labs).flatMap((l) => (l?.time ? [l.time] : [])),
      ...(observations.bmi?.time ? [observations.bmi.time] : []),
    ]
      .map((t) => ({ ms: t.ms, date: parseFhirDate(t.text) }))
      .filter((t): t is { ms: number; date: FullDate } => isFullDate(t.date));
    const latest = times.sort((a, b) => b.ms - a.ms)[0];
    const stamp = timestamp !== undefined ? parseFhirDate(timestamp) : undefined;
    reference = latest?.date ?? (isFullDate(stamp) ? stamp : undefined);
  }
  if (!reference) {
    ctx.ignore(birthPath, 'no reference time for the age: no dated Observation is used, the Bundle has no timestamp and no asOf was given');
    return undefined;
  }
  const age = ageInYears(birth, reference);
  if (age < 0) {
    ctx.error(birthPath, 'is after the reference date of the case (the latest observation used, or asOf): no age can be computed');
    return undefined;
  }
  if (birth.day === undefined) {
    // Patterns, not the dates themselves: a birth date is patient data.
    ctx.report.conversions.push({
      path: birthPath,
      from: birth.month === undefined ? 'YYYY' : 'YYYY-MM',
      to: birth.month === undefined ? 'YYYY-01-01' : 'YYYY-MM-01',
    });
  }
  return age;
}

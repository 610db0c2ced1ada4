import { basisReference, field, isObject, pathOf, type BundleEntry, type JsonObject, type ParseContext } from './bundle-context';
import { parseFhirDate, type FhirDate } from './fhir-time';

const GENDERS = ['male', 'female', 'other', 'unknown'] as const;
type Gender = (typeof GENDERS)[number];

export interface PatientFacts {
  entry?: BundleEntry;
  patientRef?: string;
  patientRefPath?: string;
  sex?: Gender;
  sexPath?: string;
  birthDate?: FhirDate;
  birthDatePath?: string;
  identifiers: { system?: string; value: string }[];
}

/**
 * The Bundle's patient: at most one Patient resource. patientRef prefers a business identifier
 * (`system|value`, `usual`/`official` ones first), else `Patient/<id>`, else the entry's fullUrl.
 */
export function readPatient(ctx: ParseContext): PatientFacts {
  const patients = ctx.entries.filter((e) => e.resourceType === 'Patient');
  if (patients.length > 1) {
    ctx.error(patients[1].path, `a case is about one patient, but the Bundle holds ${patients.length} Patients (${patients.map((p) => `entry[${p.index}]`).join(', ')})`);
    return { identifiers: [] };
  }
  const entry = patients[0];
  if (!entry) return { identifiers: [] };
  const facts: PatientFacts = { entry, identifiers: [] };
  const resource = entry.resource;

  const list = field(resource, 'identifier');
  if (list !== undefined && !Array.isArray(list)) ctx.error(pathOf(entry.path, 'identifier'), 'must be an array of Identifiers');
  const candidates: { system?: string; value: string; use?: unknown; path: string }[] = [];
  if (Array.isArray(list)) {
    list.forEach((identifier, j) => {
      const path = pathOf(pathOf(entry.path, 'identifier'), j);
      if (!isObject(identifier)) return ctx.error(path, 'must be an Identifier object');
      const value = field(identifier, 'value');
      const system = field(identifier, 'system');
      if (value === undefined) return;
      if (typeof value !== 'string' || value.trim() === '') return ctx.error(pathOf(path, 'value'), 'must be a non-empty string');
      if (system !== undefined && typeof system !== 'string') return ctx.error(pathOf(path, 'system'), 'must be a URI string');
      candidates.push({ value, path, use: field(identifier, 'use'), ...(typeof system === 'string' && system !== '' ? { system } : {}) });
    });
  }
  facts.identifiers = candidates.map(({ system, value }) => ({ value, ...(system !== undefined ? { system } : {}) }));
  const rank = (c: (typeof candidates)[number]) =>
    (c.system !== undefined ? 0 : 2) + (c.use === 'usual' || c.use === 'official' ? 0 : 1) + (c.use === 'old' ? 4 : 0);
  const best = [...candidates].sort((a, b) => rank(a) - rank(b))[0];
  if (best) {
    facts.patientRef = best.system !== undefined ? `${best.system}|${best.value}` : best.value;
    facts.patientRefPath = pathOf(best.path, 'value');
  } else {
    const ref = basisReference(entry);
    if (ref !== undefined) {
      facts.patientRef = ref;
      facts.patientRefPath = entry.typeAndId !== undefined ? pathOf(entry.path, 'id') : `entry[${entry.index}].fullUrl`;
    } else {
      ctx.error(entry.path, 'the Patient needs an identifier (system and value), an id or a fullUrl to name the patient');
    }
  }

  const gender = field(resource, 'gender');
  if (gender !== undefined) {
    if (typeof gender === 'string' && (GENDERS as readonly string[]).includes(gender)) {
      facts.sex = gender as Gender;
      facts.sexPath = pathOf(entry.path, 'gender');
    } else {
      ctx.error(pathOf(entry.path, 'gender'), `must be one of ${GENDERS.join(', ')}`);
    }
  }
  const birthDate = field(resource, 'birthDate');
  if (birthDate !== undefined) {
    const parsed = typeof birthDate === 'string' ? parseFhirDate(birthDate) : undefined;
    if (parsed && typeof birthDate === 'string') {
      facts.birthDate = parsed;
      facts.birthDatePath = pathOf(entry.path, 'birthDate');
    } else {
      ctx.error(pathOf(entry.path, 'birthDate'), 'must be a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)');
    }
  }
  return facts;
}

/**
 * Checks that a resource's subject (if any) is the Bundle's patient. With a Patient entry, the reference
 * must resolve to it (fullUrl or `Patient/<id>`) or the identifier must be one of its identifiers.
 * Without one, every subject must name the same patient, and the first one becomes the patientRef.
 */
export class SubjectChecker {
  private implied?: { key: string; patientRef: string; path: string };

  constructor(
    private readonly ctx: ParseContext,
    private readonly patient: PatientFacts,
  ) {}

  /** False (with an error recorded) when the subject is someone else or malformed. */
  check(resource: JsonObject, resourcePath: string, key = 'subject'): boolean {
    const subject = field(resource, key);
    if (subject === undefined) return true;
    const path = pathOf(resourcePath, key);
    if (!isObject(subject)) {
      this.ctx.error(path, 'must be a Reference to the Patient');
      return false;
    }
    const reference = field(subject, 'reference');
    const identifier = field(subject, 'identifier');
    const system = isObject(identifier) ? field(identifier, 'system') : undefined;
    const value = isObject(identifier) ? field(identifier, 'value') : undefined;
    const patientEntry = this.patient.entry;

    if (typeof reference === 'string') {
      const target = this.ctx.resolve(reference);
      if (target && target.resourceType !== 'Patient') {
        this.ctx.error(pathOf(path, 'reference'), `must reference the Patient (it references a ${target.resourceType})`);
        return false;
      }
      if (patientEntry) {
        if (target === patientEntry) return true;
        this.ctx.error(
          pathOf(path, 'reference'),
          `does not resolve to the Bundle's Patient (entry[${patientEntry.index}]): reference it by its fullUrl or as Patient/<id>`,
        );
        return false;
      }
      if (!reference.startsWith('Patient/') && !/\/Patient\/[^/]+$/.test(reference) && !reference.startsWith('urn:')) {
        this.ctx.error(pathOf(path, 'reference'), 'must reference a Patient');
        return false;
      }
      return this.agree(reference, reference, pathOf(path, 'reference'));
    }
    if (typeof value === 'string' && value !== '') {
      const sys = typeof system === 'string' && system !== '' ? system : undefined;
      if (patientEntry) {
        if (this.patient.identifiers.some((id) => id.value === value && (sys === undefined || id.system === sys))) return true;
        this.ctx.error(pathOf(path, 'identifier'), `is not an identifier of the Bundle's Patient (entry[${patientEntry.index}])`);
        return false;
      }
      const ref = sys !== undefined ? `${sys}|${value}` : value;
      return this.agree(`identifier:${ref}`, ref, pathOf(pathOf(path, 'identifier'), 'value'));
    }
    if (reference !== undefined) this.ctx.error(pathOf(path, 'reference'), 'must be a string');
    else this.ctx.error(path, 'needs a reference or an identifier');
    return false;
  }

  /** The patientRef implied by the subjects when the Bundle has no Patient resource. */
  get impliedPatient(): { patientRef: string; path: string } | undefined {
    return this.implied;
  }

  private agree(key: string, patientRef: string, path: string): boolean {
    if (!this.implied) {
      this.implied = { key, patientRef, path };
      return true;
    }
    if (this.implied.key === key) return true;
    this.ctx.error(path, `names a different patient than ${this.implied.path}: a case is about one patient`);
    return false;
  }
}

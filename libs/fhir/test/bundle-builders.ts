import { encodeDicom } from '@lf/cohort';

/** Small hand-written FHIR resources for the parser's unit tests (plain JSON, as a hospital would send). */

export type Json = Record<string, unknown>;

export function bundle(resources: Json[], type = 'collection'): Json {
  return {
    resourceType: 'Bundle',
    type,
    entry: resources.map((resource, i) => ({
      fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      resource,
      ...(type === 'transaction' ? { request: { method: 'POST', url: resource.resourceType } } : {}),
    })),
  };
}

export function patient(extra: Json = {}): Json {
  return {
    resourceType: 'Patient',
    id: 'p1',
    identifier: [{ system: 'http://hospital.example/mrn', value: 'MRN-1' }],
    gender: 'female',
    birthDate: '1950-06-15',
    ...extra,
  };
}

let observationCounter = 0;

export function quantity(value: number, code: string, unit = code): Json {
  return { value, unit, system: 'http://unitsofmeasure.org', code };
}

export function observation(loinc: string, valueQuantity: Json | undefined, t: string | undefined, extra: Json = {}): Json {
  observationCounter++;
  return {
    resourceType: 'Observation',
    id: `o${observationCounter}`,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
    subject: { reference: 'Patient/p1' },
    ...(t !== undefined ? { effectiveDateTime: t } : {}),
    ...(valueQuantity !== undefined ? { valueQuantity } : {}),
    ...extra,
  };
}

export function bpPanel(t: string, systolic: number, diastolic: number, extraComponents: Json[] = []): Json {
  return observation('85354-9', undefined, t, {
    component: [
      { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: quantity(systolic, 'mm[Hg]') },
      { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: quantity(diastolic, 'mm[Hg]') },
      ...extraComponents,
    ],
  });
}

export function condition(snomed: string, verification?: string, clinical?: string): Json {
  return {
    resourceType: 'Condition',
    code: { coding: [{ system: 'http://snomed.info/sct', code: snomed }] },
    subject: { reference: 'Patient/p1' },
    ...(clinical ? { clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: clinical }] } } : {}),
    ...(verification
      ? { verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: verification }] } }
      : {}),
  };
}

/** A tiny but real DICOM Part 10 file (8x8 CT slice), base64. */
export function dicomBase64(seed = 1): string {
  const hu = new Int16Array(64).map((_, i) => ((i * 37 + seed * 11) % 2000) - 1000);
  return encodeDicom({
    hu,
    rows: 8,
    columns: 8,
    patientId: 'SYN-0-0',
    sopInstanceUid: `2.25.${seed}`,
    studyInstanceUid: '2.25.2',
    seriesInstanceUid: '2.25.3',
  }).toString('base64');
}

export function media(data: string | undefined, extra: Json = {}): Json {
  return {
    resourceType: 'Media',
    id: 'm1',
    status: 'completed',
    subject: { reference: 'Patient/p1' },
    content: { contentType: 'application/dicom', ...(data !== undefined ? { data } : {}) },
    ...extra,
  };
}

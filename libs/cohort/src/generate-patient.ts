import type { CaseRequest } from '@lf/contracts';
import { assertSafeInteger, resolvePatientOptions, type PatientOptions } from './cohort-options';
import type { GeneratedCase } from './generated-case';
import { buildImagingInput, pickMixedFormat } from './imaging-input';
import { applyDropout, naturalPresence } from './modality-presence';
import { patientRng } from './patient-rng';
import { renderSliceHu } from './render-slice-hu';
import { samplePatientState } from './sample-patient-state';
import { buildTabularInput } from './tabular-input';
import { buildVitalsInput } from './vitals-input';

/** The synthetic patient reference: traceable to (seed, index), identifying nobody. */
export function syntheticPatientRef(seed: number, index: number): string {
  return `SYN-${seed}-${index}`;
}

/**
 * Patient `index` of cohort `seed`: a pure function of (seed, index, options). Options change only
 * how the request looks (which modalities, image size and format), never the patient or the label.
 */
export function generatePatient(seed: number, index: number, options: PatientOptions = {}): GeneratedCase {
  assertSafeInteger('seed', seed);
  assertSafeInteger('index', index, 0);
  const opts = resolvePatientOptions(options);
  const state = samplePatientState(patientRng(seed, index, 'latent'));
  const natural = naturalPresence(patientRng(seed, index, 'presence'), state.latent.severity, opts.naturalMissingness);
  const presence = applyDropout(patientRng(seed, index, 'drop'), natural, opts.dropRate);
  const patientRef = syntheticPatientRef(seed, index);

  const inputs: CaseRequest['inputs'] = {};
  if (presence.imaging) {
    const hu = renderSliceHu(patientRng(seed, index, 'imaging'), state.latent.respiratory, opts.imageSize);
    const format = opts.imagingFormat === 'mixed' ? pickMixedFormat(patientRng(seed, index, 'imagingFormat')) : opts.imagingFormat;
    inputs.imaging = buildImagingInput(hu, opts.imageSize, format, { seed, index, patientRef });
  }
  if (presence.tabular) inputs.tabular = buildTabularInput(patientRng(seed, index, 'tabular'), state);
  if (presence.vitals) inputs.vitals = buildVitalsInput(patientRng(seed, index, 'vitals'), state);

  return { label: state.label, request: { patientRef, inputs }, latent: state.latent };
}

import { assertSafeInteger, resolvePatientOptions, type CohortOptions } from './cohort-options';
import type { GeneratedCase } from './generated-case';
import { generatePatient } from './generate-patient';

/**
 * Streams patients 0..n-1 of cohort `seed`. A generator, so 10k cases (a few GB of base64 images)
 * never sit in memory at once; options are validated before the first case is produced.
 */
export function generateCohort(options: CohortOptions): Generator<GeneratedCase> {
  assertSafeInteger('seed', options.seed);
  assertSafeInteger('n', options.n, 0);
  const { seed, n, ...patientOptions } = options;
  const resolved = resolvePatientOptions(patientOptions);
  return (function* () {
    for (let index = 0; index < n; index++) yield generatePatient(seed, index, resolved);
  })();
}

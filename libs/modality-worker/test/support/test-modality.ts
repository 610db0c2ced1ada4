import { PreprocessingError } from '@lf/preprocessing';
import type { ModalityDefinition } from '../../src/modality-definition';
import { TEST_FEATURES } from './write-model-version';

/**
 * A minimal modality for host tests: input `{ values: number[4], patientRef? }`. A value above 1000 is
 * "impossible" (PreprocessingError), like a heart rate of 900/min.
 */
export const testModality: ModalityDefinition = {
  name: 'testmod',
  modelName: 'testmod',
  defaultOpsPort: 3999,
  preprocess(input) {
    const values = (input as { values?: unknown }).values;
    if (!Array.isArray(values) || values.length !== TEST_FEATURES || !values.every((v) => typeof v === 'number')) {
      throw new PreprocessingError('invalid_value', 'inputs.testmod.values', `must be ${TEST_FEATURES} numbers`);
    }
    const bad = values.findIndex((v) => v > 1000);
    if (bad >= 0) throw new PreprocessingError('impossible_value', `inputs.testmod.values[${bad}]`, 'is above 1000');
    return { tensor: Float32Array.from(values), shape: [TEST_FEATURES], qualityFlags: values.includes(0) ? ['has_zero'] : [] };
  },
};

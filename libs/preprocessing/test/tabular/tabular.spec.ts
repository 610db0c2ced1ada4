import type { TabularInput } from '@lf/contracts';
import { TABULAR_FEATURES, Z_CLIP, fitTabularStats, preprocessTabular, type TabularStats } from '../../src';
import { expectPreprocessingError } from '../fixtures/expect-preprocessing-error';

const E = Math.E;
// log1p(crp) = 0, 1, 2 and age 40/60/80: medians and means are 1 and 60, stds sqrt(2/3) and sqrt(800/3).
const training: TabularInput[] = [
  { ageYears: 40, sex: 'female', bmi: 20, labs: { crp: { value: 0, unit: 'mg/L' }, sodium: { value: 130, unit: 'mmol/L' } } },
  { ageYears: 60, sex: 'male', bmi: 25, labs: { crp: { value: (E - 1) / 10, unit: 'mg/dL' }, sodium: { value: 140, unit: 'mmol/L' } } },
  { ageYears: 80, bmi: 36, labs: { crp: { value: E * E - 1, unit: 'mg/L' }, sodium: { value: 150, unit: 'mmol/L' } } },
  { comorbidities: { copd: true } },
];
const at = (name: string) => TABULAR_FEATURES.indexOf(name);

describe('TABULAR_FEATURES', () => {
  it('lists 28 features: values in contract order, then one missingness indicator per group', () => {
    expect(TABULAR_FEATURES).toEqual([
      'ageYears', 'sex.female', 'sex.male', 'bmi',
      'comorbidity.copd', 'comorbidity.diabetes', 'comorbidity.heartFailure', 'comorbidity.ckd',
      'comorbidity.immunosuppressed', 'comorbidity.hypertension',
      'crp', 'wbc', 'lactate', 'creatinine', 'hemoglobin', 'platelets', 'sodium',
      'missing.ageYears', 'missing.sex', 'missing.bmi', 'missing.comorbidities',
      'missing.crp', 'missing.wbc', 'missing.lactate', 'missing.creatinine', 'missing.hemoglobin', 'missing.platelets', 'missing.sodium',
    ]);
  });
});

describe('fitTabularStats', () => {
  const stats = fitTabularStats(training);

  it('fits median, mean and std on observed values after unit conversion and log1p', () => {
    expect(stats.numeric.crp.transform).toBe('log1p');
    expect(stats.numeric.crp.median).toBeCloseTo(1, 12);
    expect(stats.numeric.crp.mean).toBeCloseTo(1, 12);
    expect(stats.numeric.crp.std).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(stats.numeric.crp.count).toBe(3);
    expect(stats.numeric.ageYears).toMatchObject({ median: 60, mean: 60, transform: 'identity', count: 3 });
    expect(stats.numeric.ageYears.std).toBeCloseTo(Math.sqrt(800 / 3), 12);
    expect(stats.numeric.bmi.median).toBe(25);
    expect(stats.fittedOn).toBe(4);
  });

  it('falls back to a reference value for a feature never observed', () => {
    expect(stats.numeric.lactate).toMatchObject({ count: 0, median: Math.log1p(1.2), mean: Math.log1p(1.2), std: 1 });
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
  });

  it('names the training input that is invalid', () => {
    const e = expectPreprocessingError(
      () => fitTabularStats([...training, { labs: { lactate: { value: 50, unit: 'mmol/L' } } }]),
      'impossible_value',
      'inputs.tabular.labs.lactate.value',
    );
    expect(e.reason).toContain('training input 4');
  });
});

describe('preprocessTabular', () => {
  const stats = fitTabularStats(training);

  it('standardizes numeric features, one-hot encodes sex and keeps comorbidities binary', () => {
    const out = preprocessTabular(
      {
        ageYears: 70,
        sex: 'female',
        bmi: 25,
        comorbidities: { copd: true, diabetes: false },
        labs: { crp: { value: E - 1, unit: 'mg/L' }, sodium: { value: 140, unit: 'mmol/L' } },
      },
      stats,
    );
    expect(out.featureNames).toEqual(TABULAR_FEATURES);
    expect(out.tensor.length).toBe(28);
    expect(out.tensor[at('ageYears')]).toBeCloseTo(10 / Math.sqrt(800 / 3), 6);
    expect(out.tensor[at('crp')]).toBeCloseTo(0, 6);
    expect(out.tensor[at('sex.female')]).toBe(1);
    expect(out.tensor[at('sex.male')]).toBe(0);
    expect(out.tensor[at('comorbidity.copd')]).toBe(1);
    expect(out.tensor[at('comorbidity.ckd')]).toBe(0); // not reported inside a reported block: absent
    expect(out.tensor[at('missing.comorbidities')]).toBe(0);
    expect(out.tensor[at('missing.ageYears')]).toBe(0);
    expect(out.tensor[at('missing.lactate')]).toBe(1);
  });

  it('imputes the training median (then standardizes) and sets the indicator for every missing value', () => {
    const out = preprocessTabular({}, stats);
    expect(out.tensor[at('ageYears')]).toBeCloseTo(0, 6); // median 60 == mean 60
    // bmi median 25, mean 27, std sqrt(((20-27)^2 + (25-27)^2 + (36-27)^2) / 3)
    expect(out.tensor[at('bmi')]).toBeCloseTo((25 - 27) / Math.sqrt(134 / 3), 6);
    expect(out.tensor[at('lactate')]).toBe(0); // never-observed feature: reference median == mean
    for (const name of TABULAR_FEATURES.filter((n) => n.startsWith('missing.'))) expect(out.tensor[at(name)]).toBe(1);
    for (const name of ['sex.female', 'sex.male', 'comorbidity.copd']) expect(out.tensor[at(name)]).toBe(0);
    expect(out.qualityFlags).toEqual(expect.arrayContaining(['no_labs', 'sparse']));
  });

  it("treats sex 'unknown' as missing and 'other' as known but neither one-hot", () => {
    const unknown = preprocessTabular({ sex: 'unknown' }, stats);
    const other = preprocessTabular({ sex: 'other' }, stats);
    expect([unknown.tensor[at('sex.female')], unknown.tensor[at('sex.male')], unknown.tensor[at('missing.sex')]]).toEqual([0, 0, 1]);
    expect([other.tensor[at('sex.female')], other.tensor[at('sex.male')], other.tensor[at('missing.sex')]]).toEqual([0, 0, 0]);
  });

  it.each([
    ['crp', { value: 1.5, unit: 'mg/dL' }, { value: 15, unit: 'mg/L' }],
    ['wbc', { value: 12.3, unit: '10^3/uL' }, { value: 12.3, unit: '10^9/L' }],
    ['lactate', { value: 18.016, unit: 'mg/dL' }, { value: 2, unit: 'mmol/L' }],
    ['creatinine', { value: 88.42, unit: 'umol/L' }, { value: 1, unit: 'mg/dL' }],
    ['hemoglobin', { value: 120, unit: 'g/L' }, { value: 12, unit: 'g/dL' }],
    ['platelets', { value: 250, unit: '10^3/uL' }, { value: 250, unit: '10^9/L' }],
  ])('converts %s units to the canonical unit', (lab, alternative, canonical) => {
    const a = preprocessTabular({ labs: { [lab]: alternative } } as TabularInput, stats);
    const b = preprocessTabular({ labs: { [lab]: canonical } } as TabularInput, stats);
    expect(a.tensor[at(lab)]).toBeCloseTo(b.tensor[at(lab)], 6);
  });

  it('applies log1p to the skewed labs before standardizing', () => {
    const out = preprocessTabular({ labs: { crp: { value: E * E * E - 1, unit: 'mg/L' } } }, stats);
    expect(out.tensor[at('crp')]).toBeCloseTo((3 - 1) / Math.sqrt(2 / 3), 6);
  });

  it('clips extreme z-scores and flags them', () => {
    const narrow = fitTabularStats([{ labs: { sodium: { value: 140, unit: 'mmol/L' } } }, { labs: { sodium: { value: 141, unit: 'mmol/L' } } }]);
    const out = preprocessTabular({ labs: { sodium: { value: 190, unit: 'mmol/L' } } }, narrow);
    expect(out.tensor[at('sodium')]).toBe(Z_CLIP);
    expect(out.qualityFlags).toContain('outlier_clipped');
  });

  it('gives the same vector with stats that went through JSON (the model manifest)', () => {
    const input: TabularInput = { ageYears: 50, labs: { crp: { value: 12, unit: 'mg/L' } } };
    const revived = JSON.parse(JSON.stringify(stats)) as TabularStats;
    expect(Array.from(preprocessTabular(input, revived).tensor)).toEqual(Array.from(preprocessTabular(input, stats).tensor));
  });

  it.each([
    [{ labs: { crp: { value: -1, unit: 'mg/L' } } }, 'impossible_value', 'inputs.tabular.labs.crp.value', 'crp -1 mg/L is outside 0..1000 mg/L'],
    [{ labs: { lactate: { value: 41, unit: 'mmol/L' } } }, 'impossible_value', 'inputs.tabular.labs.lactate.value', 'lactate 41 mmol/L is outside 0..40 mmol/L'],
    [
      { labs: { lactate: { value: 400, unit: 'mg/dL' } } },
      'impossible_value',
      'inputs.tabular.labs.lactate.value',
      'lactate 400 mg/dL (44.4 mmol/L) is outside 0..40 mmol/L',
    ],
    [{ labs: { sodium: { value: 80, unit: 'mmol/L' } } }, 'impossible_value', 'inputs.tabular.labs.sodium.value', 'sodium 80 mmol/L is outside 90..200 mmol/L'],
    [{ labs: { hemoglobin: { value: 400, unit: 'g/L' } } }, 'impossible_value', 'inputs.tabular.labs.hemoglobin.value', undefined],
    [{ ageYears: 130 }, 'impossible_value', 'inputs.tabular.ageYears', 'ageYears 130 years is outside 0..120 years'],
    [{ bmi: 3 }, 'impossible_value', 'inputs.tabular.bmi', undefined],
    [{ ageYears: NaN }, 'not_a_number', 'inputs.tabular.ageYears', undefined],
    [{ labs: { wbc: { value: Infinity, unit: '10^9/L' } } }, 'not_a_number', 'inputs.tabular.labs.wbc.value', undefined],
    [{ labs: { wbc: { value: '7', unit: '10^9/L' } } }, 'not_a_number', 'inputs.tabular.labs.wbc.value', undefined],
    [{ labs: { crp: { value: 5, unit: 'g/L' } } }, 'unsupported_unit', 'inputs.tabular.labs.crp.unit', 'must be one of mg/L, mg/dL'],
    [{ sex: 'f' }, 'invalid_value', 'inputs.tabular.sex', undefined],
    [{ comorbidities: { copd: 'yes' } }, 'invalid_value', 'inputs.tabular.comorbidities.copd', undefined],
  ])('rejects %j with %s at %s', (input, code, field, reason) => {
    const e = expectPreprocessingError(() => preprocessTabular(input as unknown as TabularInput, stats), code as never, field);
    if (reason) expect(e.reason).toBe(reason);
  });

  it('rejects stats fitted for another layout', () => {
    expectPreprocessingError(() => preprocessTabular({}, { ...stats, featureNames: ['x'] }), 'invalid_spec', 'stats');
  });
});

import { LAB_UNIT_FACTORS, LAB_UNITS, VITAL_SIGN_NAMES, type LabName, type TabularInput, type VitalSample } from '@lf/contracts';
import fc from 'fast-check';
import {
  NUMERIC_FEATURE_SPECS,
  VITAL_RANGES,
  fitTabularStats,
  fitVitalsStats,
  preprocessImaging,
  preprocessTabular,
  preprocessVitals,
  type ImagingSpec,
  type VitalsSpec,
} from '../src';
import { dicomBase64 } from './fixtures/dicom-fixture';
import { grayPngBase64 } from './fixtures/png-fixture';
import { rawBase64 } from './fixtures/raw-fixture';

const allFinite = (a: Float32Array) => a.every((v) => Number.isFinite(v));

const imagingSpec: fc.Arbitrary<ImagingSpec> = fc.record({
  size: fc.integer({ min: 1, max: 40 }),
  windowCenter: fc.double({ min: -3000, max: 3000, noNaN: true }),
  windowWidth: fc.double({ min: 1e-3, max: 10_000, noNaN: true }),
});
const dims = fc.record({ width: fc.integer({ min: 1, max: 48 }), height: fc.integer({ min: 1, max: 48 }) });
const nonZeroSlope = fc.double({ min: -1000, max: 1000, noNaN: true }).filter((v) => Math.abs(v) > 1e-9);

const rawInput = dims.chain(({ width, height }) =>
  fc.constantFrom('int16', 'uint16', 'float32', 'uint8').chain((dtype) => {
    const n = width * height;
    const value =
      dtype === 'int16'
        ? fc.integer({ min: -32768, max: 32767 })
        : dtype === 'uint16'
          ? fc.integer({ min: 0, max: 65535 })
          : dtype === 'uint8'
            ? fc.integer({ min: 0, max: 255 })
            : fc.float({ noNaN: true, noDefaultInfinity: true });
    return fc.record({
      values: fc.array(value, { minLength: n, maxLength: n }),
      slope: nonZeroSlope,
      intercept: fc.double({ min: -5000, max: 5000, noNaN: true }),
    }).map(({ values, slope, intercept }) => ({
      format: 'raw' as const,
      dtype,
      width,
      height,
      data: rawBase64(dtype, values),
      rescaleSlope: slope,
      rescaleIntercept: intercept,
    }));
  }),
);

const pngInput = dims.chain(({ width, height }) =>
  fc.constantFrom(8 as const, 16 as const).chain((depth) =>
    fc
      .record({
        values: fc.array(fc.integer({ min: 0, max: 2 ** depth - 1 }), { minLength: width * height, maxLength: width * height }),
        windowCenter: fc.double({ min: -2000, max: 2000, noNaN: true }),
        windowWidth: fc.double({ min: 1, max: 4000, noNaN: true }),
      })
      .map(({ values, windowCenter, windowWidth }) => ({
        format: 'png' as const,
        data: grayPngBase64(width, height, values, depth),
        windowCenter,
        windowWidth,
      })),
  ),
);

const dicomInput = dims.chain(({ width, height }) =>
  fc
    .record({
      bitsAllocated: fc.constantFrom(8 as const, 16 as const),
      pixelRepresentation: fc.constantFrom(0 as const, 1 as const),
      photometric: fc.constantFrom('MONOCHROME1', 'MONOCHROME2'),
      transferSyntax: fc.constantFrom('1.2.840.10008.1.2', '1.2.840.10008.1.2.1'),
      values: fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: width * height, maxLength: width * height }),
      slope: fc.integer({ min: 1, max: 4 }),
      intercept: fc.integer({ min: -2048, max: 1024 }),
    })
    .map((r) => ({
      format: 'dicom' as const,
      data: dicomBase64({
        rows: height,
        columns: width,
        pixels: r.values,
        bitsAllocated: r.bitsAllocated,
        pixelRepresentation: r.pixelRepresentation,
        photometric: r.photometric,
        transferSyntax: r.transferSyntax,
        rescaleSlope: r.slope,
        rescaleIntercept: r.intercept,
      }),
    })),
);

const labNames = Object.keys(LAB_UNITS) as LabName[];
const labValue = (lab: LabName) => {
  const { min, max } = NUMERIC_FEATURE_SPECS[lab];
  // A hair inside the range so the unit round trip (value / factor * factor) cannot step outside it.
  const margin = (max - min) * 1e-9;
  return fc
    .record({
      unit: fc.constantFrom(...(LAB_UNITS[lab] as readonly string[])),
      canonical: fc.double({ min: min + margin, max: max - margin, noNaN: true }),
    })
    .map(({ unit, canonical }) => ({ unit, value: canonical * (LAB_UNIT_FACTORS[lab] as Record<string, number>)[unit] }));
};
const tabularInput: fc.Arbitrary<TabularInput> = fc.record(
  {
    ageYears: fc.double({ min: 0, max: 120, noNaN: true }),
    sex: fc.constantFrom('female', 'male', 'other', 'unknown'),
    bmi: fc.double({ min: 8, max: 90, noNaN: true }),
    comorbidities: fc.record(
      { copd: fc.boolean(), diabetes: fc.boolean(), heartFailure: fc.boolean(), ckd: fc.boolean(), immunosuppressed: fc.boolean(), hypertension: fc.boolean() },
      { requiredKeys: [] },
    ),
    labs: fc.record(Object.fromEntries(labNames.map((l) => [l, labValue(l)])), { requiredKeys: [] }),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<TabularInput>;

const T0 = Date.UTC(2024, 0, 1);
const vitalSample: fc.Arbitrary<VitalSample> = fc
  .record({
    minutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
    values: fc.record(
      Object.fromEntries(VITAL_SIGN_NAMES.map((n) => [n, fc.double({ min: VITAL_RANGES[n].min, max: VITAL_RANGES[n].max, noNaN: true })])),
      { requiredKeys: [] },
    ),
  })
  .map(({ minutes, values }) => ({ t: new Date(T0 + minutes * 60_000).toISOString(), ...values }) as VitalSample);
const vitalsInput = fc
  .array(vitalSample, { minLength: 1, maxLength: 40 })
  .filter((samples) => samples.some((s) => VITAL_SIGN_NAMES.some((n) => s[n] !== undefined)))
  .map((samples) => ({ samples }));
const vitalsSpec: fc.Arbitrary<VitalsSpec> = fc.constantFrom({ hours: 24, stepMinutes: 60 }, { hours: 6, stepMinutes: 15 }, { hours: 48, stepMinutes: 120 });

describe('preprocessing never returns NaN or Infinity for valid input', () => {
  it('imaging (raw, png, dicom)', () => {
    fc.assert(
      fc.property(fc.oneof(rawInput, pngInput, dicomInput), imagingSpec, (input, spec) => {
        const out = preprocessImaging(input, spec);
        expect(out.tensor.length).toBe(spec.size * spec.size);
        expect(allFinite(out.tensor)).toBe(true);
        expect(out.tensor.every((v) => v >= 0 && v <= 1)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('tabular, with stats fitted on arbitrary (even degenerate) training sets', () => {
    fc.assert(
      fc.property(fc.array(tabularInput, { maxLength: 8 }), tabularInput, (train, input) => {
        const out = preprocessTabular(input, fitTabularStats(train));
        expect(allFinite(out.tensor)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('vitals, and the result does not depend on sample order', () => {
    fc.assert(
      fc.property(fc.array(vitalsInput, { maxLength: 4 }), vitalsInput, vitalsSpec, (train, input, spec) => {
        const stats = fitVitalsStats(train, spec);
        const out = preprocessVitals(input, spec, stats);
        expect(allFinite(out.tensor)).toBe(true);
        const shuffled = preprocessVitals({ samples: [...input.samples].reverse() }, spec, stats);
        expect(Array.from(shuffled.tensor)).toEqual(Array.from(out.tensor));
      }),
      { numRuns: 150 },
    );
  });
});

import type { FusedRisk, ModalityEvidence } from '@lf/contracts';
import fc from 'fast-check';
import { attentionFusion, type AttentionRunner } from './attention.strategy';
import type { FusionContext } from './fusion-context';
import { logOddsFusion } from './log-odds.strategy';
import { stackingFusion, type StackingParams } from './stacking.strategy';
import { weightedMeanFusion } from './weighted-mean.strategy';

/**
 * Invariants every strategy must keep, whatever the evidence: these are what the aggregator relies on
 * when modalities go missing, fail, arrive late or come back in any order.
 */
const NAMES = ['imaging', 'tabular', 'vitals', 'notes', 'genomics'] as const;
const context: FusionContext = { prior: 0.12, riskBands: { moderate: 0.1, high: 0.4 } };

const probability = fc.double({ min: 0, max: 1, noNaN: true });
const itemFor = (modality: string): fc.Arbitrary<ModalityEvidence> =>
  fc.oneof(
    { weight: 4, arbitrary: probability.map((p) => ({ modality, status: 'ok' as const, probability: p, logit: 0.3 })) },
    {
      weight: 2,
      arbitrary: fc.constantFrom('missing', 'failed', 'invalid', 'late').map((status) => ({ modality, status }) as ModalityEvidence),
    },
    // An 'ok' record without a usable probability, and a failure that still carries a stale one.
    { weight: 1, arbitrary: fc.constantFrom(Number.NaN, 1.5, -0.1, undefined).map((p) => ({ modality, status: 'ok' as const, probability: p })) },
    { weight: 1, arbitrary: probability.map((p) => ({ modality, status: 'failed' as const, probability: p })) },
  );
const evidenceArb = fc.shuffledSubarray([...NAMES]).chain((names) =>
  names.length === 0 ? fc.constant([] as ModalityEvidence[]) : fc.tuple(...names.map(itemFor)),
);
const weightsArb = fc.dictionary(fc.constantFrom(...NAMES), fc.double({ min: 0, max: 5, noNaN: true }));
const stackingArb: fc.Arbitrary<StackingParams> = fc.record({
  intercept: fc.double({ min: -3, max: 3, noNaN: true }),
  logitCoef: fc.record(Object.fromEntries(NAMES.map((m) => [m, fc.double({ min: 0, max: 3, noNaN: true })]))),
  presenceCoef: fc.record(Object.fromEntries(NAMES.map((m) => [m, fc.double({ min: -2, max: 2, noNaN: true })]))),
});

const isPresent = (e: ModalityEvidence) =>
  e.status === 'ok' && typeof e.probability === 'number' && e.probability >= 0 && e.probability <= 1;

/** A stand-in for the ONNX module: masked softmax over confidence (|z|) plus a per-modality bias. */
const fakeAttention: AttentionRunner = async ({ calibratedLogits, mask, modalities }) => {
  const bias: Record<string, number> = { imaging: 0.5, tabular: 0.2, vitals: -0.1, notes: 0, genomics: -0.5 };
  const scores = modalities.map((m, i) => (mask[i] > 0 ? 0.4 * Math.abs(calibratedLogits[i]) + bias[m] : -Infinity));
  const max = Math.max(...scores);
  const e = scores.map((s) => (s === -Infinity ? 0 : Math.exp(s - max)));
  const total = e.reduce((a, b) => a + b, 0);
  const weights = e.map((v) => v / total);
  return { fusedLogit: 0.1 + weights.reduce((a, w, i) => a + w * calibratedLogits[i], 0), weights };
};

type Strategy = { name: string; monotone: boolean; run: (evidence: ModalityEvidence[]) => Promise<FusedRisk> };
const strategies = (weights: Record<string, number>, stacking: StackingParams): Strategy[] => [
  { name: 'weighted-mean', monotone: true, run: async (e) => weightedMeanFusion(e, { ...context, weights }) },
  { name: 'log-odds', monotone: true, run: async (e) => logOddsFusion(e, { ...context, weights }) },
  { name: 'log-odds (renormalized)', monotone: true, run: async (e) => logOddsFusion(e, { ...context, weights, renormalize: true }) },
  { name: 'stacking', monotone: true, run: async (e) => stackingFusion(e, { ...context, ...stacking }) },
  {
    name: 'attention',
    monotone: false,
    run: (e) => attentionFusion(e, { ...context, modalities: ['vitals', 'genomics', 'imaging', 'notes', 'tabular'] }, fakeAttention),
  },
];
const STRATEGY_NAMES = strategies({}, { intercept: 0, logitCoef: {}, presenceCoef: {} }).map((s) => s.name);
const byModality = (r: FusedRisk) => Object.fromEntries(r.contributions.map((c) => [c.modality, c]));

describe.each(STRATEGY_NAMES)('%s: properties', (name) => {
  const pick = (w: Record<string, number>, s: StackingParams) => strategies(w, s).find((x) => x.name === name)!;

  it('probability in [0, 1]; contributions in input order; absent evidence has zero weight; present weights sum to 1', async () => {
    await fc.assert(
      fc.asyncProperty(evidenceArb, weightsArb, stackingArb, async (evidence, weights, stacking) => {
        const fused = await pick(weights, stacking).run(evidence);
        expect(fused.probability).toBeGreaterThanOrEqual(0);
        expect(fused.probability).toBeLessThanOrEqual(1);
        expect(fused.contributions.map((c) => [c.modality, c.status])).toEqual(evidence.map((e) => [e.modality, e.status]));
        const present = evidence.map(isPresent);
        expect(fused.degraded).toBe(present.some((p) => !p) || evidence.length === 0);
        let sum = 0;
        fused.contributions.forEach((c, i) => {
          expect(c.weight).toBeGreaterThanOrEqual(0);
          expect(c.weight).toBeLessThanOrEqual(1);
          if (!present[i]) expect([c.weight, c.contribution]).toEqual([0, 0]);
          sum += c.weight;
        });
        if (present.some(Boolean)) expect(sum).toBeCloseTo(1, 12);
        else expect(fused.probability).toBe(context.prior);
      }),
    );
  });

  it('does not depend on the order of the evidence', async () => {
    await fc.assert(
      fc.asyncProperty(
        evidenceArb.chain((e) => fc.tuple(fc.constant(e), fc.shuffledSubarray(e, { minLength: e.length }))),
        weightsArb,
        stackingArb,
        async ([evidence, shuffled], weights, stacking) => {
          const strategy = pick(weights, stacking);
          const a = await strategy.run(evidence);
          const b = await strategy.run(shuffled);
          expect(Object.is(a.probability, b.probability)).toBe(true);
          expect(byModality(b)).toEqual(byModality(a));
        },
      ),
    );
  });

  it('a missing/failed modality is ignored: same probability as without it, the rest renormalised', async () => {
    await fc.assert(
      fc.asyncProperty(
        evidenceArb.filter((e) => e.length > 0),
        fc.nat(),
        fc.constantFrom('missing', 'failed', 'invalid', 'late' as const),
        weightsArb,
        stackingArb,
        async (evidence, index, status, weights, stacking) => {
          const strategy = pick(weights, stacking);
          const k = index % evidence.length;
          const knockedOut = evidence.map((e, i) => (i === k ? { modality: e.modality, status } : e)) as ModalityEvidence[];
          const without = evidence.filter((_, i) => i !== k);
          const a = await strategy.run(knockedOut);
          const b = await strategy.run(without);
          expect(a.probability).toBe(b.probability);
          expect(a.degraded).toBe(true);
          const rest = byModality(a);
          delete rest[evidence[k].modality];
          const expected = byModality(b);
          for (const m of Object.keys(expected)) expect(rest[m]).toMatchObject({ weight: expected[m].weight, contribution: expected[m].contribution });
        },
      ),
    );
  });
});

describe.each(['weighted-mean', 'log-odds', 'log-odds (renormalized)', 'stacking'])('%s: monotone', (name) => {
  it('raising one modality’s probability never lowers the fused probability', async () => {
    await fc.assert(
      fc.asyncProperty(
        evidenceArb.filter((e) => e.some(isPresent)),
        fc.nat(),
        probability,
        weightsArb,
        stackingArb,
        async (evidence, index, other, weights, stacking) => {
          const strategy = strategies(weights, stacking).find((s) => s.name === name)!;
          const presentIdx = evidence.map((e, i) => (isPresent(e) ? i : -1)).filter((i) => i >= 0);
          const k = presentIdx[index % presentIdx.length];
          const p = evidence[k].probability!;
          const [lo, hi] = p <= other ? [p, other] : [other, p];
          const withP = (q: number) => evidence.map((e, i) => (i === k ? { ...e, probability: q } : e));
          const low = await strategy.run(withP(lo));
          const high = await strategy.run(withP(hi));
          expect(high.probability).toBeGreaterThanOrEqual(low.probability);
        },
      ),
    );
  });
});

describe('weighted-mean: a single present modality', () => {
  it('returns exactly its own calibrated probability, with weight 1', () => {
    fc.assert(
      fc.property(evidenceArb, fc.nat(), probability, weightsArb, (evidence, index, p, weights) => {
        fc.pre(evidence.length > 0);
        const k = index % evidence.length;
        const only = evidence.map((e, i) => (i === k ? { modality: e.modality, status: 'ok' as const, probability: p } : { modality: e.modality, status: 'missing' as const }));
        const fused = weightedMeanFusion(only, { ...context, weights });
        expect(fused.probability).toBe(p);
        expect(fused.contributions[k].weight).toBe(1);
      }),
    );
  });
});

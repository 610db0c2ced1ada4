import { absent, ok } from './testing/evidence';
import { effectiveStrategy, fuse, modalitiesUnknownToStrategy, type FusionParams } from './fuse';
import { fusionParamsSchema } from './fusion-params.schema';
import { logOddsFusion } from './strategies/log-odds.strategy';
import { stackingFusion } from './strategies/stacking.strategy';
import { weightedMeanFusion } from './strategies/weighted-mean.strategy';

const params: FusionParams = {
  prior: 0.1,
  riskBands: { moderate: 0.2, high: 0.5 },
  weightedMean: { weights: { imaging: 1, tabular: 1 } },
  logOdds: { weights: { imaging: 1, tabular: 1 } },
  stacking: { intercept: 0, logitCoef: { imaging: 1, tabular: 1 }, presenceCoef: {} },
  attention: { modalities: ['imaging', 'tabular'] },
};
const evidence = [ok('imaging', 0.25), ok('tabular', 0.25)];

describe('fuse', () => {
  it('dispatches to each strategy', async () => {
    expect((await fuse('weighted-mean', evidence, params)).probability).toBeCloseTo(0.25, 14);
    expect((await fuse('log-odds', evidence, params)).probability).toBeCloseTo(0.5, 12);
    expect((await fuse('stacking', evidence, params)).probability).toBeCloseTo(0.1, 12); // odds (1/3)^2 = 1/9
    const attention = async () => ({ fusedLogit: 0, weights: [0.5, 0.5] });
    expect(await fuse('attention', evidence, params, { attention })).toMatchObject({ strategy: 'attention', probability: 0.5 });
  });

  it('lets logOdds carry its own prior (pooling centre)', async () => {
    const fused = await fuse('log-odds', [ok('imaging', 0.25), absent('tabular')], { ...params, logOdds: { prior: 0.25, weights: {} } });
    expect(fused.probability).toBeCloseTo(0.25, 12);
  });

  it('fails clearly when a strategy is not configured or has no runner', async () => {
    await expect(fuse('stacking', evidence, { prior: 0.1, riskBands: params.riskBands })).rejects.toThrow(/params.stacking/);
    await expect(fuse('attention', evidence, params)).rejects.toThrow(/no attention runner/);
  });

  describe('a present modality a learned strategy was not trained on (added through the registry later)', () => {
    const withNotes = [...evidence, ok('notes', 0.9)];
    const attention = jest.fn(async () => ({ fusedLogit: 0, weights: [0.5, 0.5] }));

    it('falls back to log-odds pooling over every present modality, the unknown one at the default weight', async () => {
      for (const requested of ['stacking', 'attention'] as const) {
        expect(modalitiesUnknownToStrategy(requested, withNotes, params)).toEqual(['notes']);
        expect(effectiveStrategy(requested, withNotes, params)).toBe('log-odds');
        const fused = await fuse(requested, withNotes, params, { attention });
        expect(fused).toEqual(logOddsFusion(withNotes, { ...params.logOdds!, prior: params.prior, riskBands: params.riskBands }));
        expect(fused).toMatchObject({ strategy: 'log-odds', degraded: false });
        // defaultWeight = the smallest configured weight (1): three equal shares.
        expect(fused.contributions.map((c) => c.weight)).toEqual([1 / 3, 1 / 3, 1 / 3]);
      }
      expect(attention).not.toHaveBeenCalled();
    });

    it('falls back to weighted-mean when the params have no log-odds section', async () => {
      const { logOdds: _none, ...noLogOdds } = params;
      expect(effectiveStrategy('stacking', withNotes, noLogOdds)).toBe('weighted-mean');
      expect(await fuse('stacking', withNotes, noLogOdds)).toEqual(weightedMeanFusion(withNotes, { ...params.weightedMean!, ...noLogOdds }));
    });

    it('keeps the learned strategy, ignoring the unknown modality (degraded), when no pooling strategy is configured', async () => {
      const { logOdds: _a, weightedMean: _b, ...learnedOnly } = params;
      const fused = await fuse('stacking', withNotes, learnedOnly);
      expect(fused).toEqual(stackingFusion(withNotes, { ...params.stacking!, ...learnedOnly }));
      expect(fused).toMatchObject({ strategy: 'stacking', degraded: true });
    });

    it('does not fall back for an unknown modality that is not present, nor for a requested pooling strategy', async () => {
      const notesFailed = [...evidence, absent('notes', 'failed')];
      expect(effectiveStrategy('stacking', notesFailed, params)).toBe('stacking');
      expect((await fuse('stacking', notesFailed, params)).strategy).toBe('stacking');
      expect(effectiveStrategy('weighted-mean', withNotes, params)).toBe('weighted-mean');
      expect(effectiveStrategy('stacking', evidence, params)).toBe('stacking');
    });
  });

  it('the params schema accepts valid params and names a bad field', () => {
    expect(fusionParamsSchema.parse(JSON.parse(JSON.stringify(params)))).toEqual(params);
    const bad = fusionParamsSchema.safeParse({ ...params, weightedMean: { weights: { imaging: -1 } } });
    expect(bad.error?.issues[0].path).toEqual(['weightedMean', 'weights', 'imaging']);
  });
});

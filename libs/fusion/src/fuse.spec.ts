import { absent, ok } from './testing/evidence';
import { fuse, type FusionParams } from './fuse';
import { fusionParamsSchema } from './fusion-params.schema';

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

  it('the params schema accepts valid params and names a bad field', () => {
    expect(fusionParamsSchema.parse(JSON.parse(JSON.stringify(params)))).toEqual(params);
    const bad = fusionParamsSchema.safeParse({ ...params, weightedMean: { weights: { imaging: -1 } } });
    expect(bad.error?.issues[0].path).toEqual(['weightedMean', 'weights', 'imaging']);
  });
});

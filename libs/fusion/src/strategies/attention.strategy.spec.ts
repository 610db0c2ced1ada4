import { logit } from '../calibration/logit';
import { sigmoid } from '../calibration/sigmoid';
import { absent, context, ok } from '../testing/evidence';
import { attentionFusion, type AttentionInput, type AttentionRunner } from './attention.strategy';

describe('attentionFusion', () => {
  const params = { ...context, modalities: ['vitals', 'imaging', 'tabular'] };

  it('builds inputs in the runner order and maps weights back to the evidence order', async () => {
    const calls: AttentionInput[] = [];
    const runner: AttentionRunner = async (input) => {
      calls.push(input);
      return { fusedLogit: 0.25, weights: [0.2, 0.8, 0] };
    };
    const fused = await attentionFusion([ok('imaging', 0.8), absent('tabular'), ok('vitals', 0.5)], params, runner);
    expect(calls).toHaveLength(1);
    expect(Array.from(calls[0].mask)).toEqual([1, 1, 0]);
    expect(calls[0].calibratedLogits[1]).toBeCloseTo(Math.log(4), 6);
    expect(calls[0].calibratedLogits[2]).toBe(0);
    expect(calls[0].modalities).toEqual(['vitals', 'imaging', 'tabular']);
    expect(fused.probability).toBeCloseTo(sigmoid(0.25), 14);
    expect(fused.contributions.map((c) => [c.modality, c.weight])).toEqual([
      ['imaging', 0.8],
      ['tabular', 0],
      ['vitals', 0.2],
    ]);
    expect(fused.contributions[0].contribution).toBeCloseTo(0.8 * logit(0.8), 12);
    expect(fused.degraded).toBe(true);
  });

  it('re-masks and renormalises weights leaked to absent modalities', async () => {
    const runner: AttentionRunner = async () => ({ fusedLogit: 0, weights: [0.3, 0.3, 0.4] });
    const fused = await attentionFusion([ok('imaging', 0.8), absent('tabular'), ok('vitals', 0.5)], params, runner);
    expect(fused.contributions.map((c) => c.weight)).toEqual([0.5, 0, 0.5]);
  });

  it('does not call the runner when nothing is present', async () => {
    const runner = jest.fn<ReturnType<AttentionRunner>, Parameters<AttentionRunner>>();
    const fused = await attentionFusion([absent('imaging', 'late')], params, runner);
    expect(runner).not.toHaveBeenCalled();
    expect(fused).toMatchObject({ probability: 0.1, degraded: true });
  });

  it('rejects malformed runner output', async () => {
    const bad = (out: { fusedLogit: number; weights: number[] }): AttentionRunner => async () => out;
    const evidence = [ok('imaging', 0.8)];
    await expect(attentionFusion(evidence, params, bad({ fusedLogit: Number.NaN, weights: [0, 1, 0] }))).rejects.toThrow(/non-finite/);
    await expect(attentionFusion(evidence, params, bad({ fusedLogit: 0, weights: [1] }))).rejects.toThrow(/1 weights for 3/);
    await expect(attentionFusion(evidence, params, bad({ fusedLogit: 0, weights: [0, -1, 0] }))).rejects.toThrow(/invalid weight/);
  });
});

import { z } from 'zod';
import type { Calibration } from './calibration';

/**
 * Validates a calibration read from a model manifest (JSON), so that a hand-edited or truncated manifest
 * fails at load time with the offending field named, instead of producing NaN probabilities at runtime.
 */
const finite = z.number().finite();

export const calibrationSchema: z.ZodType<Calibration> = z.discriminatedUnion('method', [
  z.object({ method: z.literal('platt'), a: finite, b: finite }),
  z.object({ method: z.literal('temperature'), t: finite.positive() }),
  z
    .object({
      method: z.literal('isotonic'),
      x: z.array(finite).min(1),
      y: z.array(finite.min(0).max(1)).min(1),
    })
    .superRefine((c, ctx) => {
      if (c.x.length !== c.y.length) {
        ctx.addIssue({ code: 'custom', path: ['y'], message: `must have as many entries as x (${c.x.length})` });
        return;
      }
      for (let i = 1; i < c.x.length; i++) {
        if (!(c.x[i] > c.x[i - 1])) ctx.addIssue({ code: 'custom', path: ['x', i], message: 'x must be strictly increasing' });
        if (c.y[i] < c.y[i - 1]) ctx.addIssue({ code: 'custom', path: ['y', i], message: 'y must be non-decreasing' });
      }
    }),
]);

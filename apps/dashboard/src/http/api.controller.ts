import { Controller, Get, Header, Inject, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { HISTORY_LIMITS, JOB_READER, SAMPLER, SSE_HUB } from '../dashboard.tokens';
import { JOB_STATES, MAX_PAGE, type JobPage, type JobReader, type JobState } from '../jobs/job-reader';
import type { DashboardSampler, HistoryPoint, Overview } from '../sampling/dashboard-sampler';
import { parameterProblem, unavailableProblem } from './problem';
import type { SseHub } from './sse-hub';

export interface HistoryLimits {
  maxMinutes: number;
  pointMs: number;
}

/** Every route is a GET: nothing here changes anything in Redis. */
@Controller('api')
export class ApiController {
  constructor(
    @Inject(SAMPLER) private readonly sampler: DashboardSampler,
    @Inject(JOB_READER) private readonly jobs: JobReader,
    @Inject(SSE_HUB) private readonly hub: SseHub,
    @Inject(HISTORY_LIMITS) private readonly limits: HistoryLimits,
  ) {}

  /** The latest sample: queues, fusion, Redis, health and the thresholds behind the colours. */
  @Get('overview')
  @Header('cache-control', 'no-store')
  overview(): Overview {
    const current = this.sampler.overview;
    if (!current) throw unavailableProblem('no sample yet: Redis has not answered since the dashboard started');
    return current;
  }

  /** History points of the last `minutes` (default and max: LF_DASHBOARD_HISTORY_MINUTES), oldest first. */
  @Get('history')
  @Header('cache-control', 'no-store')
  history(@Query('minutes') minutes: unknown): { minutes: number; pointMs: number; points: HistoryPoint[] } {
    const parsed = z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number of minutes')
      .min(1, 'must be >= 1')
      .max(this.limits.maxMinutes, `must be <= ${this.limits.maxMinutes}`)
      .optional()
      .safeParse(minutes === '' ? undefined : minutes);
    if (!parsed.success) throw parameterProblem([{ path: 'minutes', message: parsed.error.issues[0].message }]);
    const m = parsed.data ?? this.limits.maxMinutes;
    return { minutes: m, pointMs: this.limits.pointMs, points: this.sampler.historySince(m) };
  }

  /** Server-sent events: `overview` every tick, `point` per history point. */
  @Get('stream')
  stream(@Res() reply: FastifyReply): void {
    if (this.hub.full) throw unavailableProblem('too many live streams open on this dashboard; close a tab or poll /api/overview');
    this.hub.open(reply);
  }

  /** Read-only drill-down: one queue's jobs in one state, newest first, without job data. */
  @Get('jobs')
  @Header('cache-control', 'no-store')
  async list(@Query() query: Record<string, unknown>): Promise<JobPage> {
    const schema = z.object({
      queue: z.string({ error: 'is required' }).refine((q) => this.jobs.hasQueue(q), `must be one of ${this.jobs.queueNames.join(', ')}`),
      state: z.enum(Object.keys(JOB_STATES) as [JobState, ...JobState[]], { error: `must be one of ${Object.keys(JOB_STATES).join(', ')}` }).default('failed'),
      start: z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(0, 'must be >= 0').max(1_000_000, 'must be <= 1000000').default(0),
      count: z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(1, 'must be >= 1').max(MAX_PAGE, `must be <= ${MAX_PAGE}`).default(50),
    });
    const parsed = schema.safeParse(query);
    if (!parsed.success) throw parameterProblem(parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(query)', message: i.message })));
    const { queue, state, start, count } = parsed.data;
    return this.jobs.list(queue, state, start, count);
  }
}

import type { FusionStrategyName, ModalityRegistryEntry } from '@lf/contracts';
import type { Logger } from '@lf/observability';
import type { CaseStore, KeyBuilder } from '@lf/redis';
import type { CaseIdGenerator } from '../case-id/uuid-v7';
import type { GatewayMetrics } from '../gateway-metrics';
import type { FieldError } from '../http/problem';
import { caseJobs } from '../queues/case-jobs';
import type { CaseProducer } from '../queues/case-producer';
import { planCase } from './case-plan';

/**
 * POST /v1/cases without HTTP: plan (validate, choose modalities) -> register (case hash, blobs, deadline
 * index, one Lua script) -> enqueue (score jobs + delayed deadline trigger). Registration comes first so a
 * worker never sees a job for a case that does not exist. If enqueueing fails after registration the caller
 * gets a 503 and the case is still finalized at its deadline by the aggregator's sweeper (as `failed`, nothing
 * having been scored), so no registered case is left pending forever.
 */
export interface CaseSubmissionDeps {
  store: Pick<CaseStore, 'register'>;
  producer: Pick<CaseProducer, 'enqueue'>;
  registry: readonly ModalityRegistryEntry[];
  keys: KeyBuilder;
  ids: CaseIdGenerator;
  defaults: { strategy: FusionStrategyName; deadlineMs: number };
  caseTtlSeconds: number;
  jobAttempts: number;
  logger: Logger;
  metrics: GatewayMetrics;
}

export type SubmitOutcome =
  | { kind: 'invalid'; errors: FieldError[] }
  | { kind: 'accepted'; caseId: string; expected: string[]; ignored: string[]; submittedAt: number; deadlineAt: number };

export class SubmitError extends Error {
  constructor(
    readonly stage: 'register' | 'enqueue',
    readonly caseId: string,
    cause: unknown,
  ) {
    super(`case ${caseId}: ${stage} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'SubmitError';
  }
}

export class CaseSubmissionService {
  constructor(private readonly deps: CaseSubmissionDeps) {}

  async submit(body: unknown, tenant: string, traceId: string): Promise<SubmitOutcome> {
    const { deps } = this;
    const outcome = planCase(body, deps.registry, deps.defaults);
    if (!outcome.ok) return { kind: 'invalid', errors: outcome.errors };
    const { plan } = outcome;
    const caseId = deps.ids.next();

    let registered;
    try {
      registered = await deps.store.register({
        caseId,
        tenant,
        expected: plan.expected,
        strategy: plan.strategy,
        deadlineMs: plan.deadlineMs,
        blobs: plan.blobs,
        ttlSeconds: deps.caseTtlSeconds,
        traceId,
      });
    } catch (err) {
      deps.metrics.submitErrors.inc({ stage: 'register' });
      throw new SubmitError('register', caseId, err);
    }
    if (!registered.created) throw new SubmitError('register', caseId, new Error('case id collision'));

    const jobs = caseJobs({ caseId, expected: plan.expected, traceId, submittedAt: registered.submittedAt, deadlineAt: registered.deadlineAt }, deps.registry, deps.keys, deps.jobAttempts);
    try {
      await deps.producer.enqueue(jobs);
    } catch (err) {
      deps.metrics.submitErrors.inc({ stage: 'enqueue' });
      throw new SubmitError('enqueue', caseId, err);
    }

    deps.metrics.casesSubmitted.inc({ tenant });
    for (const name of plan.ignored) {
      deps.metrics.inputsIgnored.inc({ modality: deps.registry.some((e) => e.name === name) ? name : 'unknown' });
    }
    deps.logger.info('case submitted', {
      caseId,
      traceId,
      tenant,
      expected: plan.expected,
      ignored: plan.ignored.length,
      strategy: plan.strategy,
      deadlineMs: plan.deadlineMs,
    });
    return { kind: 'accepted', caseId, expected: plan.expected, ignored: plan.ignored, submittedAt: registered.submittedAt, deadlineAt: registered.deadlineAt };
  }
}

import type { FusionStrategyName, ModalityRegistryEntry } from '@lf/contracts';
import type { Logger } from '@lf/observability';
import type { CaseStore, CaseView, IdempotencyStore, KeyBuilder } from '@lf/redis';
import type { CaseIdGenerator } from '../case-id/uuid-v7';
import type { GatewayMetrics } from '../gateway-metrics';
import type { FieldError } from '../http/problem';
import { caseJobs } from '../queues/case-jobs';
import type { CaseProducer } from '../queues/case-producer';
import { planCase, type CasePlan } from './case-plan';
import { caseResponse, type PublicCaseStatus } from '@lf/redis';
import { requestDigest } from './idempotency-key';

/**
 * POST /v1/cases without HTTP: plan (validate, choose modalities) -> register (case hash, blobs, deadline
 * index, one Lua script) -> enqueue (one score job per modality). Registration comes first so a
 * worker never sees a job for a case that does not exist. If enqueueing fails after registration the caller
 * gets a 503 and the case is still finalized at its deadline by the aggregator's sweeper (as `failed`, nothing
 * having been scored), so no registered case is left pending forever.
 *
 * With an Idempotency-Key: claim the key first (record: case id + body digest, state `reserved`), then
 * register and enqueue, then confirm (`enqueued`). The record and the case live in different Cluster slots,
 * so no script can write both; instead every step is idempotent and a retry with the same key and body
 * finishes whatever a crashed or failed attempt left undone:
 *   - `enqueued`: the case and its jobs exist; the retry only reads the case (200, no new jobs);
 *   - `reserved`, case missing: the first attempt died before registering; register it under the recorded id;
 *   - `reserved`, case registered: the first attempt died before (or while) enqueueing; re-add the jobs of
 *     every expected modality that has not scored yet, while the case is pending
 *     (BullMQ job ids are `<caseId>-<modality>`, so a job that is still queued is not added twice).
 * The same key with a different body is a conflict. The record's TTL is capped at the case TTL and the
 * record is written first, so it always expires before its case: a key never resurrects an expired case.
 */
export interface CaseSubmissionDeps {
  store: Pick<CaseStore, 'register' | 'get'>;
  idempotency: Pick<IdempotencyStore, 'claim' | 'confirm'>;
  producer: Pick<CaseProducer, 'enqueue'>;
  registry: readonly ModalityRegistryEntry[];
  keys: KeyBuilder;
  ids: CaseIdGenerator;
  defaults: { strategy: FusionStrategyName; deadlineMs: number };
  caseTtlSeconds: number;
  idempotencyTtlSeconds: number;
  jobAttempts: number;
  logger: Logger;
  metrics: GatewayMetrics;
}

export interface SubmitOptions {
  /** The client's Idempotency-Key (already validated), scoped to the tenant. */
  idempotencyKey?: string;
  /** modality -> bytes of its binary field sent out of band (a multipart `image` part). */
  binaries?: Readonly<Record<string, Buffer>>;
  /** References to the submitted inputs (a FHIR Bundle's resources), kept for the RiskAssessment's `basis`. */
  basis?: readonly string[];
}

export type SubmitOutcome =
  | { kind: 'invalid'; errors: FieldError[] }
  | {
      kind: 'accepted';
      caseId: string;
      /** true: this request registered the case (202). false: an Idempotency-Key replay of an existing case (200). */
      created: boolean;
      /** The case's public status now ('pending' for a new case). */
      status: PublicCaseStatus;
      ignored: string[];
    }
  /** The Idempotency-Key was first used with a different body, for case `caseId`. */
  | { kind: 'conflict'; caseId: string }
  /** The Idempotency-Key's case no longer exists (evicted or expired): the key cannot be honoured. */
  | { kind: 'expired'; caseId: string };

export class SubmitError extends Error {
  constructor(
    readonly stage: 'register' | 'enqueue' | 'idempotency' | 'read',
    readonly caseId: string,
    cause: unknown,
  ) {
    super(`case ${caseId}: ${stage} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'SubmitError';
  }
}

export class CaseSubmissionService {
  constructor(private readonly deps: CaseSubmissionDeps) {}

  async submit(body: unknown, tenant: string, traceId: string, options: SubmitOptions = {}): Promise<SubmitOutcome> {
    const { deps } = this;
    const outcome = planCase(body, deps.registry, deps.defaults, options.binaries ? { binaries: options.binaries } : {});
    if (!outcome.ok) return { kind: 'invalid', errors: outcome.errors };
    const { plan } = outcome;
    const key = options.idempotencyKey;

    if (key === undefined) {
      const caseId = deps.ids.next();
      const registered = await this.register(caseId, plan, tenant, traceId, options.basis);
      if (!registered.created) throw new SubmitError('register', caseId, new Error('case id collision'));
      await this.enqueue(caseJobs({ caseId, expected: plan.expected, traceId, submittedAt: registered.submittedAt }, deps.registry, deps.keys, deps.jobAttempts), caseId);
      this.recordAccepted(caseId, tenant, traceId, plan);
      return { kind: 'accepted', caseId, created: true, status: 'pending', ignored: plan.ignored };
    }

    const bodyHash = requestDigest(body, plan.binaries);
    const candidate = deps.ids.next();
    let record;
    try {
      record = await deps.idempotency.claim({
        tenant,
        key,
        caseId: candidate,
        bodyHash,
        ttlMs: Math.min(deps.idempotencyTtlSeconds, deps.caseTtlSeconds) * 1000,
      });
    } catch (err) {
      deps.metrics.submitErrors.inc({ stage: 'idempotency' });
      throw new SubmitError('idempotency', candidate, err);
    }
    const { caseId } = record;
    if (record.bodyHash !== bodyHash) return { kind: 'conflict', caseId };

    if (record.state === 'enqueued') {
      const view = await this.read(caseId);
      if (view === null || view.tenant !== tenant) return { kind: 'expired', caseId };
      return this.replayed(view, plan, traceId);
    }

    // 'reserved': a new key, or a retry of an attempt that may have stopped anywhere before confirming.
    const registered = await this.register(caseId, plan, tenant, traceId, options.basis);
    let view: CaseView | null = null;
    if (registered.created) {
      await this.enqueue(caseJobs({ caseId, expected: plan.expected, traceId, submittedAt: registered.submittedAt }, deps.registry, deps.keys, deps.jobAttempts), caseId);
    } else {
      view = await this.read(caseId);
      if (view === null || view.tenant !== tenant) return { kind: 'expired', caseId };
      await this.resume(view, traceId);
    }
    try {
      await deps.idempotency.confirm(tenant, key, caseId);
    } catch (err) {
      // Harmless: the record stays 'reserved', so the next retry re-checks the queues instead of trusting it.
      deps.logger.warn('could not confirm an idempotency record', { caseId, traceId, err: err as Error });
    }
    if (registered.created) {
      this.recordAccepted(caseId, tenant, traceId, plan, !record.claimed);
      return { kind: 'accepted', caseId, created: true, status: 'pending', ignored: plan.ignored };
    }
    return this.replayed(view!, plan, traceId);
  }

  /**
   * Re-adds what a case registered by an earlier attempt may be missing: the score job of every expected
   * modality without a recorded score (its deadline is in the deadlines index since registration). Only while the case is pending (after the
   * finalize fence nothing is waited for). A job that already ran recorded its score first, so it is never
   * re-added after BullMQ removed it; one still queued keeps its id, so re-adding it is a no-op.
   */
  private async resume(view: CaseView, traceId: string): Promise<void> {
    if (view.status !== 'pending') return;
    const { deps } = this;
    const enabled = new Set(deps.registry.filter((e) => e.enabled).map((e) => e.name));
    const missing = view.expected.filter((m) => enabled.has(m) && !Object.prototype.hasOwnProperty.call(view.scores, m));
    const jobs = caseJobs({ caseId: view.caseId, expected: missing, traceId, submittedAt: view.submittedAt }, deps.registry, deps.keys, deps.jobAttempts);
    await this.enqueue(jobs, view.caseId);
    deps.logger.info('idempotent retry: re-queued the jobs of a registered case', { caseId: view.caseId, traceId, modalities: missing });
  }

  private replayed(view: CaseView, plan: CasePlan, traceId: string): SubmitOutcome {
    this.deps.logger.info('idempotent replay', { caseId: view.caseId, traceId, tenant: view.tenant });
    return { kind: 'accepted', caseId: view.caseId, created: false, status: caseResponse(view).status, ignored: plan.ignored };
  }

  private async register(caseId: string, plan: CasePlan, tenant: string, traceId: string, basis?: readonly string[]) {
    const { deps } = this;
    try {
      return await deps.store.register({
        caseId,
        tenant,
        expected: plan.expected,
        strategy: plan.strategy,
        deadlineMs: plan.deadlineMs,
        blobs: plan.blobs,
        ttlSeconds: deps.caseTtlSeconds,
        traceId,
        subject: plan.request.patientRef,
        ...(basis && basis.length > 0 ? { basis: [...basis] } : {}),
      });
    } catch (err) {
      deps.metrics.submitErrors.inc({ stage: 'register' });
      throw new SubmitError('register', caseId, err);
    }
  }

  private async read(caseId: string): Promise<CaseView | null> {
    try {
      return await this.deps.store.get(caseId);
    } catch (err) {
      this.deps.metrics.submitErrors.inc({ stage: 'read' });
      throw new SubmitError('read', caseId, err);
    }
  }

  private async enqueue(jobs: ReturnType<typeof caseJobs>, caseId: string): Promise<void> {
    try {
      await this.deps.producer.enqueue(jobs);
    } catch (err) {
      this.deps.metrics.submitErrors.inc({ stage: 'enqueue' });
      throw new SubmitError('enqueue', caseId, err);
    }
  }

  private recordAccepted(caseId: string, tenant: string, traceId: string, plan: CasePlan, recovered = false): void {
    const { deps } = this;
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
      ...(recovered ? { recovered: true } : {}),
    });
  }
}

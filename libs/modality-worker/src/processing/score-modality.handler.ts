import { performance } from 'node:perf_hooks';
import { UnrecoverableError } from 'bullmq';
import { decodeInputBlob, InputBlobError, JOB_NAMES, type ScoreModalityJob, type ScoreRecord, type ScoreStatus } from '@lf/contracts';
import type { Logger } from '@lf/observability';
import { isPreprocessingError } from '@lf/preprocessing';
import type { RecordScoreOutcome } from '@lf/redis';
import { applyFaultInjection, type FaultInjectionMode } from '../faults/fault-injection';
import type { ModalityDefinition } from '../modality-definition';
import type { LoadedModel } from '../model/loaded-model';
import { calibratedProbability } from '../scoring/calibrated-probability';
import { failedRecord, invalidRecord, okRecord, type ModelRef } from '../scoring/score-records';
import type { WorkerMetrics } from '../worker-metrics';
import type { FusionTrigger } from './fusion-trigger';
import type { WorkerCaseStore } from './worker-case-store';

/**
 * The modality job, independent of Nest and of a running BullMQ worker (unit-tested with fakes).
 *
 * Failure policy (DESIGN.md 3: a modality that fails for good publishes a record so the case need not wait):
 * - bad input (expired blob, unreadable blob, PreprocessingError): publish `invalid` at once and complete the job,
 *   since a retry would see the same input;
 * - anything else (ONNX, Redis): throw, so BullMQ retries with the job's backoff; on the last attempt publish
 *   `failed` with the error text first.
 * Publishing is idempotent in the case store (the first record of a modality wins), so a redelivered job cannot
 * change a score; the store answers 'all-replied' again while the case is pending, so a trigger lost between
 * recordScore and Queue.add is enqueued on retry (its job id makes the repeat a no-op).
 */

/** The slice of a BullMQ Job the handler reads. */
export interface ScoreJob {
  id?: string;
  name: string;
  data: ScoreModalityJob;
  /** Attempts that finished before this one (0 on the first). */
  attemptsMade: number;
  opts: { attempts?: number };
}

export interface ScoreJobResult {
  status: ScoreStatus;
  outcome: RecordScoreOutcome;
  modelVersion: string;
}

/** What the handler needs from the model registry. */
export interface ModelProvider {
  readonly current: Pick<LoadedModel, 'name' | 'version'> | undefined;
  withModel<T>(fn: (model: Pick<LoadedModel, 'name' | 'version' | 'manifest' | 'infer'>) => Promise<T>): Promise<T>;
}

export interface ScoreModalityHandlerDeps {
  definition: ModalityDefinition;
  /** The BullMQ queue consumed (for metrics labels); the modality's registry entry decides it. */
  queue: string;
  store: WorkerCaseStore;
  models: ModelProvider;
  fusion: FusionTrigger;
  logger: Logger;
  metrics: WorkerMetrics;
  faultInjection?: FaultInjectionMode;
  now?: () => number;
  /** Epoch ms, for the reply latency against the case's submission time (Redis clock; skew is clamped at 0). */
  wallClock?: () => number;
}

export class ScoreModalityHandler {
  private readonly now: () => number;
  /** Job ids whose `failed` record this process already published (the failed-event safety net skips them). */
  private readonly finalFailurePublished = new Set<string>();

  constructor(private readonly deps: ScoreModalityHandlerDeps) {
    this.now = deps.now ?? (() => performance.now());
  }

  async handle(job: ScoreJob): Promise<ScoreJobResult> {
    const { definition, metrics, queue } = this.deps;
    const { caseId, traceId } = job.data;
    const log = this.deps.logger.child({ caseId, traceId, jobId: job.id, modality: definition.name, attempt: job.attemptsMade + 1 });
    if (job.name !== JOB_NAMES.scoreModality || job.data.modality !== definition.name) {
      // A misrouted job: no retry can fix it, and it is not ours to publish for.
      throw new UnrecoverableError(`${definition.name}-worker cannot handle job '${job.name}' for modality '${String(job.data.modality)}'`);
    }
    const started = this.now();
    const stopTimer = metrics.jobDuration.startTimer({ queue });

    let record: ScoreRecord;
    try {
      record = await this.score(job, started);
      const outcome = await this.publish(record, job, log);
      metrics.jobsProcessed.inc({ queue, status: record.status });
      stopTimer({ status: record.status });
      log.info('score published', {
        status: record.status,
        outcome,
        modelVersion: record.modelVersion,
        latencyMs: record.latencyMs,
        ...(record.status === 'ok' ? { qualityFlags: record.qualityFlags } : { error: record.error }),
      });
      return { status: record.status, outcome, modelVersion: record.modelVersion };
    } catch (error) {
      const attempts = job.opts.attempts ?? 1;
      const lastAttempt = job.attemptsMade + 1 >= attempts;
      const status = lastAttempt ? 'failed' : 'retry';
      metrics.jobsProcessed.inc({ queue, status });
      stopTimer({ status });
      log.warn(lastAttempt ? 'scoring failed for good' : 'scoring failed; BullMQ will retry', { err: error as Error, attempts });
      if (lastAttempt) await this.publishFinalFailure(job, error, this.latency(started), log);
      throw error;
    }
  }

  /**
   * Safety net for a job that failed without its processor seeing the last attempt (stalled more than
   * maxStalledCount, lock lost): called from the worker's 'failed' event once attempts are exhausted.
   */
  async onFinalFailure(job: ScoreJob, error: Error): Promise<void> {
    if (job.id && this.finalFailurePublished.delete(job.id)) return;
    if (job.data?.modality !== this.deps.definition.name) return;
    const log = this.deps.logger.child({ caseId: job.data.caseId, traceId: job.data.traceId, jobId: job.id, modality: job.data.modality });
    await this.publishFinalFailure(job, error, 0, log, false);
  }

  private async score(job: ScoreJob, started: number): Promise<ScoreRecord> {
    const { definition, store, models } = this.deps;
    const blob = await store.readBlob(job.data.blobKey);
    if (!blob) return invalidRecord(definition.name, this.currentModelRef(), 'input expired or missing', this.latency(started));
    let input: unknown;
    try {
      input = decodeInputBlob(blob);
    } catch (error) {
      // InputBlobError messages never quote the blob (it is patient data).
      if (!(error instanceof InputBlobError)) throw error;
      return invalidRecord(definition.name, this.currentModelRef(), error.message, this.latency(started));
    }

    return models.withModel(async (model) => {
      const ref: ModelRef = { modelId: model.name, modelVersion: model.version };
      let tensor;
      try {
        tensor = definition.preprocess(input, model.manifest);
      } catch (error) {
        // 'invalid_spec' blames the manifest, not the input: a runtime error (retried, then `failed`).
        if (!isPreprocessingError(error) || error.code === 'invalid_spec') throw error;
        return invalidRecord(definition.name, ref, `${error.code}: ${error.message}`, this.latency(started));
      }
      if (this.deps.faultInjection) await applyFaultInjection(this.deps.faultInjection, definition.name, job.attemptsMade);
      const logit = await model.infer(tensor);
      const { probability, flags } = calibratedProbability(model.manifest.calibration, logit);
      return okRecord(definition.name, ref, {
        probability,
        logit,
        latencyMs: this.latency(started),
        qualityFlags: [...tensor.qualityFlags, ...flags],
      });
    });
  }

  private async publish(record: ScoreRecord, job: ScoreJob, log: Logger): Promise<RecordScoreOutcome> {
    const { store, fusion, metrics, definition } = this.deps;
    const { caseId, traceId } = job.data;
    const outcome = await store.recordScore(caseId, record);
    if (this.deps.faultInjection) await applyFaultInjection(this.deps.faultInjection, definition.name, job.attemptsMade, 'after-record');
    metrics.scoreOutcomes.inc({ modality: definition.name, outcome });
    if (outcome !== 'duplicate') metrics.scoresPublished.inc({ modality: definition.name, status: record.status });
    if ((outcome === 'recorded' || outcome === 'all-replied') && Number.isFinite(job.data.submittedAt)) {
      // The reply the case counts (before its fence); a late one is counted by its outcome instead.
      const seconds = Math.max(0, (this.deps.wallClock ?? Date.now)() - job.data.submittedAt) / 1000;
      metrics.modalityReply.observe({ modality: definition.name, status: record.status }, seconds);
    }
    switch (outcome) {
      case 'all-replied':
        await fusion.allReplied(caseId, traceId);
        break;
      case 'duplicate':
        // Already recorded and nothing to trigger. (A redelivered job whose case is still pending with every
        // modality in gets 'all-replied' again from the script, so a trigger lost in a crash is re-enqueued.)
        break;
      case 'late':
        log.info('score arrived after the case was finalized; recorded as late');
        break;
      case 'unknown-case':
      case 'unexpected-modality':
        log.warn('score not recorded', { outcome });
        break;
      case 'recorded':
        break;
    }
    return outcome;
  }

  private async publishFinalFailure(job: ScoreJob, error: unknown, latencyMs: number, log: Logger, remember = true): Promise<void> {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const record = failedRecord(this.deps.definition.name, this.currentModelRef(), text, latencyMs);
    try {
      await this.publish(record, job, log);
      if (remember && job.id) this.rememberFinalFailure(job.id);
    } catch (publishError) {
      // The case's deadline still finalizes it without this modality.
      log.error('could not publish the failed record', { err: publishError as Error });
    }
  }

  private rememberFinalFailure(jobId: string): void {
    this.finalFailurePublished.add(jobId);
    if (this.finalFailurePublished.size > 10_000) {
      const oldest = this.finalFailurePublished.values().next().value;
      if (oldest !== undefined) this.finalFailurePublished.delete(oldest);
    }
  }

  private currentModelRef(): ModelRef {
    const model = this.deps.models.current;
    return { modelId: model?.name ?? this.deps.definition.modelName, modelVersion: model?.version ?? 'unknown' };
  }

  private latency(started: number): number {
    return Math.round((this.now() - started) * 100) / 100;
  }
}

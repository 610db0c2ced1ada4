import { z } from 'zod';
import { envFields, parseEnv, type Env } from '@lf/observability';

/**
 * The gateway's settings for submitting and reading cases beyond the basics of gateway.config.ts:
 * idempotency, multipart and batch size limits, long-poll and server-sent events. Validated at boot with
 * the rest of the gateway's environment (gatewayConfigFromEnv).
 */
export interface CasesConfig {
  /** How long an Idempotency-Key is remembered. Capped at the case TTL when used: a key never outlives its case. */
  idempotencyTtlSeconds: number;
  /** Largest DICOM file part of a multipart submission (the `case` part is bounded by LF_MAX_BODY_BYTES). */
  maxUploadBytes: number;
  /** Largest `POST /v1/cases:batch` body. */
  maxBatchBodyBytes: number;
  /** Longest `?wait=` a client may ask for. */
  maxWaitMs: number;
  /** Comment line sent on an idle SSE stream this often (keeps proxies from timing it out). */
  sseHeartbeatMs: number;
  /** An SSE stream stays open this long after the result is stored, for late scores, then ends. */
  sseGraceMs: number;
  /** Long-polls plus SSE streams one gateway holds at once; more get 503 with Retry-After. */
  maxWatchers: number;
}

const MIB = 1024 * 1024;

const casesEnvSchema = z.object({
  LF_IDEMPOTENCY_TTL_SECONDS: envFields.int({ min: 60, max: 90 * 24 * 3600, default: 86_400 }),
  LF_MAX_UPLOAD_BYTES: envFields.int({ min: 1024, max: 256 * MIB, default: 16 * MIB }),
  LF_MAX_BATCH_BODY_BYTES: envFields.int({ min: 1024, max: 256 * MIB, default: 32 * MIB }),
  LF_MAX_WAIT_MS: envFields.int({ min: 0, max: 120_000, default: 30_000 }),
  LF_SSE_HEARTBEAT_MS: envFields.int({ min: 10, max: 120_000, default: 15_000 }),
  LF_SSE_GRACE_MS: envFields.int({ min: 0, max: 600_000, default: 10_000 }),
  LF_MAX_CASE_WATCHERS: envFields.int({ min: 1, max: 1_000_000, default: 10_000 }),
});

export function casesConfigFromEnv(env: Env): CasesConfig {
  const own = parseEnv(casesEnvSchema, env);
  return {
    idempotencyTtlSeconds: own.LF_IDEMPOTENCY_TTL_SECONDS,
    maxUploadBytes: own.LF_MAX_UPLOAD_BYTES,
    maxBatchBodyBytes: own.LF_MAX_BATCH_BODY_BYTES,
    maxWaitMs: own.LF_MAX_WAIT_MS,
    sseHeartbeatMs: own.LF_SSE_HEARTBEAT_MS,
    sseGraceMs: own.LF_SSE_GRACE_MS,
    maxWatchers: own.LF_MAX_CASE_WATCHERS,
  };
}

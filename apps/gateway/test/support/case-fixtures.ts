/**
 * Shared set-up for the gateway's case-route tests: a throwaway redis-server, a gateway built from an
 * environment (as main.ts builds it) answering through Fastify's `inject`, and helpers to count what was
 * queued and stored. Every spec file gets its own Redis, so counts are exact.
 */
import { Redis } from 'ioredis';
import { QUEUES, type ScoreRecord } from '@lf/contracts';
import { createLogger } from '@lf/observability';
import { CaseStore, createKeyBuilder, type StoredResult } from '@lf/redis';
import { startRedisServer, type RedisServerHandle } from '@lf/testing';
import { gatewayConfigFromEnv } from '../../src/config/gateway.config';
import { createGateway, type Gateway } from '../../src/create-gateway';

export const NORTH = 'north-key-0123456789';
export const SOUTH = 'south-key-0123456789';
export const keys = createKeyBuilder();
export const silent = createLogger({ app: 'gateway-test', sink: () => undefined });

export const tabular = { ageYears: 71, sex: 'female', labs: { crp: { value: 80, unit: 'mg/L' } } };
export const vitals = { samples: [{ t: '2024-05-01T10:00:00Z', heartRate: 112, spo2: 91 }] };

/** A minimal DICOM Part 10 byte sequence (preamble, 'DICM', a file meta group length element, pixels). */
export function dicomBytes(size = 512, fill = 7): Buffer {
  const bytes = Buffer.alloc(Math.max(size, 144), fill);
  bytes.fill(0, 0, 128);
  bytes.write('DICM', 128, 'latin1');
  bytes.set([0x02, 0x00, 0x00, 0x00, 0x55, 0x4c, 0x04, 0x00], 132);
  return bytes;
}

export const auth = (key = NORTH) => ({ authorization: `Bearer ${key}` });
export const json = { 'content-type': 'application/json' };

export interface CaseTestEnv {
  server: RedisServerHandle;
  redis: Redis;
  store: CaseStore;
  gateway: Gateway;
  /** Another gateway on the same Redis with extra environment (closed by `close`). */
  another(extra: Record<string, string>): Promise<Gateway>;
  env(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export async function startCaseTestEnv(extra: Record<string, string> = {}): Promise<CaseTestEnv> {
  const server = await startRedisServer();
  const redis = new Redis(server.url);
  const env = (more: Record<string, string> = {}) => ({ LF_API_KEYS: `north:${NORTH},south:${SOUTH}`, REDIS_URL: server.url, ...extra, ...more });
  const gateway = await createGateway(gatewayConfigFromEnv(env()), { logger: silent });
  const others: Gateway[] = [];
  return {
    server,
    redis,
    store: new CaseStore(redis, keys),
    gateway,
    env,
    async another(more) {
      const other = await createGateway(gatewayConfigFromEnv(env(more)), { logger: silent });
      others.push(other);
      return other;
    },
    async close() {
      await Promise.all(others.map((g) => g.close()));
      await gateway.close();
      redis.disconnect();
      await server.stop();
    },
  };
}

/** Jobs waiting, delayed or active per queue (modality queues and fusion). */
export async function queueCounts(gateway: Gateway): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of ['imaging', 'tabular', 'vitals', QUEUES.fusion]) {
    const counts = await gateway.producer.queue(name)!.getJobCounts('wait', 'delayed', 'active', 'prioritized', 'completed', 'failed');
    out[name] = Object.values(counts).reduce((a, b) => a + b, 0);
  }
  return out;
}

export function score(modality: string, probability = 0.3): ScoreRecord {
  return { modality, status: 'ok', probability, logit: 0, modelId: modality, modelVersion: '1.0.0', latencyMs: 5, qualityFlags: [] };
}

export const storedResult = (probability = 0.4): StoredResult => ({
  status: 'complete',
  fused: { strategy: 'stacking', probability, riskBand: 'moderate', degraded: false, contributions: [] },
});

/** Scores every expected modality, fences and stores a result: what the workers and the aggregator do. */
export async function finish(store: CaseStore, caseId: string, modalities: string[]): Promise<void> {
  for (const m of modalities) await store.recordScore(caseId, score(m));
  const fence = await store.finalize(caseId, 'all-replied');
  if (!fence.admitted) throw new Error(`fence not admitted for ${caseId}: ${fence.reason}`);
  await store.storeResult(caseId, storedResult());
}

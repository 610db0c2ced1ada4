import { createKeyBuilder, createRedisConnection, CaseStore, waitUntilReady, type RedisConnection } from '@lf/redis';
import { launchSystem, startRedisServer, type RedisServerHandle, type RunningSystem, type SystemOptions } from '@lf/testing';

export const API_KEY = 'e2e-key-tenant-a';
export const OTHER_TENANT_KEY = 'e2e-key-tenant-b';

export interface CaseResponse {
  caseId: string;
  status: 'pending' | 'complete' | 'degraded' | 'failed';
  submittedAt: string;
  finalizedAt?: string;
  result?: {
    probability: number;
    riskBand: string;
    strategy: string;
    completedBy: 'all-replied' | 'deadline';
    modalities: Record<string, { status: string; probability?: number; weight: number; modelVersion?: string; latencyMs?: number; error?: string }>;
    missing: string[];
    late: string[];
  };
}

export interface SystemFixture {
  /** The fixture's own redis-server; undefined when the caller brought `redisUrl` (and stops that Redis itself). */
  redis: RedisServerHandle | undefined;
  system: RunningSystem;
  store: CaseStore;
  connection: RedisConnection;
  submit(body: unknown, key?: string): Promise<{ status: number; body: Record<string, unknown> }>;
  get(caseId: string, key?: string): Promise<{ status: number; body: CaseResponse }>;
  waitForFinal(caseId: string, timeoutMs?: number): Promise<CaseResponse>;
  stop(): Promise<void>;
}

/**
 * A throwaway redis-server plus every app as its own process, with the committed models. Given `redisUrl`
 * (any REDIS_URL form: a Cluster, a Sentinel set), the apps and the fixture use that Redis instead.
 */
export async function startSystemFixture(options: Partial<SystemOptions> = {}): Promise<SystemFixture> {
  const redis = options.redisUrl === undefined ? await startRedisServer() : undefined;
  const redisUrl = options.redisUrl ?? redis!.url;
  let system: RunningSystem;
  try {
    system = await launchSystem({ apiKeys: `tenant-a:${API_KEY},tenant-b:${OTHER_TENANT_KEY}`, ...options, redisUrl });
  } catch (error) {
    await redis?.stop();
    throw error;
  }
  const connection = createRedisConnection(redisUrl, { role: 'producer', name: 'e2e' });
  await waitUntilReady(connection);
  const store = new CaseStore(connection, createKeyBuilder());
  const headers = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
  const fixture: SystemFixture = {
    redis,
    system,
    store,
    connection,
    submit: async (body, key = API_KEY) => {
      const response = await fetch(`${system.gatewayUrl}/v1/cases`, { method: 'POST', headers: headers(key), body: typeof body === 'string' ? body : JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    get: async (caseId, key = API_KEY) => {
      const response = await fetch(`${system.gatewayUrl}/v1/cases/${caseId}`, { headers: headers(key) });
      return { status: response.status, body: (await response.json()) as CaseResponse };
    },
    waitForFinal: async (caseId, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { body } = await fixture.get(caseId);
        if (body.status !== 'pending') return body;
        if (Date.now() > deadline) throw new Error(`case ${caseId} still pending after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: async () => {
      connection.disconnect();
      await system.stop();
      await redis?.stop();
    },
  };
  return fixture;
}

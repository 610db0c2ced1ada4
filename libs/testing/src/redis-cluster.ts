import { rawRedisCommand, startRedisServer, type RedisServerHandle, type StartRedisServerOptions } from './redis-server';

export interface RedisClusterHandle extends RedisServerHandle {
  /** `redis-cluster://127.0.0.1:<port>`, the form `@lf/redis` parses. */
  readonly clusterUrl: string;
}

/**
 * A one-node Redis Cluster that owns all 16384 slots. Enough to prove cluster compatibility for real:
 * the server enforces CROSSSLOT on scripts, MULTI and multi-key commands exactly as a big cluster does,
 * and clients must speak the cluster protocol. Not enough for MOVED/ASK or failover tests.
 */
export async function startSingleNodeRedisCluster(options: Omit<StartRedisServerOptions, 'config'> = {}): Promise<RedisClusterHandle> {
  // A lone node never learns its own IP (that happens through MEET), so CLUSTER SLOTS would advertise an
  // empty address and cluster clients could not connect: announce the loopback address.
  const args = ['--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1', ...(options.args ?? [])];
  const server = await startRedisServer({ ...options, args });
  try {
    const added = await rawRedisCommand(server.port, ['CLUSTER', 'ADDSLOTSRANGE', '0', '16383']);
    if (!added.startsWith('+OK')) throw new Error(`CLUSTER ADDSLOTSRANGE failed: ${added.trim()}`);
    const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
    // Redis keeps a fresh cluster node in state 'fail' for its first ~2 s (CLUSTER_WRITABLE_DELAY).
    while (!(await rawRedisCommand(server.port, ['CLUSTER', 'INFO'])).includes('cluster_state:ok')) {
      if (Date.now() > deadline) throw new Error('startSingleNodeRedisCluster: cluster_state did not become ok');
      await new Promise((r) => setTimeout(r, 20));
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
  return Object.assign(server, { clusterUrl: `redis-cluster://${server.host}:${server.port}` });
}

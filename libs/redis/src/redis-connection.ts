/**
 * One factory for every Redis connection of the system, so the retry policy follows the role rather than
 * whoever wrote the call site:
 * - 'worker' (BullMQ Worker/QueueEvents, blocking commands, long-lived consumers): `maxRetriesPerRequest:
 *   null` (BullMQ requires it: a blocking command must survive reconnects instead of failing the worker);
 * - 'producer' (HTTP handlers, Queue.add, readers): fail fast, `enableOfflineQueue: false` and
 *   `maxRetriesPerRequest: 1`, so a Redis outage becomes a quick 503 instead of requests piling up.
 *   Such a connection rejects commands until it is ready: `await waitUntilReady(connection)` at boot.
 * Never an ioredis `keyPrefix`: BullMQ rejects it and Lua scripts would not see it (keys come from keys.ts).
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { parseRedisUrl, type RedisTarget } from './redis-url';

export type RedisRole = 'worker' | 'producer';
export type RedisConnection = Redis | Cluster;

export interface RedisConnectionOptions {
  role: RedisRole;
  /** Client name shown by CLIENT LIST, e.g. 'gateway:producer' (no spaces). */
  name: string;
  /** Connect on first command or `connect()` instead of at once. Default false. */
  lazyConnect?: boolean;
}

/** `url`: any form `parseRedisUrl` accepts, or an already parsed target (`redisConfigFromEnv(env).target`). */
export function createRedisConnection(url: string | RedisTarget, options: RedisConnectionOptions): RedisConnection {
  if (!/^[!-~]+$/.test(options.name)) throw new Error(`Redis connection name must be printable ASCII without spaces, got '${options.name}'`);
  return connect(typeof url === 'string' ? parseRedisUrl(url) : url, options);
}

function connect(target: RedisTarget, { role, name, lazyConnect = false }: RedisConnectionOptions): RedisConnection {
  const roleOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableOfflineQueue: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false };
  // Off unless the URL says ?autoPipelining=true (redis-url.ts: it saves Redis CPU and costs latency). ioredis
  // never auto-pipelines (P)SUBSCRIBE and the like, and BullMQ's blocking client is a duplicate of this
  // connection, so its BZPOPMIN travels alone on its own socket either way.
  const pipelining = { enableAutoPipelining: target.autoPipelining === true };
  const auth = { ...(target.username ? { username: target.username } : {}), ...(target.password ? { password: target.password } : {}) };

  switch (target.kind) {
    case 'standalone': {
      const options: RedisOptions = {
        host: target.host,
        port: target.port,
        db: target.db,
        ...auth,
        ...(target.tls ? { tls: { servername: target.host } } : {}),
        connectionName: name,
        lazyConnect,
        ...roleOptions,
        ...pipelining,
      };
      return new Redis(options);
    }
    case 'sentinel': {
      const options: RedisOptions = {
        sentinels: target.sentinels,
        name: target.masterName,
        db: target.db,
        ...auth,
        ...(target.sentinelUsername ? { sentinelUsername: target.sentinelUsername } : {}),
        ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
        ...(target.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
        connectionName: name,
        lazyConnect,
        ...roleOptions,
        ...pipelining,
      };
      return new Redis(options);
    }
    case 'cluster': {
      const options: ClusterOptions = {
        enableOfflineQueue: roleOptions.enableOfflineQueue,
        lazyConnect,
        ...pipelining,
        redisOptions: {
          ...auth,
          ...(target.tls ? { tls: {} } : {}),
          connectionName: name,
          maxRetriesPerRequest: roleOptions.maxRetriesPerRequest,
        },
        // Managed TLS clusters (e.g. ElastiCache) present certificates for the configured host names, not
        // for the IPs that CLUSTER SLOTS reports; connecting by the announced name keeps verification working.
        ...(target.tls ? { dnsLookup: (address: string, callback: (err: Error | null, address: string) => void) => callback(null, address) } : {}),
      };
      return new Cluster(target.nodes, options);
    }
  }
}

/**
 * Resolves once the connection is ready (connecting a lazy one), rejects on timeout or if it ends.
 * Producers need this before their first command because their offline queue is off.
 */
export async function waitUntilReady(connection: RedisConnection, timeoutMs = 10_000): Promise<void> {
  if (connection.status === 'ready') return;
  if (connection.status === 'end') throw new Error('Redis connection was closed');
  await new Promise<void>((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (err: Error) => (lastError = err);
    const cleanup = () => {
      clearTimeout(timer);
      connection.off('ready', onReady);
      connection.off('end', onEnd);
      connection.off('error', onError);
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onEnd = () => {
      cleanup();
      reject(new Error(`Redis connection ended before it was ready${lastError ? `: ${lastError.message}` : ''}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready within ${timeoutMs} ms${lastError ? `: ${lastError.message}` : ''}`));
    }, timeoutMs);
    connection.on('ready', onReady);
    connection.on('end', onEnd);
    connection.on('error', onError);
    if (connection.status === 'wait') connection.connect().catch(onError);
  });
}

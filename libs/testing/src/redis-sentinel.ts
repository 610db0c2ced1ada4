import { startRedisServer, type RedisServerHandle, type StartRedisServerOptions } from './redis-server';

export interface StartRedisSentinelOptions extends Omit<StartRedisServerOptions, 'config'> {
  /** The master to monitor (e.g. a `startRedisServer()` handle's port). */
  masterPort: number;
  masterHost?: string;
  /** Default 'mymaster'. */
  masterName?: string;
}

export interface RedisSentinelHandle extends RedisServerHandle {
  readonly masterName: string;
  /** `redis-sentinel://127.0.0.1:<port>/<masterName>`, the form `@lf/redis` parses. */
  readonly sentinelUrl: string;
}

/** A throwaway Redis Sentinel (quorum 1) monitoring one master, to test sentinel connections and failover. */
export async function startRedisSentinel(options: StartRedisSentinelOptions): Promise<RedisSentinelHandle> {
  const { masterPort, masterHost = '127.0.0.1', masterName = 'mymaster', args = [], ...rest } = options;
  const server = await startRedisServer({
    ...rest,
    config: '',
    args: ['--sentinel', '--sentinel', 'monitor', masterName, masterHost, String(masterPort), '1', ...args],
  });
  return Object.assign(server, { masterName, sentinelUrl: `redis-sentinel://${server.host}:${server.port}/${masterName}` });
}

/**
 * Production-shaped Redis topologies on loopback ports, for the tests that prove the apps run unchanged when
 * Redis is more than one node (issue 6): a multi-master Redis Cluster built with `redis-cli --cluster create`,
 * and a master/replica pair watched by three sentinels. Every node is a `startRedisServer` child (no
 * persistence, own temp dir), so a failed start or `stop()` leaves nothing behind.
 */
import { execFile } from 'node:child_process';
import { rawRedisCommand, startRedisServer, type RedisServerHandle } from './redis-server';

const HOST = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * One command through `redis-cli` (raw output, one reply element per line). Sentinels do not accept the
 * QUIT that `rawRedisCommand` sends after its command, so they are asked this way.
 */
function redisCli(cli: string, port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cli, ['-h', HOST, '-p', String(port), '--raw', ...args], { timeout: 5_000 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(stdout.trim());
    });
  });
}

async function stopAll(nodes: readonly RedisServerHandle[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.stop()));
}

/** The value of `field` in an INFO-style (`field:value`) reply. */
function infoField(reply: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(reply)?.[1]?.trim();
}

/** Ports of the live masters in one node's CLUSTER NODES (rejects if the node does not answer). */
async function mastersSeenBy(port: number): Promise<number[]> {
  const reply = await rawRedisCommand(port, ['CLUSTER', 'NODES']);
  if (!reply.includes('myself')) throw new Error(`no CLUSTER NODES reply from port ${port}`);
  // <id> <ip:port@cport[,hostname]> <flags,...> <master-id> ...
  return reply
    .split('\n')
    .map((line) => line.split(' '))
    .filter((parts) => {
      const flags = (parts[2] ?? '').split(',');
      return flags.includes('master') && !flags.includes('fail');
    })
    .map((parts) => Number(/:(\d+)@/.exec(parts[1] ?? '')?.[1]))
    .filter((p) => p > 0)
    .sort((a, b) => a - b);
}

export interface StartRedisClusterOptions {
  /** Default 3 (the minimum `redis-cli --cluster create` accepts). */
  masters?: number;
  /** Default 1. */
  replicasPerMaster?: number;
  /** `cluster-node-timeout`: how long before a silent master is failed over. Default 2000 ms. */
  nodeTimeoutMs?: number;
  /** `redis-cli` executable; default `$REDIS_CLI_BIN`, else `redis-cli` on the PATH. */
  cliBinary?: string;
  /** Whole start-up, all nodes ok. Default 30 s. */
  startTimeoutMs?: number;
}

export interface RedisClusterTopology {
  /** `redis-cluster://127.0.0.1:<p1>,127.0.0.1:<p2>,...` (every node as a seed), the form `@lf/redis` parses. */
  readonly url: string;
  /** Every node, masters and replicas, in creation order (redis-cli picks which become replicas). */
  readonly nodes: readonly RedisServerHandle[];
  /** Ports of the nodes that are masters right now (CLUSTER NODES on a live node). */
  masterPorts(): Promise<number[]>;
  stop(): Promise<void>;
}

/**
 * `masters * (1 + replicasPerMaster)` cluster-enabled `redis-server`s, joined with
 * `redis-cli --cluster create ... --cluster-replicas N --cluster-yes`; resolves once every node reports
 * `cluster_state:ok` with all 16384 slots assigned and knows every other node.
 */
export async function startRedisCluster(options: StartRedisClusterOptions = {}): Promise<RedisClusterTopology> {
  const { masters = 3, replicasPerMaster = 1, nodeTimeoutMs = 2000, startTimeoutMs = 30_000 } = options;
  if (masters < 3) throw new Error(`startRedisCluster: masters must be at least 3 (redis-cli --cluster create), got ${masters}`);
  const cli = options.cliBinary ?? process.env['REDIS_CLI_BIN'] ?? 'redis-cli';
  const total = masters * (1 + replicasPerMaster);
  const started = await Promise.allSettled(
    Array.from({ length: total }, () =>
      startRedisServer({
        args: [
          '--cluster-enabled', 'yes',
          '--cluster-config-file', 'nodes.conf', // relative to the node's own --dir
          '--cluster-node-timeout', String(nodeTimeoutMs),
          '--cluster-announce-ip', HOST,
          '--cluster-require-full-coverage', 'yes',
        ],
      }),
    ),
  );
  const nodes = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stopAll(nodes);
    throw failed.reason;
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const args = ['--cluster', 'create', ...nodes.map((n) => `${HOST}:${n.port}`), '--cluster-replicas', String(replicasPerMaster), '--cluster-yes'];
      execFile(cli, args, { timeout: startTimeoutMs }, (err, stdout, stderr) => {
        if (!err && /All 16384 slots covered/.test(stdout)) resolve();
        else if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') reject(new Error(`startRedisCluster: '${cli}' was not found (install redis-tools, or set REDIS_CLI_BIN)`));
        else reject(new Error(`startRedisCluster: redis-cli --cluster create failed: ${err?.message ?? ''}\n${stdout}\n${stderr}`));
      });
    });
    await waitFor('startRedisCluster: not every node reported cluster_state:ok', startTimeoutMs, async () => {
      const infos = await Promise.all(nodes.map((n) => rawRedisCommand(n.port, ['CLUSTER', 'INFO'])));
      const ok = infos.every(
        (i) => infoField(i, 'cluster_state') === 'ok' && infoField(i, 'cluster_slots_ok') === '16384' && infoField(i, 'cluster_known_nodes') === String(total),
      );
      // ...and every node has seen the replicas become replicas (CLUSTER REPLICATE propagates by gossip).
      return ok && (await Promise.all(nodes.map((n) => mastersSeenBy(n.port)))).every((ports) => ports.length === masters);
    });
  } catch (err) {
    await stopAll(nodes);
    throw err;
  }
  return {
    url: `redis-cluster://${nodes.map((n) => `${HOST}:${n.port}`).join(',')}`,
    nodes,
    masterPorts: async () => {
      for (const node of nodes) {
        const ports = await mastersSeenBy(node.port).catch(() => undefined);
        if (ports) return ports;
      }
      return [];
    },
    stop: () => stopAll(nodes),
  };
}

export interface StartSentinelTopologyOptions {
  /** Default 'mymaster'. */
  masterName?: string;
  /** Default 3. */
  sentinels?: number;
  /** Default 2. */
  quorum?: number;
  /** How long a silent master takes to be subjectively down. Default 1000 ms. */
  downAfterMs?: number;
  /** Default 3000 ms. */
  failoverTimeoutMs?: number;
  /** Default 20 s. */
  startTimeoutMs?: number;
  /** `redis-cli` executable (sentinels are queried with it); default `$REDIS_CLI_BIN`, else `redis-cli`. */
  cliBinary?: string;
}

export interface SentinelTopology {
  /** `redis-sentinel://127.0.0.1:<s1>,127.0.0.1:<s2>,127.0.0.1:<s3>/<masterName>`, the form `@lf/redis` parses. */
  readonly url: string;
  readonly masterName: string;
  /** The initial master and its replica (roles swap after a failover: ask `currentMasterPort`). */
  readonly master: RedisServerHandle;
  readonly replica: RedisServerHandle;
  readonly sentinels: readonly RedisServerHandle[];
  /** The master's port as the first live sentinel reports it (SENTINEL GET-MASTER-ADDR-BY-NAME). */
  currentMasterPort(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A master, one replica (`replicaof`) in sync, and `sentinels` sentinels (quorum 2 of 3 by default, with
 * short down-after and failover timeouts so a test failover takes seconds); resolves once the replica is
 * in sync and every sentinel knows the replica and the other sentinels, i.e. once a failover could succeed.
 */
export async function startSentinelTopology(options: StartSentinelTopologyOptions = {}): Promise<SentinelTopology> {
  const { masterName = 'mymaster', sentinels: sentinelCount = 3, quorum = 2, downAfterMs = 1000, failoverTimeoutMs = 3000, startTimeoutMs = 20_000 } = options;
  const cli = options.cliBinary ?? process.env['REDIS_CLI_BIN'] ?? 'redis-cli';
  const all: RedisServerHandle[] = [];
  try {
    // Diskless sync without the default 5 s wait for more replicas: the replica is in sync at once.
    const master = await startRedisServer({ args: ['--repl-diskless-sync-delay', '0'] });
    all.push(master);
    const replica = await startRedisServer({ args: ['--replicaof', HOST, String(master.port), '--repl-diskless-sync-delay', '0'] });
    all.push(replica);
    await waitFor('startSentinelTopology: the replica did not sync', startTimeoutMs, async () =>
      infoField(await rawRedisCommand(replica.port, ['INFO', 'replication']), 'master_link_status') === 'up',
    );
    const config = [
      `sentinel monitor ${masterName} ${HOST} ${master.port} ${quorum}`,
      `sentinel down-after-milliseconds ${masterName} ${downAfterMs}`,
      `sentinel failover-timeout ${masterName} ${failoverTimeoutMs}`,
      `sentinel parallel-syncs ${masterName} 1`,
      '',
    ].join('\n');
    const sentinels = await Promise.all(Array.from({ length: sentinelCount }, () => startRedisServer({ config, args: ['--sentinel'] })));
    all.push(...sentinels);
    await waitFor('startSentinelTopology: the sentinels did not discover the replica and each other', startTimeoutMs, async () => {
      const replies = await Promise.all(sentinels.map((s) => redisCli(cli, s.port, ['SENTINEL', 'MASTER', masterName])));
      // redis-cli prints the reply's field/value pairs one per line.
      const field = (reply: string, name: string) => {
        const lines = reply.split('\n');
        return lines[lines.indexOf(name) + 1];
      };
      return replies.every((r) => field(r, 'num-slaves') === '1' && field(r, 'num-other-sentinels') === String(sentinelCount - 1));
    });
    return {
      url: `redis-sentinel://${sentinels.map((s) => `${HOST}:${s.port}`).join(',')}/${masterName}`,
      masterName,
      master,
      replica,
      sentinels,
      currentMasterPort: async () => {
        for (const s of sentinels) {
          const reply = await redisCli(cli, s.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName]).catch(() => '');
          const port = reply.split('\n')[1];
          if (port && /^\d+$/.test(port)) return Number(port);
        }
        throw new Error('startSentinelTopology: no sentinel answered GET-MASTER-ADDR-BY-NAME');
      },
      stop: () => stopAll(all),
    };
  } catch (err) {
    await stopAll(all);
    throw err;
  }
}

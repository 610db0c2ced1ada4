/**
 * The Redis panel from `INFO` (server, clients, memory, persistence, stats) and `CONFIG GET save`: pure
 * parsing here, so the rules are testable on captured text. On a Cluster each master is sampled and the
 * panel shows the fullest one (memory is per node), the sum of clients and ops/s.
 */
export interface RedisOverview {
  version: string;
  /** 'standalone' | 'cluster' | 'sentinel' (from INFO server redis_mode). */
  mode: string;
  nodes: number;
  uptimeSeconds: number;
  usedMemoryBytes: number;
  /** 0 = no limit. */
  maxMemoryBytes: number;
  /** used / max, null without a maxmemory. */
  memoryRatio: number | null;
  evictionPolicy: string;
  evictedKeys: number;
  persistence: {
    aofEnabled: boolean;
    aofLastWriteOk: boolean | null;
    /** An RDB save schedule is configured (`save` not empty); null when CONFIG GET is refused. */
    rdbEnabled: boolean | null;
    rdbLastSaveOk: boolean | null;
    rdbLastSaveTime: number | null;
    rdbChangesSinceLastSave: number;
  };
  connectedClients: number;
  blockedClients: number;
  opsPerSecond: number;
  /** total_commands_processed: a counter since the Redis server started (resets on its restart). */
  commandsProcessed: number;
}

/** `INFO` text -> field map (section headers and blank lines skipped). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) out[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return out;
}

const num = (info: Record<string, string>, field: string): number => {
  const value = Number(info[field]);
  return Number.isFinite(value) ? value : 0;
};

const okOrNull = (value: string | undefined): boolean | null => (value === undefined ? null : value === 'ok');

/** One node's panel; `saveConfig` is the `save` parameter (null when CONFIG GET is not allowed). */
export function redisOverviewFromInfo(info: Record<string, string>, saveConfig: string | null): RedisOverview {
  const used = num(info, 'used_memory');
  const max = num(info, 'maxmemory');
  const aofEnabled = info['aof_enabled'] === '1';
  return {
    version: info['redis_version'] ?? 'unknown',
    mode: info['redis_mode'] ?? 'standalone',
    nodes: 1,
    uptimeSeconds: num(info, 'uptime_in_seconds'),
    usedMemoryBytes: used,
    maxMemoryBytes: max,
    memoryRatio: max > 0 ? used / max : null,
    evictionPolicy: info['maxmemory_policy'] ?? 'unknown',
    evictedKeys: num(info, 'evicted_keys'),
    persistence: {
      aofEnabled,
      aofLastWriteOk: aofEnabled ? okOrNull(info['aof_last_write_status']) : null,
      rdbEnabled: saveConfig === null ? null : saveConfig.trim() !== '',
      rdbLastSaveOk: okOrNull(info['rdb_last_bgsave_status']),
      rdbLastSaveTime: info['rdb_last_save_time'] !== undefined ? num(info, 'rdb_last_save_time') : null,
      rdbChangesSinceLastSave: num(info, 'rdb_changes_since_last_save'),
    },
    connectedClients: num(info, 'connected_clients'),
    blockedClients: num(info, 'blocked_clients'),
    opsPerSecond: num(info, 'instantaneous_ops_per_sec'),
    commandsProcessed: num(info, 'total_commands_processed'),
  };
}

/** Several masters (Cluster) -> one panel: the fullest node's memory, summed clients and ops/s. */
export function combineNodes(nodes: readonly RedisOverview[]): RedisOverview {
  if (nodes.length === 0) throw new Error('combineNodes: no node');
  if (nodes.length === 1) return nodes[0];
  const ratio = (n: RedisOverview) => n.memoryRatio ?? n.usedMemoryBytes / Number.MAX_SAFE_INTEGER;
  const fullest = nodes.reduce((a, b) => (ratio(b) > ratio(a) ? b : a));
  const riskiest = nodes.find((n) => n.evictionPolicy !== 'noeviction') ?? fullest;
  const sum = (f: (n: RedisOverview) => number) => nodes.reduce((acc, n) => acc + f(n), 0);
  return {
    ...fullest,
    nodes: nodes.length,
    evictionPolicy: riskiest.evictionPolicy,
    evictedKeys: sum((n) => n.evictedKeys),
    persistence: {
      ...fullest.persistence,
      aofEnabled: nodes.every((n) => n.persistence.aofEnabled),
      rdbEnabled: nodes.some((n) => n.persistence.rdbEnabled === null) ? null : nodes.every((n) => n.persistence.rdbEnabled),
      rdbLastSaveOk: nodes.some((n) => n.persistence.rdbLastSaveOk === false) ? false : fullest.persistence.rdbLastSaveOk,
      aofLastWriteOk: nodes.some((n) => n.persistence.aofLastWriteOk === false) ? false : fullest.persistence.aofLastWriteOk,
    },
    connectedClients: sum((n) => n.connectedClients),
    blockedClients: sum((n) => n.blockedClients),
    opsPerSecond: sum((n) => n.opsPerSecond),
    commandsProcessed: sum((n) => n.commandsProcessed),
  };
}

import { combineNodes, parseInfo, redisOverviewFromInfo } from './redis-info';

const INFO = [
  '# Server',
  'redis_version:7.0.15',
  'redis_mode:standalone',
  'uptime_in_seconds:3600',
  '',
  '# Clients',
  'connected_clients:12',
  'blocked_clients:5',
  '',
  '# Memory',
  'used_memory:52428800',
  'maxmemory:104857600',
  'maxmemory_policy:allkeys-lru',
  '',
  '# Persistence',
  'rdb_changes_since_last_save:42',
  'rdb_last_save_time:1700000000',
  'rdb_last_bgsave_status:ok',
  'aof_enabled:1',
  'aof_last_write_status:err',
  '',
  '# Stats',
  'instantaneous_ops_per_sec:1234',
  'total_commands_processed:987654',
  'evicted_keys:7',
].join('\r\n');

describe('redis INFO', () => {
  it('parses fields and skips section headers', () => {
    const info = parseInfo(INFO);
    expect(info['redis_version']).toBe('7.0.15');
    expect(info['# Server']).toBeUndefined();
    expect(Object.keys(info)).toHaveLength(16);
  });

  it('builds the panel: memory ratio, policy, persistence, clients, ops/s', () => {
    expect(redisOverviewFromInfo(parseInfo(INFO), '3600 1 300 100')).toEqual({
      version: '7.0.15',
      mode: 'standalone',
      nodes: 1,
      uptimeSeconds: 3600,
      usedMemoryBytes: 52428800,
      maxMemoryBytes: 104857600,
      memoryRatio: 0.5,
      evictionPolicy: 'allkeys-lru',
      evictedKeys: 7,
      persistence: { aofEnabled: true, aofLastWriteOk: false, rdbEnabled: true, rdbLastSaveOk: true, rdbLastSaveTime: 1700000000, rdbChangesSinceLastSave: 42 },
      connectedClients: 12,
      blockedClients: 5,
      opsPerSecond: 1234,
      commandsProcessed: 987654,
    });
  });

  it('has no ratio without maxmemory, and an unknown RDB schedule when CONFIG GET is refused', () => {
    const panel = redisOverviewFromInfo(parseInfo('used_memory:10\nmaxmemory:0\nmaxmemory_policy:noeviction\naof_enabled:0'), null);
    expect(panel.memoryRatio).toBeNull();
    expect(panel.persistence.rdbEnabled).toBeNull();
    expect(panel.persistence.aofLastWriteOk).toBeNull();
    expect(redisOverviewFromInfo(parseInfo('aof_enabled:0'), '').persistence.rdbEnabled).toBe(false);
  });

  it('combines Cluster masters: the fullest node, any risky policy, summed clients and ops', () => {
    const a = redisOverviewFromInfo(parseInfo('used_memory:10\nmaxmemory:100\nmaxmemory_policy:noeviction\nconnected_clients:3\ninstantaneous_ops_per_sec:5\ntotal_commands_processed:100'), '');
    const b = redisOverviewFromInfo(parseInfo('used_memory:90\nmaxmemory:100\nmaxmemory_policy:volatile-lru\nconnected_clients:4\ninstantaneous_ops_per_sec:6\ntotal_commands_processed:250'), '');
    const combined = combineNodes([a, b]);
    expect(combined.nodes).toBe(2);
    expect(combined.memoryRatio).toBe(0.9);
    expect(combined.evictionPolicy).toBe('volatile-lru');
    expect(combined.connectedClients).toBe(7);
    expect(combined.opsPerSecond).toBe(11);
    expect(combined.commandsProcessed).toBe(350);
  });
});

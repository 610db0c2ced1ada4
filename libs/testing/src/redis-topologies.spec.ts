import { rawRedisCommand } from './redis-server';
import { startRedisCluster, startSentinelTopology } from './redis-topologies';

describe('startRedisCluster', () => {
  it('creates a 3-master, 3-replica cluster that every node reports ok, and stop() ends every node', async () => {
    const cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
    try {
      expect(cluster.nodes).toHaveLength(6);
      expect(cluster.url).toMatch(/^redis-cluster:\/\/(127\.0\.0\.1:\d+,){5}127\.0\.0\.1:\d+$/);
      for (const node of cluster.nodes) {
        const info = await rawRedisCommand(node.port, ['CLUSTER', 'INFO']);
        expect(info).toContain('cluster_state:ok');
        expect(info).toContain('cluster_size:3');
      }
      expect(await cluster.masterPorts()).toHaveLength(3);
      // The server enforces slots: a key owned by another master is answered with MOVED somewhere.
      const replies = await Promise.all(cluster.nodes.map((n) => rawRedisCommand(n.port, ['GET', 'some-key'])));
      expect(replies.some((r) => r.startsWith('-MOVED'))).toBe(true);
    } finally {
      await cluster.stop();
    }
    expect(await rawRedisCommand(cluster.nodes[0].port, ['PING']).catch((e: NodeJS.ErrnoException) => e.code)).toBe('ECONNREFUSED');
  }, 40_000);

  it('refuses fewer than 3 masters with a clear error', async () => {
    await expect(startRedisCluster({ masters: 2 })).rejects.toThrow(/masters must be at least 3/);
  });
});

describe('startSentinelTopology', () => {
  it('starts a synced master/replica pair watched by three sentinels that agree on the master', async () => {
    const topology = await startSentinelTopology();
    try {
      expect(topology.sentinels).toHaveLength(3);
      expect(topology.url).toBe(`redis-sentinel://${topology.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/mymaster`);
      expect(await topology.currentMasterPort()).toBe(topology.master.port);
      expect(await rawRedisCommand(topology.replica.port, ['INFO', 'replication'])).toMatch(/master_link_status:up/);
      expect(await rawRedisCommand(topology.master.port, ['INFO', 'replication'])).toMatch(/connected_slaves:1/);
    } finally {
      await topology.stop();
    }
  }, 40_000);

  it('promotes the replica when the master is killed', async () => {
    const topology = await startSentinelTopology();
    try {
      await topology.master.kill('SIGKILL');
      const started = Date.now();
      while ((await topology.currentMasterPort()) !== topology.replica.port) {
        if (Date.now() - started > 20_000) throw new Error('no failover within 20 s');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await rawRedisCommand(topology.replica.port, ['INFO', 'replication'])).toMatch(/role:master/);
    } finally {
      await topology.stop();
    }
  }, 40_000);
});

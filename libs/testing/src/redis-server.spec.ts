import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { freePort } from './free-port';
import { startSingleNodeRedisCluster } from './redis-cluster';
import { rawRedisCommand, startRedisServer } from './redis-server';
import { startRedisSentinel } from './redis-sentinel';

/** Sends one inline command and returns the first reply line, or the socket error code. */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    socket.once('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.endsWith('\r\n')) {
        socket.destroy();
        resolve(reply.trimEnd());
      }
    });
  });
}

describe('freePort', () => {
  it('returns a loopback port that can be bound', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('startRedisServer', () => {
  it('starts an isolated server, answers commands, and stop() removes it and its dir', async () => {
    const [a, b] = await Promise.all([startRedisServer(), startRedisServer()]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.url).toBe(`redis://127.0.0.1:${a.port}`);
      expect(await command(a.port, 'SET k only-in-a')).toBe('+OK');
      expect(await command(b.port, 'EXISTS k')).toBe(':0');
      expect(await command(a.port, 'CONFIG GET appendonly')).toContain('no');
      expect(existsSync(a.dir)).toBe(true);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(await command(a.port, 'PING')).toBe('ECONNREFUSED');
    expect(existsSync(a.dir)).toBe(false);
    await a.stop(); // idempotent
  });

  it('kill() crashes the server and restart() brings it back on the same port, empty', async () => {
    const server = await startRedisServer();
    try {
      await command(server.port, 'SET k v');
      await server.kill();
      expect(await command(server.port, 'PING')).toBe('ECONNREFUSED');
      await server.restart();
      expect(await command(server.port, 'PING')).toBe('+PONG');
      expect(await command(server.port, 'EXISTS k')).toBe(':0');
    } finally {
      await server.stop();
    }
  });

  it('passes extra args, so persistence can survive a restart', async () => {
    const server = await startRedisServer({ args: ['--appendonly', 'yes'] });
    try {
      await command(server.port, 'SET k kept');
      await server.restart();
      expect(await command(server.port, 'GET k')).toBe('$4\r\nkept');
    } finally {
      await server.stop();
    }
  });

  it('names what to install when redis-server is missing', async () => {
    await expect(startRedisServer({ binary: 'redis-server-that-does-not-exist' })).rejects.toThrow(
      /redis-server-that-does-not-exist' was not found\. Install Redis 7 .*REDIS_SERVER_BIN/,
    );
  });

  it('reports a server that exits during start-up, with its log', async () => {
    await expect(startRedisServer({ args: ['--no-such-directive', 'x'] })).rejects.toThrow(/exited during start-up/);
  });

  it('starts a sentinel that monitors a throwaway master', async () => {
    const master = await startRedisServer();
    const sentinel = await startRedisSentinel({ masterPort: master.port, masterName: 'lf' });
    try {
      expect(sentinel.sentinelUrl).toBe(`redis-sentinel://127.0.0.1:${sentinel.port}/lf`);
      expect(await command(sentinel.port, 'SENTINEL get-master-addr-by-name lf')).toContain(String(master.port));
    } finally {
      await Promise.all([sentinel.stop(), master.stop()]);
    }
  });

  it('starts a one-node cluster that owns every slot', async () => {
    const cluster = await startSingleNodeRedisCluster();
    try {
      expect(cluster.clusterUrl).toBe(`redis-cluster://127.0.0.1:${cluster.port}`);
      expect(await rawRedisCommand(cluster.port, ['CLUSTER', 'INFO'])).toContain('cluster_slots_assigned:16384');
      expect(await rawRedisCommand(cluster.port, ['CLUSTER', 'SLOTS'])).toContain('127.0.0.1');
      expect(await rawRedisCommand(cluster.port, ['MSET', '{a}x', '1', '{b}y', '2'])).toMatch(/^-CROSSSLOT/);
    } finally {
      await cluster.stop();
    }
  });
});

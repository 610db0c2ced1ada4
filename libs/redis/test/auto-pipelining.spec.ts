/**
 * `?autoPipelining=true` in REDIS_URL really batches: commands issued in one event-loop turn reach the
 * server in one read, which INFO's total_net_input_bytes cannot tell but the client's own stream writes can.
 */
import { startRedisServer, type RedisServerHandle } from '@lf/testing';
import { createRedisConnection, waitUntilReady, type RedisConnection } from '../src/redis-connection';

let server: RedisServerHandle;
beforeAll(async () => {
  server = await startRedisServer();
}, 15_000);
afterAll(async () => server.stop());

/** Socket writes made while `work` runs on a fresh connection to `url`. */
async function writesDuring(url: string, work: (c: RedisConnection) => Promise<unknown>): Promise<number> {
  const connection = createRedisConnection(url, { role: 'producer', name: 'pipelining-spec' });
  try {
    await waitUntilReady(connection);
    const stream = (connection as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
    const write = stream.write.bind(stream);
    let writes = 0;
    stream.write = (...args: unknown[]) => {
      writes++;
      return write(...args);
    };
    await work(connection);
    return writes;
  } finally {
    connection.disconnect();
  }
}

const twentySets = (c: RedisConnection) => Promise.all(Array.from({ length: 20 }, (_, i) => c.set(`pipelining:${i}`, String(i))));

it('is off by default: one write per command', async () => {
  expect(await writesDuring(server.url, twentySets)).toBe(20);
});

it('with ?autoPipelining=true, sends the commands of one turn together and still answers each', async () => {
  const writes = await writesDuring(`${server.url}?autoPipelining=true`, async (c) => {
    const replies = await twentySets(c);
    expect(replies).toEqual(Array(20).fill('OK'));
    expect(await c.get('pipelining:7')).toBe('7');
  });
  expect(writes).toBeLessThanOrEqual(2);
});

import { countWorkers, parseClientList, workerClientName } from './client-list';

describe('workers from CLIENT LIST', () => {
  const prefix = '{lf:q:imaging}';
  const list = [
    'id=4 addr=127.0.0.1:55274 laddr=127.0.0.1:6379 fd=8 name= age=2 idle=0 flags=N db=0 cmd=client|list',
    `id=6 addr=127.0.0.1:55286 fd=10 name=${prefix}:aW1hZ2luZw== age=2 idle=2 flags=b db=0 cmd=bzpopmin`,
    `id=7 addr=127.0.0.1:55290 fd=11 name=${prefix}:aW1hZ2luZw==:w:imaging-worker-2 age=9 idle=1 flags=b db=0 cmd=bzpopmin`,
    'id=8 addr=127.0.0.1:55292 fd=12 name={lf:q:tabular}:dGFidWxhcg== age=9 idle=1 flags=b db=0 cmd=bzpopmin',
    `id=9 addr=127.0.0.1:55294 fd=13 name=${prefix}:aW1hZ2luZw==:qe age=9 idle=1 flags=N db=0 cmd=xread`,
    '',
  ].join('\n');

  it('names a queue the way BullMQ does (prefix and base64 queue name)', () => {
    expect(workerClientName(prefix, 'imaging')).toBe(`${prefix}:aW1hZ2luZw==`);
  });

  it('counts unnamed and named workers of the queue, not other queues or QueueEvents', () => {
    const clients = parseClientList(list);
    expect(clients).toHaveLength(5);
    expect(clients[1]).toEqual({ name: `${prefix}:aW1hZ2luZw==`, idle: 2 });
    expect(countWorkers(clients, workerClientName(prefix, 'imaging'))).toBe(2);
    expect(countWorkers(clients, workerClientName('{lf:q:tabular}', 'tabular'))).toBe(1);
    expect(countWorkers(clients, workerClientName('{lf:q:vitals}', 'vitals'))).toBe(0);
  });
});

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookPolicy } from '@lf/contracts';
import { deliverWebhook, postWebhook } from './deliver-webhook';

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let port: number;
const hits: Hit[] = [];
const hugeClosed: number[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      hits.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (path === '/ok') res.writeHead(204).end();
      else if (path === '/accepted') res.writeHead(202, { 'content-type': 'text/plain' }).end('queued');
      else if (path === '/error') res.writeHead(500).end('boom');
      else if (path === '/redirect') res.writeHead(302, { location: `http://127.0.0.1:${port}/redirect-target` }).end();
      else if (path === '/redirect-target') res.writeHead(200).end();
      else if (path === '/slow') setTimeout(() => res.writeHead(200).end(), 2_000).unref();
      else if (path === '/huge') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 1);
        const pump = () => {
          while (res.write(chunk)) if (res.destroyed) return;
          res.once('drain', pump);
        };
        res.on('error', () => undefined);
        res.once('close', () => hugeClosed.push(Date.now()));
        pump();
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  hits.length = 0;
});

const loopback = { address: '127.0.0.1', family: 4 as const };
const post = (path: string, over: Partial<Parameters<typeof postWebhook>[0]> = {}) =>
  postWebhook({
    url: new URL(`http://127.0.0.1:${port}${path}`),
    address: loopback,
    body: '{"id":"evt_1"}',
    headers: { 'content-type': 'application/json', 'LF-Signature': 't=1,v1=ab', 'LF-Event-Id': 'evt_1' },
    timeoutMs: 1_000,
    ...over,
  });

describe('postWebhook', () => {
  it('POSTs the body with its headers; 2xx is delivered', async () => {
    expect(await post('/ok')).toMatchObject({ ok: true, status: 204 });
    expect(await post('/accepted')).toMatchObject({ ok: true, status: 202 });
    expect(hits[0]).toMatchObject({ path: '/ok', body: '{"id":"evt_1"}' });
    expect(hits[0].headers).toMatchObject({
      'content-type': 'application/json',
      'content-length': '14',
      'lf-signature': 't=1,v1=ab',
      'lf-event-id': 'evt_1',
      'user-agent': 'late-fusion-webhooks/1',
    });
  });

  it('reports a non-2xx status as a retryable failure', async () => {
    expect(await post('/error')).toMatchObject({ ok: false, kind: 'http-status', status: 500, message: 'HTTP 500', permanent: false });
    expect(await post('/nowhere')).toMatchObject({ ok: false, kind: 'http-status', status: 404 });
  });

  it('does not follow a redirect: a 3xx is a failed attempt and the target is never called', async () => {
    expect(await post('/redirect')).toMatchObject({ ok: false, kind: 'redirect', status: 302, message: 'HTTP 302: redirects are not followed' });
    await new Promise((r) => setTimeout(r, 50));
    expect(hits.map((h) => h.path)).toEqual(['/redirect']);
  });

  it('gives up after the timeout', async () => {
    // The receiver answers after 2 s: a 'timeout' result can only come from our own 200 ms timer. The bound
    // is the receiver's delay, not a tight figure, because a loaded CI machine can run timers late.
    const started = Date.now();
    expect(await post('/slow', { timeoutMs: 200 })).toMatchObject({ ok: false, kind: 'timeout', message: 'no response within 200 ms' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a refused connection as a network error', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const result = await postWebhook({ url: new URL(`http://127.0.0.1:${closedPort}/`), address: loopback, body: '{}', headers: {}, timeoutMs: 1_000 });
    expect(result).toMatchObject({ ok: false, kind: 'network', message: 'network error ECONNREFUSED' });
  });

  it('connects to the approved address, whatever the host name would resolve to, with the name in Host', async () => {
    const result = await postWebhook({ url: new URL(`http://receiver.invalid:${port}/ok`), address: loopback, body: '{}', headers: {}, timeoutMs: 1_000 });
    expect(result).toMatchObject({ ok: true, status: 204 });
    expect(hits[0].headers.host).toBe(`receiver.invalid:${port}`);
  });

  it('drops the connection once the response body passes the cap (well before the timeout)', async () => {
    // The receiver streams without end, so only the cap can close the socket before the 30 s timeout;
    // half of it is a generous bound for a loaded CI machine and still proves the cap did it.
    const started = Date.now();
    expect(await post('/huge', { maxResponseBytes: 128 * 1024, timeoutMs: 30_000 })).toMatchObject({ ok: true, status: 200 });
    for (let i = 0; i < 1_500 && hugeClosed.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(hugeClosed).toHaveLength(1);
    expect(hugeClosed[0] - started).toBeLessThan(15_000);
  }, 30_000);
});

describe('deliverWebhook', () => {
  const open: WebhookPolicy = { allowedHosts: ['receiver.test'], allowHttp: true, allowPrivateNetworks: true };

  it('re-checks the URL with fresh DNS and delivers to the address it approved', async () => {
    const resolve = jest.fn(async () => [{ address: '127.0.0.1', family: 4 as const }]);
    const result = await deliverWebhook({ url: `http://receiver.test:${port}/ok`, policy: open, body: '{}', headers: {}, timeoutMs: 1_000, resolve });
    expect(result).toMatchObject({ ok: true, status: 204 });
    expect(resolve).toHaveBeenCalledWith('receiver.test');
  });

  it('refuses to deliver when the host now resolves to a private address (DNS rebinding)', async () => {
    const resolve = async () => [{ address: '127.0.0.1', family: 4 as const }];
    const result = await deliverWebhook({ url: `http://receiver.test:${port}/ok`, policy: { ...open, allowPrivateNetworks: false }, body: '{}', headers: {}, timeoutMs: 1_000, resolve });
    expect(result).toMatchObject({ ok: false, kind: 'blocked', problem: 'private-address', permanent: false });
    expect(result.ok === false && result.message).toMatch(/^blocked by the URL policy: host 'receiver.test' resolves to 127.0.0.1/);
    expect(hits).toEqual([]);
  });

  it('refuses a host that left the allow-list, permanently', async () => {
    const result = await deliverWebhook({ url: `http://receiver.test:${port}/ok`, policy: { ...open, allowedHosts: ['other.test'] }, body: '{}', headers: {}, timeoutMs: 1_000, resolve: async () => [] });
    expect(result).toMatchObject({ ok: false, kind: 'blocked', problem: 'host-not-allowed', permanent: true });
    expect(hits).toEqual([]);
  });
});

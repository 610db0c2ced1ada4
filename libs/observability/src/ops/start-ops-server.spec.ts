import { createMetrics } from '../metrics/create-metrics';
import { startOpsServer, type OpsServer } from './start-ops-server';

describe('startOpsServer', () => {
  let server: OpsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves liveness always, readiness 503 until ready, and Prometheus metrics', async () => {
    let ready = false;
    const metrics = createMetrics('ops-test');
    metrics.counter({ name: 'lf_jobs_processed_total', help: 'Jobs handled.', labelNames: ['queue', 'status'] }).inc({ queue: 'imaging', status: 'ok' });
    server = await startOpsServer({ port: 0, host: '127.0.0.1', isReady: () => ready, metrics });

    const live = await fetch(`${server.url}/health/live`);
    expect(live.status).toBe(200);

    const notReady = await fetch(`${server.url}/health/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not-ready' });

    ready = true;
    const isReady = await fetch(`${server.url}/health/ready`);
    expect(isReady.status).toBe(200);

    const scrape = await fetch(`${server.url}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toContain('text/plain');
    const text = await scrape.text();
    expect(text).toContain('lf_jobs_processed_total{queue="imaging",status="ok",app="ops-test"} 1');
    expect(text).toContain('process_cpu_user_seconds_total');

    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('treats a throwing or hanging readiness check as not ready', async () => {
    server = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      isReady: () => new Promise<boolean>(() => undefined),
      metrics: createMetrics('ops-test', { defaultMetrics: false }),
      readyTimeoutMs: 50,
    });
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(503);
    await server.close();

    server = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      isReady: async () => {
        throw new Error('redis down');
      },
      metrics: createMetrics('ops-test', { defaultMetrics: false }),
    });
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(503);
  });
});

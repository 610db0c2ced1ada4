import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/**
 * Health and metrics for processes without an HTTP framework (workers): `/health/live` (the event loop
 * answers), `/health/ready` (503 until `isReady` says yes: Kubernetes sends no traffic and a rolling update
 * waits) and `/metrics` (Prometheus text). Deliberately node:http only: it must keep answering while the
 * app's own machinery is starting or broken.
 */
export interface OpsServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  isReady: () => Promise<boolean> | boolean;
  metrics: { registry: Registry } | Registry;
  /** A readiness check slower than this counts as not ready. Default 2000 ms. */
  readyTimeoutMs?: number;
}

export interface OpsServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const registry = 'registry' in options.metrics ? options.metrics.registry : options.metrics;
  const readyTimeoutMs = options.readyTimeoutMs ?? 2000;

  const checkReady = async (): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), readyTimeoutMs);
    });
    try {
      return await Promise.race([Promise.resolve().then(options.isReady), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' });
    switch (path) {
      case '/health/live':
        return send(res, 200, { status: 'live' });
      case '/health/ready':
        return (await checkReady()) ? send(res, 200, { status: 'ready' }) : send(res, 503, { status: 'not-ready' });
      case '/metrics': {
        const body = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      default:
        return send(res, 404, { error: 'not found' });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  // Keep-alive scrapers must not hold a shutdown open.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';

  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, body: Record<string, string>): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

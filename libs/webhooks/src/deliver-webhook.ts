import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { WebhookPolicy } from '@lf/contracts';
import { checkCallbackUrl, systemResolver, type CallbackUrlProblem, type ResolvedAddress, type Resolver } from './callback-url-policy';

/**
 * One HTTP POST of a signed webhook body. Deliberately plain node:http(s):
 * - the socket goes to `address`, the address the URL policy approved (a `lookup` that answers with it), while
 *   the Host header and TLS (SNI, certificate check) still use the host name;
 * - no redirects are followed: a 3xx is a failed attempt ("redirects are not followed"), or a receiver
 *   could bounce a delivery to a host the policy never approved;
 * - no connection reuse (`agent: false`): a pooled socket would skip the per-delivery address check;
 * - a hard overall timeout, and the response body is drained up to a small cap, never read or logged.
 */
export interface PostWebhookRequest {
  url: URL;
  /** Connect here (from `checkCallbackUrl`). */
  address: ResolvedAddress;
  body: string;
  headers: Record<string, string>;
  /** Whole exchange, connect to response headers. */
  timeoutMs: number;
  /** Response bytes drained before the socket is dropped. Default 64 KiB. */
  maxResponseBytes?: number;
}

export type DeliveryFailureKind = 'http-status' | 'redirect' | 'timeout' | 'network' | 'blocked';

export type DeliveryResult =
  | { ok: true; status: number; durationMs: number }
  | {
      ok: false;
      kind: DeliveryFailureKind;
      /** The HTTP status, for 'http-status' and 'redirect'. */
      status?: number;
      /** Short, safe to store and log: a status, an error code or the policy rule; never the body or URL credentials. */
      message: string;
      /** Only a change of URL or policy can fix it (blocked by a static policy rule): not worth retrying. */
      permanent: boolean;
      /** For 'blocked'. */
      problem?: CallbackUrlProblem;
      durationMs: number;
    };

const USER_AGENT = 'late-fusion-webhooks/1';

export function postWebhook(req: PostWebhookRequest): Promise<DeliveryResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
  const maxResponseBytes = req.maxResponseBytes ?? 64 * 1024;
  const pinned: LookupFunction = (_hostname, options, callback) => {
    // Node asks for all addresses when it races IPv4/IPv6 (autoSelectFamily); answer with the approved one only.
    const cb = callback as (err: NodeJS.ErrnoException | null, address: string | Array<{ address: string; family: number }>, family?: number) => void;
    if ((options as { all?: boolean }).all) cb(null, [{ address: req.address.address, family: req.address.family }]);
    else cb(null, req.address.address, req.address.family);
  };
  const body = Buffer.from(req.body, 'utf8');
  const options: RequestOptions = {
    method: 'POST',
    protocol: req.url.protocol,
    hostname: req.url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: req.url.port || undefined,
    path: `${req.url.pathname}${req.url.search}`,
    headers: { 'user-agent': USER_AGENT, ...req.headers, 'content-length': String(body.length) },
    agent: false,
    lookup: pinned,
  };

  return new Promise<DeliveryResult>((resolve) => {
    let settled = false;
    const settle = (result: DeliveryResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const request = (req.url.protocol === 'https:' ? httpsRequest : httpRequest)(options, (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      let drained = 0;
      res.on('data', (chunk: Buffer) => {
        drained += chunk.length;
        if (drained > maxResponseBytes) res.destroy();
      });
      res.on('error', () => undefined);
      res.once('close', () => clearTimeout(timer));
      const durationMs = elapsed();
      if (status >= 200 && status < 300) settle({ ok: true, status, durationMs });
      else if (status >= 300 && status < 400) {
        settle({ ok: false, kind: 'redirect', status, message: `HTTP ${status}: redirects are not followed`, permanent: false, durationMs });
      } else settle({ ok: false, kind: 'http-status', status, message: `HTTP ${status}`, permanent: false, durationMs });
    });
    const timer = setTimeout(() => {
      settle({ ok: false, kind: 'timeout', message: `no response within ${req.timeoutMs} ms`, permanent: false, durationMs: elapsed() });
      request.destroy();
    }, req.timeoutMs);
    request.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      settle({ ok: false, kind: 'network', message: err.code ? `network error ${err.code}` : 'network error', permanent: false, durationMs: elapsed() });
    });
    request.end(body);
  });
}

export interface DeliverWebhookRequest {
  url: string;
  policy: WebhookPolicy;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  resolve?: Resolver;
  maxResponseBytes?: number;
}

/** Re-checks the URL against the policy (resolving DNS afresh), then posts to the first approved address. */
export async function deliverWebhook(req: DeliverWebhookRequest): Promise<DeliveryResult> {
  const started = Date.now();
  const check = await checkCallbackUrl(req.url, req.policy, req.resolve ?? systemResolver);
  if (!check.ok) {
    return { ok: false, kind: 'blocked', message: `blocked by the URL policy: ${check.reason}`, permanent: check.permanent, problem: check.problem, durationMs: Date.now() - started };
  }
  return postWebhook({
    url: check.url,
    address: check.addresses[0],
    body: req.body,
    headers: req.headers,
    timeoutMs: req.timeoutMs,
    ...(req.maxResponseBytes !== undefined ? { maxResponseBytes: req.maxResponseBytes } : {}),
  });
}

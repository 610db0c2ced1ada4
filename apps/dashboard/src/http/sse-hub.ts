/**
 * The live stream (GET /api/stream): server-sent events fed by the sampler. On connect the current
 * overview goes out at once; then `event: overview` every tick and `event: point` for each new history
 * point; a comment line every 15 s keeps proxies from closing an idle stream. Streams are counted and
 * capped, and ended on shutdown so the server can close.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { DashboardSampler } from '../sampling/dashboard-sampler';

const HEARTBEAT_MS = 15_000;

export class SseHub {
  private readonly streams = new Set<ServerResponse>();

  constructor(
    private readonly sampler: Pick<DashboardSampler, 'subscribe' | 'overview'>,
    private readonly maxStreams = 100,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  get full(): boolean {
    return this.streams.size >= this.maxStreams;
  }

  open(reply: FastifyReply): void {
    const raw = reply.raw;
    reply.hijack();
    raw.on('error', () => undefined);
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const write = (chunk: string) => {
      if (!raw.writableEnded && !raw.destroyed) raw.write(chunk);
    };
    write('retry: 3000\n\n');
    const current = this.sampler.overview;
    if (current) write(sseEvent('overview', current));
    const unsubscribe = this.sampler.subscribe({
      overview: (o) => write(sseEvent('overview', o)),
      point: (p) => write(sseEvent('point', p)),
    });
    const heartbeat = setInterval(() => write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    this.streams.add(raw);
    raw.once('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.streams.delete(raw);
    });
  }

  closeAll(): void {
    for (const raw of this.streams) if (!raw.writableEnded) raw.end();
    this.streams.clear();
  }
}

/** One event: data is one JSON line, so it needs no splitting. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

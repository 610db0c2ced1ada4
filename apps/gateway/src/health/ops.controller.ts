import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GATEWAY_METRICS, READINESS } from '../gateway.tokens';
import type { GatewayMetrics } from '../gateway-metrics';

/** Ready = accepting traffic and Redis answers PING in time. */
export interface Readiness {
  isReady(): Promise<boolean>;
  /** Extra fields for /health/ready (e.g. the backpressure state), which never change its status code. */
  detail?(): Record<string, unknown>;
}

@Controller()
export class OpsController {
  constructor(
    @Inject(READINESS) private readonly readiness: Readiness,
    @Inject(GATEWAY_METRICS) private readonly metrics: GatewayMetrics,
  ) {}

  @Get('health/live')
  @Header('cache-control', 'no-store')
  live(): { status: 'live' } {
    return { status: 'live' };
  }

  @Get('health/ready')
  @Header('cache-control', 'no-store')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ status: 'ready' | 'not-ready' } & Record<string, unknown>> {
    const detail = this.readiness.detail?.() ?? {};
    if (await this.readiness.isReady()) return { ...detail, status: 'ready' };
    void reply.code(503);
    return { ...detail, status: 'not-ready' };
  }

  @Get('metrics')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { registry } = this.metrics.base;
    void reply.type(registry.contentType);
    return registry.metrics();
  }
}

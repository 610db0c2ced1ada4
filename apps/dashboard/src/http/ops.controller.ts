import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DASHBOARD_METRICS, READINESS } from '../dashboard.tokens';
import type { DashboardMetrics } from '../dashboard-metrics';

/** Ready = not shutting down and Redis answers PING in time. */
export interface Readiness {
  isReady(): Promise<boolean>;
}

/** Unauthenticated: Kubernetes probes and Prometheus. */
@Controller()
export class OpsController {
  constructor(
    @Inject(READINESS) private readonly readiness: Readiness,
    @Inject(DASHBOARD_METRICS) private readonly metrics: DashboardMetrics,
  ) {}

  @Get('health/live')
  @Header('cache-control', 'no-store')
  live(): { status: 'live' } {
    return { status: 'live' };
  }

  @Get('health/ready')
  @Header('cache-control', 'no-store')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ status: 'ready' | 'not-ready' }> {
    if (await this.readiness.isReady()) return { status: 'ready' };
    void reply.code(503);
    return { status: 'not-ready' };
  }

  @Get('metrics')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { registry } = this.metrics.base;
    void reply.type(registry.contentType);
    return registry.metrics();
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { ASSETS, AUTH, DASHBOARD_METRICS, HISTORY_LIMITS, JOB_READER, READINESS, SAMPLER, SSE_HUB } from './dashboard.tokens';
import type { DashboardMetrics } from './dashboard-metrics';
import { ApiController, type HistoryLimits } from './http/api.controller';
import type { Assets } from './http/assets';
import { AuthController, type AuthDeps } from './http/auth.controller';
import { OpsController, type Readiness } from './http/ops.controller';
import { PagesController } from './http/pages.controller';
import type { SseHub } from './http/sse-hub';
import type { JobReader } from './jobs/job-reader';
import type { DashboardSampler } from './sampling/dashboard-sampler';

export interface DashboardModuleDeps {
  sampler: DashboardSampler;
  jobs: JobReader;
  hub: SseHub;
  metrics: DashboardMetrics;
  readiness: Readiness;
  assets: Assets;
  auth: AuthDeps;
  historyLimits: HistoryLimits;
}

/** HTTP only; the sampler, Redis connection and key table are built and closed by createDashboard. */
@Module({})
export class DashboardModule {
  static forRoot(deps: DashboardModuleDeps): DynamicModule {
    return {
      module: DashboardModule,
      controllers: [ApiController, PagesController, OpsController, AuthController],
      providers: [
        { provide: SAMPLER, useValue: deps.sampler },
        { provide: JOB_READER, useValue: deps.jobs },
        { provide: SSE_HUB, useValue: deps.hub },
        { provide: DASHBOARD_METRICS, useValue: deps.metrics },
        { provide: READINESS, useValue: deps.readiness },
        { provide: ASSETS, useValue: deps.assets },
        { provide: AUTH, useValue: deps.auth },
        { provide: HISTORY_LIMITS, useValue: deps.historyLimits },
      ],
    };
  }
}

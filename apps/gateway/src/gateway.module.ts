import { Module, type DynamicModule } from '@nestjs/common';
import type { CaseStore } from '@lf/redis';
import { CasesController } from './cases/cases.controller';
import type { CaseSubmissionService } from './cases/case-submission.service';
import type { GatewayMetrics } from './gateway-metrics';
import { CASE_READER, CASE_SUBMISSION, GATEWAY_METRICS, OPENAPI_DOCUMENT, READINESS } from './gateway.tokens';
import { DocsController } from './openapi/docs.controller';
import { OpsController, type Readiness } from './health/ops.controller';

export interface GatewayModuleDeps {
  submission: CaseSubmissionService;
  store: Pick<CaseStore, 'get'>;
  metrics: GatewayMetrics;
  readiness: Readiness;
  /** The OpenAPI document served at /openapi.json. */
  openapi: unknown;
}

/**
 * HTTP only. Connections, queues and the case store are built (and closed, in order) by createGateway,
 * which hands them in here: nothing in this module declares a BullMQ processor or opens a Worker, so the
 * gateway can never start consuming jobs.
 */
@Module({})
export class GatewayModule {
  static forRoot(deps: GatewayModuleDeps): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [CasesController, OpsController, DocsController],
      providers: [
        { provide: CASE_SUBMISSION, useValue: deps.submission },
        { provide: CASE_READER, useValue: deps.store },
        { provide: GATEWAY_METRICS, useValue: deps.metrics },
        { provide: READINESS, useValue: deps.readiness },
        { provide: OPENAPI_DOCUMENT, useValue: deps.openapi },
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import type { CaseStore } from '@lf/redis';
import { CasesController } from './cases/cases.controller';
import type { CaseSubmissionService } from './cases/case-submission.service';
import type { CasesFeature } from './cases/cases-feature';
import { CASE_RESULTS, CASE_ROUTE_OPTIONS } from './cases/cases.tokens';
import type { GatewayMetrics } from './gateway-metrics';
import { CASE_READER, CASE_SUBMISSION, GATEWAY_METRICS, OPENAPI_DOCUMENT, READINESS } from './gateway.tokens';
import { DocsController } from './openapi/docs.controller';
import { FhirController } from './fhir/fhir.controller';
import { WEBHOOKS, WebhooksController, type WebhookRoutesDeps } from './webhooks/webhooks.controller';
import { OpsController, type Readiness } from './health/ops.controller';

export interface GatewayModuleDeps {
  submission: CaseSubmissionService;
  store: Pick<CaseStore, 'get'>;
  metrics: GatewayMetrics;
  readiness: Readiness;
  /** The OpenAPI document served at /openapi.json. */
  openapi: unknown;
  /** Reading cases (long-poll, SSE) and the case routes' limits. */
  cases: Pick<CasesFeature, 'results' | 'routeOptions'>;
  /** Webhook registration: the store and each tenant's current policy. */
  webhooks: WebhookRoutesDeps;
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
      controllers: [CasesController, FhirController, WebhooksController, OpsController, DocsController],
      providers: [
        { provide: CASE_SUBMISSION, useValue: deps.submission },
        { provide: CASE_READER, useValue: deps.store },
        { provide: GATEWAY_METRICS, useValue: deps.metrics },
        { provide: READINESS, useValue: deps.readiness },
        { provide: OPENAPI_DOCUMENT, useValue: deps.openapi },
        { provide: CASE_RESULTS, useValue: deps.cases.results },
        { provide: CASE_ROUTE_OPTIONS, useValue: deps.cases.routeOptions },
        { provide: WEBHOOKS, useValue: deps.webhooks },
      ],
    };
  }
}

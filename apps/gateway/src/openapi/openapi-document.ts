import { z } from 'zod';
import type { OpenAPIV3_1 } from 'openapi-types';
import { SCOPES } from '@lf/contracts';
import type { ApiBody, ApiRoute } from './api-route';
import { COMMON_PROBLEMS } from './api-routes';

export interface OpenApiOptions {
  version: string;
  serverUrl?: string;
}

/**
 * The OpenAPI 3.1 document of the gateway, built from the route table and the zod schemas the gateway
 * validates with (zod's JSON Schema output is draft 2020-12, which is OpenAPI 3.1's schema dialect).
 * Schemas with a `meta({ id })` become named components; request bodies are described as inputs (fields
 * with defaults are optional), responses as outputs.
 */
export function buildOpenApiDocument(routes: readonly ApiRoute[], options: OpenApiOptions): OpenAPIV3_1.Document {
  const components: Record<string, OpenAPIV3_1.SchemaObject> = {};

  const toSchema = (body: ApiBody, io: 'input' | 'output'): OpenAPIV3_1.SchemaObject => {
    if ('jsonSchema' in body) return body.jsonSchema as OpenAPIV3_1.SchemaObject;
    const converted = z.toJSONSchema(body.zod, {
      io,
      unrepresentable: 'any',
      reused: 'inline',
      override: (ctx) => {
        delete (ctx.jsonSchema as Record<string, unknown>)['$schema'];
      },
    }) as Record<string, unknown>;
    const { $defs, $schema: _ignored, id, ...schema } = converted as { $defs?: Record<string, OpenAPIV3_1.SchemaObject>; $schema?: string; id?: string };
    for (const [name, def] of Object.entries($defs ?? {})) components[name] = rewriteRefs(def) as OpenAPIV3_1.SchemaObject;
    const named = typeof id === 'string' ? id : undefined;
    if (!named) return rewriteRefs(schema) as OpenAPIV3_1.SchemaObject;
    components[named] = rewriteRefs(schema) as OpenAPIV3_1.SchemaObject;
    return { $ref: `#/components/schemas/${named}` } as OpenAPIV3_1.SchemaObject;
  };

  const paths: OpenAPIV3_1.PathsObject = {};
  for (const route of routes) {
    const responses: OpenAPIV3_1.ResponsesObject = {};
    const all = route.scope ? { ...COMMON_PROBLEMS, ...route.responses } : route.responses;
    for (const [status, response] of Object.entries(all).sort(([a], [b]) => Number(a) - Number(b))) {
      responses[status] = {
        description: response.description,
        ...(response.headers ? { headers: response.headers as OpenAPIV3_1.ResponseObject['headers'] } : {}),
        ...(response.content
          ? { content: Object.fromEntries(Object.entries(response.content).map(([type, body]) => [type, { schema: toSchema(body, 'output') }])) }
          : {}),
      };
    }
    const operation: OpenAPIV3_1.OperationObject = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      ...(route.parameters ? { parameters: route.parameters as OpenAPIV3_1.ParameterObject[] } : {}),
      ...(route.requestBody
        ? {
            requestBody: {
              required: true,
              ...(route.requestBody.description ? { description: route.requestBody.description } : {}),
              content: Object.fromEntries(Object.entries(route.requestBody.content).map(([type, body]) => [type, { schema: toSchema(body, 'input') }])),
            },
          }
        : {}),
      responses,
      security: route.scope ? [{ bearerAuth: [] }] : [],
      ...(route.scope ? { 'x-required-scope': route.scope } : {}),
    };
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method]: operation };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Late-fusion clinical risk scoring API',
      version: options.version,
      description:
        'Submit a case (imaging slice, EHR features, vital-sign series); imaging, tabular and vitals models score their ' +
        'modality and a fusion aggregator combines the scores into one calibrated risk when every modality replied or the ' +
        'deadline passed. Synthetic data only; not for clinical use. Errors are RFC 9457 problem details.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: [
      { name: 'cases', description: 'Submit cases and read their fused results' },
      { name: 'fhir', description: 'FHIR R4: a Bundle in, a RiskAssessment out' },
      { name: 'webhooks', description: 'Signed callbacks when a case is finalized' },
      { name: 'operations', description: 'Health and metrics (no authentication)' },
    ],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: `A tenant API key. Scopes per key: ${SCOPES.join(', ')}; each operation names the scope it needs in x-required-scope.`,
        },
      },
    },
  };
}

/** zod writes `#/$defs/X` for shared subschemas; in the document they live under components. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = key === '$ref' && typeof inner === 'string' ? inner.replace(/^#\/\$defs\//, '#/components/schemas/') : rewriteRefs(inner);
  }
  return out;
}

import type { z } from 'zod';
import type { Scope } from '@lf/contracts';

/** One documented operation. Bodies are zod schemas: the same ones the gateway validates with. */
export interface ApiRoute {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI path template (`/v1/cases/{id}`). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** The API-key scope the route needs; omitted = no authentication (health, metrics). */
  scope?: Scope;
  parameters?: ApiParameter[];
  requestBody?: { description?: string; content: Record<string, ApiBody> };
  responses: Record<number, ApiResponse>;
}

export interface ApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  description: string;
  schema: Record<string, unknown>;
}

/** A zod schema (converted for the document) or a literal JSON Schema (for non-JSON media types). */
export type ApiBody = { zod: z.ZodType } | { jsonSchema: Record<string, unknown> };

export interface ApiResponse {
  description: string;
  content?: Record<string, ApiBody>;
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
}

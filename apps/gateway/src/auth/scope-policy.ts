import type { Scope } from '@lf/contracts';

/**
 * Which API-key scope each route needs. The source is the route table the OpenAPI document is generated
 * from (`x-required-scope` per operation), so what the document promises and what the gateway enforces
 * cannot drift apart. Everything under the API prefixes needs a key; a route there that declares no scope
 * is refused (deny by default) rather than served to any key.
 */
export const PROTECTED_PREFIXES = ['/v1/', '/fhir/'] as const;

export type RouteAccess =
  /** Health, metrics, the OpenAPI document and its page: no key. */
  | { kind: 'public' }
  /** A key with this scope. */
  | { kind: 'scope'; scope: Scope }
  /** Under an API prefix but no route matched: a valid key is needed to learn that (404 then). */
  | { kind: 'authenticated' }
  /** A served API route missing from the route table: refused, whoever asks. */
  | { kind: 'undeclared'; route: string };

export interface ScopedRoute {
  method: string;
  /** OpenAPI path template: `/v1/cases/{id}`. */
  path: string;
  scope?: Scope;
}

export interface ScopePolicy {
  /** `routeUrl`: Fastify's route template (`/v1/cases/:id`), undefined when nothing matched; `url`: the raw URL. */
  accessFor(method: string, routeUrl: string | undefined, url: string): RouteAccess;
}

export function isProtectedUrl(url: string): boolean {
  return PROTECTED_PREFIXES.some((prefix) => url.startsWith(prefix));
}

/** Fastify route template -> OpenAPI path: `:id` -> `{id}`; `::` is Fastify's escaped literal colon (`/v1/cases::batch`). */
export function openApiPath(routeUrl: string): string {
  return routeUrl
    .replace(/::/g, '\u0000')
    .replace(/:([A-Za-z0-9_]+)/g, '{$1}')
    .replace(/\u0000/g, ':');
}

export function scopePolicyFrom(routes: readonly ScopedRoute[]): ScopePolicy {
  const scopes = new Map<string, Scope>();
  for (const route of routes) if (route.scope) scopes.set(`${route.method.toUpperCase()} ${route.path}`, route.scope);
  return {
    accessFor(method, routeUrl, url) {
      // A matched route is judged by its template, never by the raw URL: `/%761/cases` may route to
      // `/v1/cases`, and must not slip past the prefix test.
      if (routeUrl === undefined) return isProtectedUrl(url) ? { kind: 'authenticated' } : { kind: 'public' };
      if (!isProtectedUrl(routeUrl)) return { kind: 'public' };
      const key = `${method === 'HEAD' ? 'GET' : method} ${openApiPath(routeUrl)}`;
      const scope = scopes.get(key);
      return scope ? { kind: 'scope', scope } : { kind: 'undeclared', route: key };
    },
  };
}

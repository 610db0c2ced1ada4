// Public API of @lf/webhooks: the LF-Signature scheme, the callback URL policy (SSRF protection), one signed
// delivery, the case.finalized body, and registration (policy check + store). Infra lib: node:crypto/dns/http only.
export * from './signature';
export * from './ip-address';
export * from './callback-url-policy';
export * from './deliver-webhook';
export * from './case-finalized-event';
export * from './register-webhook';

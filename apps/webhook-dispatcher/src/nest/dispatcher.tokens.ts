/** Injection tokens (explicit: tsx/esbuild emits no decorator metadata). */
export const DELIVERY_HANDLER = Symbol('WebhookDeliveryHandler');
export const DISPATCHER_BULL_CONFIG_KEY = 'webhook-dispatcher';

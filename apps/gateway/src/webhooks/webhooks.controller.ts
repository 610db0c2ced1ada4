import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { webhookRegistrationSchema, type WebhookPolicy } from '@lf/contracts';
import type { WebhookStore, WebhookView } from '@lf/redis';
import { registerWebhook } from '@lf/webhooks';
import { fieldError, ProblemException, simpleProblem, validationProblem, PROBLEM_TYPES, type Problem } from '../http/problem';
import { tenantOf } from '../cases/cases.controller';
import { unavailable } from '../cases/case-problems';

export const WEBHOOKS = Symbol('WEBHOOKS');

/** What the routes need: the store, and the tenant's current webhook policy (from the tenants file). */
export interface WebhookRoutesDeps {
  store: Pick<WebhookStore, 'register' | 'list' | 'get' | 'delete' | 'rotateSecret'>;
  policyFor(tenant: string): WebhookPolicy;
  /** Injected DNS resolver (tests); the system resolver otherwise. */
  resolve?: Parameters<typeof registerWebhook>[0]['resolve'];
}

export const WEBHOOK_PROBLEM_TYPES = {
  /** The callback URL breaks the tenant's policy (scheme, allow-list, private address...). */
  urlRejected: 'urn:lf:problem:webhook-url-rejected',
  /** The URL is already registered, or the tenant has as many webhooks as allowed. */
  conflict: 'urn:lf:problem:webhook-conflict',
} as const;

const notFound = (id: string): ProblemException =>
  new ProblemException(simpleProblem(404, PROBLEM_TYPES.notFound, 'Not Found', /^[A-Za-z0-9_-]{1,64}$/.test(id) ? `no webhook ${id}` : 'no such webhook'));

/**
 * Webhook registration (scope `webhooks:manage`). Signing, retries and delivery are the webhook dispatcher's
 * (libs/webhooks README: the signature scheme and a receiver). A webhook belongs to the tenant whose key
 * registered it; another tenant's webhook id answers 404 like an unknown one.
 */
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(@Inject(WEBHOOKS) private readonly deps: WebhookRoutesDeps) {}

  /** 201 with the signing secret, shown this once. */
  @Post()
  @HttpCode(201)
  async register(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<WebhookView & { secret: string }> {
    const tenant = tenantOf(request);
    const instance = request.url.split('?')[0];
    const parsed = webhookRegistrationSchema.safeParse(body);
    if (!parsed.success) throw new ProblemException(validationProblem(parsed.error.issues.map((i) => fieldError(i.path, i.message)), instance));
    const result = await this.guard(() => registerWebhook({ store: this.deps.store, ...(this.deps.resolve ? { resolve: this.deps.resolve } : {}) }, tenant, parsed.data, this.deps.policyFor(tenant)));
    switch (result.outcome) {
      case 'registered':
        void reply.header('location', `/v1/webhooks/${result.webhook.id}`);
        return result.webhook;
      case 'rejected-url':
        throw new ProblemException({
          type: WEBHOOK_PROBLEM_TYPES.urlRejected,
          title: 'The callback URL is not allowed',
          status: 422,
          detail: result.reason,
          errors: [fieldError(['url'], result.reason)],
          instance,
        } satisfies Problem);
      case 'duplicate-url':
        throw new ProblemException({ ...simpleProblem(409, WEBHOOK_PROBLEM_TYPES.conflict, 'Conflict', `this URL is already registered as webhook ${result.existingId}`), instance, existingId: result.existingId } as Problem);
      case 'limit-reached':
        throw new ProblemException({ ...simpleProblem(409, WEBHOOK_PROBLEM_TYPES.conflict, 'Conflict', `a tenant can register at most ${result.max} webhooks; delete one first`), instance });
    }
  }

  @Get()
  async list(@Req() request: FastifyRequest): Promise<{ webhooks: WebhookView[] }> {
    const tenant = tenantOf(request);
    return { webhooks: await this.guard(() => this.deps.store.list(tenant)) };
  }

  @Get(':id')
  async get(@Req() request: FastifyRequest, @Param('id') id: string): Promise<WebhookView> {
    const tenant = tenantOf(request);
    const view = await this.guard(() => this.deps.store.get(tenant, id));
    if (!view) throw notFound(id);
    return view;
  }

  /** Queued deliveries of a deleted webhook are dropped by the dispatcher. */
  @Delete(':id')
  @HttpCode(204)
  async remove(@Req() request: FastifyRequest, @Param('id') id: string): Promise<void> {
    const tenant = tenantOf(request);
    if (!(await this.guard(() => this.deps.store.delete(tenant, id)))) throw notFound(id);
  }

  /** A new signing secret; deliveries carry a signature with the old one too until previousSecretExpiresAt. */
  @Post(':id/secret')
  @HttpCode(200)
  async rotate(@Req() request: FastifyRequest, @Param('id') id: string): Promise<{ secret: string; previousSecretExpiresAt?: string }> {
    const tenant = tenantOf(request);
    const rotated = await this.guard(() => this.deps.store.rotateSecret(tenant, id));
    if (!rotated) throw notFound(id);
    return rotated;
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof ProblemException) throw err;
      throw unavailable('the webhook store is not reachable; retry shortly');
    }
  }
}

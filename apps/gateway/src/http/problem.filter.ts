import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@lf/observability';
import type { GatewayMetrics } from '../gateway-metrics';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, ProblemException, simpleProblem, type Problem } from './problem';

/**
 * Every error leaves as `application/problem+json`. Fastify's body-parsing failures reach Nest as
 * HttpExceptions (400 bad JSON, 413 too large, 415 media type) and are given their problem type here, so
 * bad input is always a 4xx with a JSON body and never a 500. Anything unexpected is a 500 whose body says
 * nothing about internals; the log line has the error (messages never carry input values).
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly metrics: GatewayMetrics,
    private readonly maxBodyBytes: number,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { problem, headers, reason } = this.toProblem(exception, request);
    if (reason) this.metrics.requestsRejected.inc({ reason });
    if (problem.status >= 500) {
      this.logger.error('request failed', { method: request.method, route: request.routeOptions?.url ?? 'unmatched', status: problem.status, err: exception as Error });
    }
    if (reply.sent) return;
    void reply.code(problem.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(problem);
  }

  private toProblem(exception: unknown, request: FastifyRequest): { problem: Problem; headers: Record<string, string>; reason?: string } {
    if (exception instanceof ProblemException) {
      const { problem } = exception;
      const reason = problem.status < 500 ? problem.type.replace(/^urn:lf:problem:/, '') : undefined;
      return { problem, headers: exception.headers, ...(reason ? { reason } : {}) };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const message = exception.message;
      switch (status) {
        case 400:
          if (/json|body cannot be empty/i.test(message)) {
            return {
              problem: simpleProblem(400, PROBLEM_TYPES.malformedJson, 'The request body is not valid JSON', 'send one JSON object as the body'),
              headers: {},
              reason: 'malformed-json',
            };
          }
          return { problem: simpleProblem(400, PROBLEM_TYPES.http, 'Bad Request', message), headers: {}, reason: 'bad-request' };
        case 413:
          return {
            problem: simpleProblem(413, PROBLEM_TYPES.bodyTooLarge, 'The request body is too large', `the limit is ${request.routeOptions?.bodyLimit ?? this.maxBodyBytes} bytes`),
            headers: {},
            reason: 'body-too-large',
          };
        case 415:
          return { problem: unsupportedMediaType(), headers: {}, reason: 'unsupported-media-type' };
        case 404:
          return {
            problem: simpleProblem(404, PROBLEM_TYPES.notFound, 'Not Found', `no route ${request.method} ${request.url.split('?')[0]}`),
            headers: {},
            reason: 'not-found',
          };
        default:
          return { problem: simpleProblem(status, PROBLEM_TYPES.http, httpTitle(status), message), headers: {}, ...(status < 500 ? { reason: `http-${status}` } : {}) };
      }
    }
    return { problem: simpleProblem(500, PROBLEM_TYPES.internal, 'Internal Server Error', 'an unexpected error occurred; it has been logged'), headers: {} };
  }
}

export function unsupportedMediaType(): Problem {
  return simpleProblem(415, PROBLEM_TYPES.unsupportedMediaType, 'Unsupported Media Type', 'send the case as JSON with "Content-Type: application/json"');
}

function httpTitle(status: number): string {
  const titles: Record<number, string> = { 405: 'Method Not Allowed', 406: 'Not Acceptable', 408: 'Request Timeout', 429: 'Too Many Requests', 503: 'Service Unavailable' };
  return titles[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

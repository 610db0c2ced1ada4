/**
 * RFC 9457 problem details for every error the dashboard sends (the gateway's format): a `type` to branch
 * on, and for a bad query parameter its name in `errors[].path`. Values are never echoed.
 */
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@lf/observability';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}

export class ProblemException extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ProblemException';
  }
}

export function parameterProblem(errors: Array<{ path: string; message: string }>): ProblemException {
  return new ProblemException({
    type: 'urn:lf:problem:invalid-parameter',
    title: 'A query parameter is invalid',
    status: 400,
    detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    errors,
  });
}

export function unavailableProblem(detail: string): ProblemException {
  return new ProblemException({ type: 'urn:lf:problem:service-unavailable', title: 'Service Unavailable', status: 503, detail });
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = this.toProblem(exception, request);
    if (problem.status >= 500) {
      this.logger.error('request failed', { method: request.method, route: request.routeOptions?.url ?? 'unmatched', status: problem.status, err: exception as Error });
    }
    if (reply.sent) return;
    void reply.code(problem.status).header('cache-control', 'no-store').type(PROBLEM_CONTENT_TYPE).send(problem);
  }

  private toProblem(exception: unknown, request: FastifyRequest): Problem {
    if (exception instanceof ProblemException) return exception.problem;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return { type: 'urn:lf:problem:not-found', title: 'Not Found', status, detail: `no route ${request.method} ${request.url.split('?')[0]}` };
      return { type: 'about:blank', title: status < 500 ? 'Bad Request' : 'Error', status, detail: exception.message };
    }
    return { type: 'urn:lf:problem:internal-error', title: 'Internal Server Error', status: 500, detail: 'an unexpected error occurred; it has been logged' };
  }
}

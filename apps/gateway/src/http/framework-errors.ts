import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, simpleProblem } from './problem';

/**
 * Fastify's `frameworkErrors`: URLs the router refuses before any route (and so before Nest and its
 * exception filter) see them, answered as problem+json like every other error instead of Fastify's own
 * JSON: a malformed percent-encoding (400) and a path parameter over the router's length limit (414).
 */
export function frameworkErrorProblem(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const problem = tooLong
    ? simpleProblem(414, PROBLEM_TYPES.http, 'URI Too Long', 'a path segment is longer than any valid value (case ids have at most 64 characters)')
    : simpleProblem(400, PROBLEM_TYPES.http, 'Bad Request', 'the URL is not valid (malformed percent-encoding)');
  void reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

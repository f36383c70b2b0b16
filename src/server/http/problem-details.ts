import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../../platform/database/database-errors.js';
import {
  ApprovalRequired,
  Conflict,
  DomainError,
  Forbidden,
  NotFound,
  PayloadTooLarge,
  RateLimited,
  Unauthenticated,
  UnsupportedMediaType,
  UpstreamUnavailable,
  ValidationFailed,
} from '../../platform/errors.js';

/** RFC 9457 problem details, plus `code` (stable, machine-readable) and the request id. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId: string;
  [extension: string]: unknown;
}

/** The one place domain errors become HTTP statuses. */
const statusByError: Array<[abstract new (...args: never[]) => DomainError, number, string]> = [
  [ValidationFailed, 400, 'Bad request'],
  [Unauthenticated, 401, 'Unauthorized'],
  [Forbidden, 403, 'Forbidden'],
  [NotFound, 404, 'Not found'],
  [Conflict, 409, 'Conflict'],
  [ApprovalRequired, 409, 'Approval required'],
  [PayloadTooLarge, 413, 'Payload too large'],
  [UnsupportedMediaType, 415, 'Unsupported media type'],
  [RateLimited, 429, 'Too many requests'],
  [UpstreamUnavailable, 503, 'Service unavailable'],
];

const titleByStatus: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  408: 'Request timeout',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

const codeByStatus: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'upstream_unavailable',
};

export interface MappedProblem {
  problem: ProblemDetails;
  headers: Record<string, string>;
  /** 5xx other than 503 are bugs: log them as errors. The rest are expected and log at warn. */
  unexpected: boolean;
}

export function problemFor(error: unknown, request: FastifyRequest): MappedProblem {
  const base = (status: number, detail: string, code?: string, extra: Record<string, unknown> = {}): ProblemDetails => {
    const resolvedCode = code ?? codeByStatus[status] ?? 'error';
    return {
      type: `urn:aurora:problem:${resolvedCode}`,
      title: titleByStatus[status] ?? 'Error',
      status,
      detail,
      // The path only: query strings may carry single-use tickets.
      instance: request.url.split('?')[0] ?? request.url,
      code: resolvedCode,
      requestId: request.id,
      ...extra,
    };
  };

  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((issue) => ({
      location: error.validationContext ?? 'body',
      path: issue.instancePath || '/',
      message: issue.message ?? 'invalid',
    }));
    const first = errors[0];
    const detail = first
      ? `Invalid ${first.location}: ${first.path === '/' ? '' : `${first.path} `}${first.message}`
      : 'The request is invalid';
    return { problem: base(400, detail, 'validation_failed', { errors }), headers: {}, unexpected: false };
  }

  if (error instanceof DomainError) {
    const entry = statusByError.find(([type]) => error instanceof type);
    const status = entry?.[1] ?? 500;
    const headers: Record<string, string> = {};
    if (error instanceof RateLimited || error instanceof UpstreamUnavailable) {
      headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
    }
    if (error instanceof Unauthenticated) headers['www-authenticate'] = 'Bearer realm="aurora"';
    return {
      problem: base(status, error.message, error.code, error.details ?? {}),
      headers,
      unexpected: status >= 500 && status !== 503,
    };
  }

  if (isDatabaseUnavailable(error)) {
    return {
      problem: base(503, 'The database is unavailable; retry shortly', 'upstream_unavailable'),
      headers: { 'retry-after': '5' },
      unexpected: false,
    };
  }

  if (isResponseSerializationError(error)) {
    return { problem: base(500, 'The server produced an invalid response'), headers: {}, unexpected: true };
  }

  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { problem: base(status, clientErrorDetail(fastifyError, status)), headers: {}, unexpected: false };
  }
  if (status === 503) {
    return {
      problem: base(503, 'The server is shutting down or overloaded; retry shortly'),
      headers: { 'retry-after': '5' },
      unexpected: false,
    };
  }
  return {
    problem: base(500, 'Something went wrong on our side; the request id identifies it in the logs'),
    headers: {},
    unexpected: true,
  };
}

function clientErrorDetail(error: Partial<FastifyError>, status: number): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is larger than the server accepts';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Send the body as application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The body is empty but the Content-Type says JSON';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'The Content-Length header does not match the body';
    default:
      if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        return `The body is not valid JSON: ${error.message ?? 'parse error'}`;
      }
      return error.message ?? titleByStatus[status] ?? 'Bad request';
  }
}

export function sendProblem(reply: FastifyReply, mapped: MappedProblem): FastifyReply {
  return reply
    .code(mapped.problem.status)
    .headers(mapped.headers)
    .type('application/problem+json')
    .send(mapped.problem);
}

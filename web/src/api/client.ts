import createClient from 'openapi-fetch';
import type { paths } from './schema';

/** The one way the UI talks to Aurora: typed from the server's OpenAPI document (`npm run web:api`). */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });

export type Paths = paths;

/** Response body of a JSON GET, e.g. `ResponseOf<'/api/v1/incidents'>`. */
export type ResponseOf<
  Path extends keyof paths,
  Method extends 'get' | 'post' | 'put' | 'patch' = 'get',
> = paths[Path][Method] extends {
  responses: infer Responses;
}
  ? Responses extends { 200: { content: { 'application/json': infer Body } } }
    ? Body
    : Responses extends { 201: { content: { 'application/json': infer Body } } }
      ? Body
      : never
  : never;

/** An RFC 9457 problem from the API (or a network failure, status 0), thrown by `unwrap`. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly errors: Array<{ location?: string; path?: string; message: string }>;

  constructor(problem: {
    status: number;
    title: string;
    detail: string;
    code?: string;
    requestId?: string;
    errors?: Array<{ location?: string; path?: string; message: string }>;
  }) {
    super(problem.detail || problem.title);
    this.name = 'ApiProblem';
    this.status = problem.status;
    this.title = problem.title;
    this.detail = problem.detail;
    this.code = problem.code;
    this.requestId = problem.requestId;
    this.errors = problem.errors ?? [];
  }

  static fromResponse(response: Response, body: unknown): ApiProblem {
    const problem = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    return new ApiProblem({
      status: response.status,
      title: text(problem.title) ?? response.statusText ?? 'Request failed',
      detail: text(problem.detail) ?? `Aurora answered ${response.status}`,
      code: text(problem.code),
      requestId: text(problem.requestId) ?? response.headers.get('x-request-id') ?? undefined,
      errors: Array.isArray(problem.errors) ? (problem.errors as ApiProblem['errors']) : [],
    });
  }
}

/** Awaits an openapi-fetch call and returns its data, or throws the API's problem as an `ApiProblem`. */
export async function unwrap<Data>(
  pending: Promise<{ data?: Data; error?: unknown; response: Response }>,
): Promise<Data> {
  let result: { data?: Data; error?: unknown; response: Response };
  try {
    result = await pending;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiProblem({
      status: 0,
      title: 'Aurora did not answer',
      detail: 'The request did not reach Aurora. Check the network or whether the server is running.',
    });
  }
  if (!result.response.ok) throw ApiProblem.fromResponse(result.response, result.error);
  return result.data as Data;
}

export function isProblem(error: unknown, status?: number): error is ApiProblem {
  return error instanceof ApiProblem && (status === undefined || error.status === status);
}

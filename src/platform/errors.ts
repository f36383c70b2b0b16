/**
 * Domain errors. Features and adapters throw these; the HTTP layer maps them to statuses in one place
 * (src/server/problem-details.ts). Messages are shown to users, so they must never contain secrets.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFound extends DomainError {
  readonly code = 'not_found';
}

export class Unauthenticated extends DomainError {
  readonly code = 'unauthenticated';
}

export class Forbidden extends DomainError {
  readonly code = 'forbidden';
}

export class Conflict extends DomainError {
  readonly code = 'conflict';
}

export class ValidationFailed extends DomainError {
  readonly code = 'validation_failed';
}

export class PayloadTooLarge extends DomainError {
  readonly code = 'payload_too_large';
}

export class UnsupportedMediaType extends DomainError {
  readonly code = 'unsupported_media_type';
}

export class RateLimited extends DomainError {
  readonly code = 'rate_limited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export class ApprovalRequired extends DomainError {
  readonly code = 'approval_required';
}

/** A dependency (database, Vault, S3, a provider) did not answer. Callers may retry after `retryAfterSeconds`. */
export class UpstreamUnavailable extends DomainError {
  readonly code = 'upstream_unavailable';
  constructor(
    message: string,
    readonly retryAfterSeconds = 5,
    options?: ErrorOptions & { details?: Record<string, unknown> },
  ) {
    super(message, options?.details, options);
  }
}

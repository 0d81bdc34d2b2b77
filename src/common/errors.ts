/** Typed domain errors. Domain code throws these; the problem filter maps them to HTTP at the edge. */

export interface FieldError {
  /** Path of the offending field, e.g. `actors[0].role` or `[3].occurred.on` in a batch. */
  readonly field: string;
  readonly message: string;
}

export class DomainValidationError extends Error {
  override readonly name = 'DomainValidationError';
  constructor(readonly errors: readonly FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }

  /** The same errors with every field path put under a prefix (a batch item's index). */
  prefixed(prefix: string): DomainValidationError {
    if (prefix === '') return this;
    return new DomainValidationError(
      this.errors.map((e) => ({
        field: e.field.startsWith('[') ? `${prefix}${e.field}` : `${prefix}.${e.field}`,
        message: e.message,
      })),
    );
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly resource: 'actor' | 'location' | 'incident' | 'projection',
    readonly id: string,
  ) {
    super(`no ${resource} '${id}' is known`);
  }
}

/** A write that contradicts what the log already holds (an incident id taken, say). */
export class ConflictError extends Error {
  override readonly name: string = 'ConflictError';
  constructor(
    message: string,
    /** The entry that holds what the write wanted (a name), for the problem document. */
    readonly owner?: { readonly kind: string; readonly id: string },
  ) {
    super(message);
  }
}

/** An `If-Match` named a revision that is no longer current. */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
  constructor(
    readonly expected: string,
    readonly currentRevision: number | null,
  ) {
    super(`expected revision ${expected}, but the current revision is ${String(currentRevision)}`);
  }
}

/** A change that must name the revision it was based on came without `If-Match`. */
export class PreconditionRequiredError extends Error {
  override readonly name = 'PreconditionRequiredError';
}

/** An Idempotency-Key already used for a request with another content (422). */
export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor() {
    super('this Idempotency-Key was used with a different request; use a new key for a new request');
  }
}

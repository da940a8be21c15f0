/**
 * Errors the API turns into HTTP statuses. Each carries a message that says what was detected
 * and what to do next.
 */
export class DofcError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request is malformed or a value is out of range (HTTP 400). */
export class InvalidInputError extends DofcError {}

/** The job or resource does not exist (HTTP 404). */
export class NotFoundError extends DofcError {}

/** The request conflicts with the current state, such as cancelling a finished job (HTTP 409). */
export class ConflictError extends DofcError {}

/** The request is well formed but cannot be accepted, such as a job larger than the cluster (HTTP 422). */
export class RejectedError extends DofcError {}

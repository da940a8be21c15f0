import { DofcError } from '../jobs/errors.js';

/** The request carries no valid credential (HTTP 401). */
export class UnauthenticatedError extends DofcError {}

/** The caller is known but lacks the role or ownership the request needs (HTTP 403). */
export class ForbiddenError extends DofcError {}

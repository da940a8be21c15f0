import type { ErrorRequestHandler } from 'express';
import type { ErrorBody } from '../contract/job-view.js';
import { ConflictError, DofcError, InvalidInputError, NotFoundError, RejectedError } from '../jobs/errors.js';
import type { Logger } from '../logger.js';
import { ForbiddenError, UnauthenticatedError } from '../auth/errors.js';

function statusOf(error: DofcError): number {
  if (error instanceof InvalidInputError) return 400;
  if (error instanceof UnauthenticatedError) return 401;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof RejectedError) return 422;
  return 500;
}

/**
 * The one place errors become HTTP responses `{error, message, field?}`. A user's mistake is
 * a 4xx with a sentence that names the value; only a fault of the service is a 500.
 */
export function errorMapper(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    let status: number;
    let body: ErrorBody;

    if (error instanceof DofcError) {
      status = statusOf(error);
      body = { error: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) };
    } else if (isBodyParserError(error)) {
      status = error.status;
      body =
        error.type === 'entity.too.large'
          ? { error: 'body_too_large', message: `The request body is larger than the ${error.limit}-byte limit; send a smaller notebook or clear its outputs.` }
          : { error: 'invalid_json', message: `The request body is not valid JSON: ${error.message}.` };
    } else {
      status = 500;
      body = { error: 'internal_error', message: 'The scheduler failed to handle this request; its log has the details.' };
      logger.error({ err: error, method: request.method, path: request.path }, 'request failed');
    }
    response.status(status).json(body);
  };
}

interface BodyParserError {
  status: number;
  type: string;
  message: string;
  limit?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { type?: unknown }).type === 'string' &&
    typeof (error as { status?: unknown }).status === 'number' &&
    (error as { status: number }).status < 500
  );
}

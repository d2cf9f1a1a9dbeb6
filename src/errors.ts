/**
 * The one closed table of error codes. Codes and messages follow Applivery's API;
 * every error the API can answer with is listed here with its HTTP status, and services throw
 * AppError with one of these codes — never an HTTP status of their own.
 */
export const ErrorCode = {
  InternalError: 1000,
  RouteNotFound: 1002,
  PayloadTooLarge: 1003,
  TooManyRequests: 1004,
  /** enrolld's own: the database is unreachable (answered by /readyz). */
  ServiceUnavailable: 1005,
  ValidationError: 3000,
  EntityNotFound: 3001,
  NoAuthToken: 4002,
  Forbidden: 4003,
  InvalidToken: 4004,
  LimitExceeded: 5017,
  MdmUserAlreadyExists: 5048,
  FeatureNotAllowed: 5050,
  MdmUserHasPendingTokens: 5055,
  AttachedProfileNotAllowed: 5086,
  ErrorUpdatingEntity: 5120,
  WindowsEnterpriseNotConfigured: 5145,
  TokenAlreadyUsed: 5201,
  TokenExpired: 5202,
  TokenRevoked: 5203,
  /** enrolld's own: an Idempotency-Key used again with another request. */
  IdempotencyKeyMismatch: 5301,
  /** enrolld's own: the first request with this Idempotency-Key is still running. */
  IdempotencyKeyInUse: 5302,
  /** enrolld's own: If-Match named a version the resource no longer has. */
  PreconditionFailed: 5303,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_TABLE: Readonly<Record<ErrorCode, { httpStatus: number; message: string }>> = Object.freeze({
  [ErrorCode.InternalError]: { httpStatus: 500, message: 'Internal error' },
  [ErrorCode.RouteNotFound]: { httpStatus: 404, message: 'Route not found' },
  [ErrorCode.PayloadTooLarge]: { httpStatus: 413, message: 'Payload too large' },
  [ErrorCode.TooManyRequests]: { httpStatus: 429, message: 'Too many requests' },
  [ErrorCode.ServiceUnavailable]: { httpStatus: 503, message: 'Service unavailable' },
  [ErrorCode.ValidationError]: { httpStatus: 400, message: 'Validation Error' },
  [ErrorCode.EntityNotFound]: { httpStatus: 404, message: 'Entity not found' },
  [ErrorCode.NoAuthToken]: { httpStatus: 401, message: 'No auth token' },
  [ErrorCode.Forbidden]: { httpStatus: 403, message: 'Forbidden' },
  [ErrorCode.InvalidToken]: { httpStatus: 401, message: 'Invalid Token' },
  [ErrorCode.LimitExceeded]: { httpStatus: 400, message: 'Limit Exceeded' },
  [ErrorCode.MdmUserAlreadyExists]: { httpStatus: 400, message: 'Mdm user already exists' },
  [ErrorCode.FeatureNotAllowed]: { httpStatus: 400, message: 'Feature not allowed for you billing plan' },
  [ErrorCode.MdmUserHasPendingTokens]: {
    httpStatus: 400,
    message: 'MdmUser Can not be deleted because has pending enrollment tokens',
  },
  [ErrorCode.AttachedProfileNotAllowed]: { httpStatus: 400, message: 'Attached adm profiles can not be added' },
  [ErrorCode.ErrorUpdatingEntity]: { httpStatus: 400, message: 'Error updating entity' },
  [ErrorCode.WindowsEnterpriseNotConfigured]: { httpStatus: 400, message: 'Error creating winEnrollmentToken' },
  [ErrorCode.TokenAlreadyUsed]: { httpStatus: 400, message: 'Enrollment token already used' },
  [ErrorCode.TokenExpired]: { httpStatus: 400, message: 'Enrollment token expired' },
  [ErrorCode.TokenRevoked]: { httpStatus: 400, message: 'Enrollment token revoked' },
  [ErrorCode.IdempotencyKeyMismatch]: { httpStatus: 422, message: 'Idempotency-Key already used for another request' },
  [ErrorCode.IdempotencyKeyInUse]: { httpStatus: 409, message: 'A request with this Idempotency-Key is still running' },
  [ErrorCode.PreconditionFailed]: { httpStatus: 412, message: 'Precondition failed: the resource changed since the ETag sent in If-Match; read it again' },
});

export interface FieldProblem {
  /** JSON pointer of the offending value, e.g. `/body/tags/2` or `/query/limit`. */
  path: string;
  message: string;
}

/** A domain error: what went wrong in the contract's terms, free of HTTP. */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly data: Record<string, unknown> | undefined;

  /** `message` defaults to the table's message; pass one to be more specific. */
  constructor(code: ErrorCode, message?: string, data?: Record<string, unknown>) {
    super(message ?? ERROR_TABLE[code].message);
    this.code = code;
    this.data = data;
  }

  get httpStatus(): number {
    return ERROR_TABLE[this.code].httpStatus;
  }

  static validation(problems: FieldProblem[]): AppError {
    const summary = problems.map((p) => p.message).join('; ');
    return new AppError(ErrorCode.ValidationError, `Validation Error: ${summary}`, { errors: problems });
  }

  static notFound(entity: string): AppError {
    return new AppError(ErrorCode.EntityNotFound, ERROR_TABLE[ErrorCode.EntityNotFound].message, { entity });
  }
}

/** The response envelope of every API answer: `{status, data}` or `{status, error}`. */
import { AppError, ERROR_TABLE, type ErrorCode } from '../errors.ts';

export interface SuccessEnvelope<T> {
  status: true;
  data: T;
}

export interface ErrorBody {
  status: false;
  error: { code: number; message: string; data?: Record<string, unknown> };
}

export function ok<T>(data: T): SuccessEnvelope<T> {
  return { status: true, data };
}

export function errorBody(code: ErrorCode, message?: string, data?: Record<string, unknown>): ErrorBody {
  const error: ErrorBody['error'] = { code, message: message ?? ERROR_TABLE[code].message };
  if (data !== undefined) error.data = data;
  return { status: false, error };
}

export function errorBodyOf(error: AppError): ErrorBody {
  return errorBody(error.code, error.message, error.data);
}

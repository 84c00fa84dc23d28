import type { ApiErrorShape } from '../../../shared/api.ts';

/** A command failure every transport carries as `{ code, message }`. */
export class ApiError extends Error {
  readonly code: ApiErrorShape['code'];
  constructor(code: ApiErrorShape['code'], message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }

  toJSON(): ApiErrorShape {
    return { code: this.code, message: this.message };
  }
}

/** Any thrown value as the shape transports send. */
export function toApiErrorShape(error: unknown): ApiErrorShape {
  if (error instanceof ApiError) return error.toJSON();
  return { code: 'failed', message: error instanceof Error ? error.message : String(error) };
}

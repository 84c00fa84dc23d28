export type InjectErrorCode =
  | 'inject.not-live'
  | 'inject.closed'
  | 'inject.unframed'
  | 'inject.wrong-kind'
  | 'inject.not-possible';

/** An injection that cannot happen; `code` is stable for the API and the UI. */
export class InjectError extends Error {
  readonly code: InjectErrorCode;
  constructor(code: InjectErrorCode, message: string) {
    super(message);
    this.name = 'InjectError';
    this.code = code;
  }
}

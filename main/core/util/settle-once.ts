/**
 * A promise settled by the first of several competing outcomes (opened, refused, timed out,
 * closed by the user…); later ones are ignored. Rejections are marked handled, since callers may
 * only ever await another promise.
 */
export interface SettleOnce<T> {
  readonly promise: Promise<T>;
  readonly settled: boolean;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

export function settleOnce<T = void>(): SettleOnce<T> {
  const { promise, resolve, reject } = Promise.withResolvers<T>();
  promise.catch(() => undefined);
  let settled = false;
  return {
    promise,
    get settled() {
      return settled;
    },
    resolve: (value) => {
      if (settled) return;
      settled = true;
      resolve(value);
    },
    reject: (error) => {
      if (settled) return;
      settled = true;
      reject(error);
    },
  };
}

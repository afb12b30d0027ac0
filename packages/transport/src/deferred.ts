/** A promise with its settle functions, for a wait that several callers share. */
export interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * A shared wait (connect(), close()). A rejection nobody awaited is not reported as
 * unhandled: the failure reaches the requests, which are awaited, instead.
 */
export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((resolveCallback, rejectCallback) => {
    resolve = resolveCallback;
    reject = rejectCallback;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/**
 * Settles like `promise`, or rejects after `milliseconds`: a peer that never answers (or never
 * finishes connecting) costs one failed cell in the table, not the whole run.
 */
export function withDeadline(promise, milliseconds, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${milliseconds} ms`)), milliseconds);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

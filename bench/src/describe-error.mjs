/** A one-line account of whatever a client rejected with (3rd-Eden's errors can have no message). */
export function describeError(error) {
  if (error instanceof Error) return error.message || error.code || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

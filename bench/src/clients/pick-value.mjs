/** Reads one key out of a multi-get answer, whether the client gave a Map or a plain object. */
export function pickValue(result, key) {
  return result instanceof Map ? result.get(key) : result?.[key];
}

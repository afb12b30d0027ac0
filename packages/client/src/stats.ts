/** A `stats` answer: one property per STAT line, numbers where the server sent numbers. */
export type Stats = Record<string, string | number>;

const NUMERIC = /^-?\d+(?:\.\d+)?$/;

/**
 * Numeric stats become numbers so callers can do arithmetic without parsing; anything else
 * (versions like 1.6.18, `on`/`off`, paths) stays a string, as does a counter too large for a
 * double to hold exactly.
 */
export function parseStats(lines: Map<string, string>): Stats {
  const result: Stats = {};
  for (const [name, value] of lines) {
    let parsed: string | number = value;
    if (NUMERIC.test(value)) {
      const number = Number(value);
      parsed = Number.isSafeInteger(number) || !Number.isInteger(number) ? number : value;
    }
    // `stats detail dump` names key prefixes and `stats cachedump` keys: a line named
    // `__proto__` is a property like any other, not the object's prototype.
    if (name === '__proto__') {
      Object.defineProperty(result, name, {
        value: parsed,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else result[name] = parsed;
  }
  return result;
}

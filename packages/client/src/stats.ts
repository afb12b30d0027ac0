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
    if (NUMERIC.test(value)) {
      const number = Number(value);
      result[name] = Number.isSafeInteger(number) || !Number.isInteger(number) ? number : value;
    } else {
      result[name] = value;
    }
  }
  return result;
}

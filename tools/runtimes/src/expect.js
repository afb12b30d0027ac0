/**
 * The conformance script's assertions: small on purpose, so that they behave the same on every
 * runtime (node:assert is itself a compatibility layer on Bun and Deno) and their messages name
 * what differed.
 */
export const expect = {
  /**
   * Same primitive (Object.is), or same bytes for two byte arrays.
   * @param {unknown} actual
   * @param {unknown} expected
   * @param {string} what
   */
  equal(actual, expected, what) {
    if (actual instanceof Uint8Array && expected instanceof Uint8Array) {
      if (actual.length !== expected.length) {
        throw new Error(`${what}: ${actual.length} bytes, expected ${expected.length}`);
      }
      const index = actual.findIndex((byte, position) => byte !== expected[position]);
      if (index !== -1) {
        throw new Error(`${what}: byte ${index} is ${actual[index]}, expected ${expected[index]}`);
      }
      return;
    }
    if (!Object.is(actual, expected)) {
      throw new Error(`${what}: got ${shorten(describe(actual))}, expected ${shorten(describe(expected))}`);
    }
  },

  /**
   * Same structure: objects, arrays, Maps (in any order), Sets, Dates, bigints and byte arrays compared by content.
   * @param {unknown} actual
   * @param {unknown} expected
   * @param {string} what
   */
  same(actual, expected, what) {
    if (describe(actual) !== describe(expected)) {
      throw new Error(`${what}: got ${shorten(describe(actual))}, expected ${shorten(describe(expected))}`);
    }
  },

  /**
   * Resolves with the error `promise` rejected with, after checking its class and code.
   * @param {Promise<unknown>} promise
   * @param {new (...args: never[]) => Error} errorClass
   * @param {string} what
   * @returns {Promise<Error>}
   */
  async rejects(promise, errorClass, what) {
    try {
      const value = await promise;
      throw new Error(`${what}: resolved ${describe(value)}, expected a ${errorClass.name}`);
    } catch (error) {
      if (!(error instanceof errorClass)) {
        throw new Error(`${what}: rejected with ${describe(error)}, expected a ${errorClass.name}`);
      }
      if (error.name !== errorClass.name) {
        throw new Error(`${what}: error name ${error.name}, expected ${errorClass.name}`);
      }
      return error;
    }
  },

  /**
   * Like `rejects`, and the rejection must come between `earliest` and `latest` milliseconds:
   * a deadline that fires too soon is as wrong as one that fires too late.
   * @param {() => Promise<unknown>} start
   * @param {new (...args: never[]) => Error} errorClass
   * @param {{ earliest?: number, latest: number }} window
   * @param {string} what
   */
  async rejectsWithin(start, errorClass, window, what) {
    const started = performance.now();
    await expect.rejects(start(), errorClass, what);
    const elapsed = Math.round(performance.now() - started);
    if (elapsed < (window.earliest ?? 0) || elapsed > window.latest) {
      throw new Error(
        `${what}: rejected after ${elapsed} ms, expected ${window.earliest ?? 0}–${window.latest} ms`,
      );
    }
  },
};

/**
 * A stable text form of a value, for comparisons and messages.
 * @param {unknown} value
 * @returns {string}
 */
function describe(value) {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return String(value);
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value instanceof Uint8Array) return `${value.constructor.name}[${value.join(',')}]`;
  if (value instanceof Date) return `Date(${value.toISOString()})`;
  if (value instanceof RegExp) return `RegExp(${value})`;
  if (value instanceof Map) {
    // Sorted: a Map's order is the order its entries were set in, which says nothing about the cache.
    const entries = [...value].map(([key, entry]) => `${describe(key)}=>${describe(entry)}`);
    return `Map{${entries.sort().join(',')}}`;
  }
  if (value instanceof Set) return `Set{${[...value].map(describe).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(describe).join(',')}]`;
  const entries = Object.entries(value).map(([key, entry]) => `${JSON.stringify(key)}:${describe(entry)}`);
  return `{${entries.join(',')}}`;
}

/**
 * Keeps a failure line readable when the values are large.
 * @param {string} text
 * @returns {string}
 */
function shorten(text) {
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} characters)` : text;
}

import { randomUUID } from 'node:crypto';

/**
 * A value as `memcli get` prints it: bytes as they are (so `memcli get k > file` round-trips what
 * `memcli set k - < file` stored), text with a newline, anything else as JSON. With `--json`,
 * every value is JSON and bytes become `{"base64": "..."}`.
 */
export function formatValue(value: unknown, json: boolean): Uint8Array | string {
  if (json) return toJson(value) + '\n';
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return value + '\n';
  if (typeof value === 'bigint' || typeof value === 'number') return String(value) + '\n';
  return toJson(value) + '\n';
}

/**
 * JSON that also holds what JSON.stringify refuses: bigints as bare digits (a JSON number, so
 * `--json get` prints what `--json set` reads back as the same bigint), bytes as base64, Sets
 * and Maps with their entries.
 */
export function toJson(value: unknown): string {
  // JSON.stringify cannot write raw digits from a replacer (JSON.rawJSON is not in Node 20), so a
  // bigint goes through as a marked string and the marks and quotes are taken off after. The
  // marker is random and tried again in the unlikely case the value's own text holds it.
  for (;;) {
    const marker = `bigint:${randomUUID()}:`;
    let bigints = 0;
    const text = JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === 'bigint') {
        bigints++;
        return `${marker}${item}`;
      }
      if (item instanceof Uint8Array) return { base64: Buffer.from(item).toString('base64') };
      // Python's sets and its dicts with keys other than strings read back as Sets and Maps,
      // which JSON would print as {}: a set as a list, a dict as Python's json.dumps writes it
      // (keys as text), or as [key, value] pairs when a key is no scalar.
      if (item instanceof Set) return [...item];
      if (item instanceof Map) {
        const entries = [...item.entries()];
        const scalarKeys = entries.every(([key]) =>
          ['string', 'number', 'boolean', 'bigint'].includes(typeof key),
        );
        return scalarKeys ? Object.fromEntries(entries.map(([key, entry]) => [String(key), entry])) : entries;
      }
      // Buffer.toJSON runs before the replacer sees a Buffer; turn its shape back into base64.
      if (
        item !== null &&
        typeof item === 'object' &&
        (item as { type?: unknown }).type === 'Buffer' &&
        Array.isArray((item as { data?: unknown }).data)
      ) {
        return { base64: Buffer.from((item as { data: number[] }).data).toString('base64') };
      }
      return item;
    });
    if (bigints === 0) return text;
    if (text.split(marker).length - 1 !== bigints) continue;
    return text.replaceAll(new RegExp(`"${marker}(-?\\d+)"`, 'g'), '$1');
  }
}

// A JSON text that is one integer and nothing else: JSON's grammar, so 012 and +1 stay errors.
const INTEGER = /^[ \t\n\r]*(-?(?:0|[1-9]\d*))[ \t\n\r]*$/;

/**
 * A `--json set` value: JSON.parse, except for the two shapes `--json get` prints for what JSON
 * has no type for, so what it printed stores back unchanged: an integer past
 * Number.MAX_SAFE_INTEGER is a bigint rather than the nearest double, and `{"base64": "…"}`
 * with canonical base64 and no other key is those bytes. Only at the top: inside arrays and
 * objects they stay a number and an object, as the JSON memcli stores for those holds neither.
 */
export function parseJson(text: string): unknown {
  const integer = INTEGER.exec(text)?.[1];
  if (integer !== undefined && !Number.isSafeInteger(Number(integer))) return BigInt(integer);
  const value: unknown = JSON.parse(text);
  return printedBytes(value) ?? value;
}

/** The bytes of a `{"base64": "…"}` as toJson prints them, or undefined for any other value. */
function printedBytes(value: unknown): Buffer | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const text = (value as { base64?: unknown }).base64;
  if (keys.length !== 1 || typeof text !== 'string') return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

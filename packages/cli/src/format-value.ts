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

/** JSON that also holds what JSON.stringify refuses: bigints as numbers' digits, bytes as base64. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return item.toString();
    if (item instanceof Uint8Array) return { base64: Buffer.from(item).toString('base64') };
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
}

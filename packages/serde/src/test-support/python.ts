import { execFileSync } from 'node:child_process';

/**
 * pymemcache's serde rules (pymemcache/serde.py: python_memcache_serializer and deserializer,
 * CompressedSerde), restated for the tests, so that no pymemcache install is needed:
 * bytes → 0, str → 16, int → 2, anything else pickled → 1; compression with zlib when longer
 * than 400 bytes, kept unless the result is longer, flag bit 8.
 */
export const PYMEMCACHE_RULES = `
import base64, json, math, pickle, sys, zlib
FLAG_PICKLE, FLAG_INTEGER, FLAG_LONG, FLAG_COMPRESSED, FLAG_TEXT = 1, 2, 4, 8, 16

def serialize(value, protocol=pickle.HIGHEST_PROTOCOL):
    kind = type(value)
    if kind is bytes:
        return value, 0
    if kind is str:
        return value.encode('utf8'), FLAG_TEXT
    if kind is int:
        return ('%d' % value).encode(), FLAG_INTEGER
    return pickle.dumps(value, protocol), FLAG_PICKLE

def deserialize(data, flags):
    if flags == 0:
        return data
    if flags & FLAG_TEXT:
        return data.decode('utf8')
    if flags & FLAG_INTEGER or flags & FLAG_LONG:
        return int(data)
    if flags & FLAG_PICKLE:
        return pickle.loads(data)
    return data

def compressed_serialize(value, protocol=pickle.HIGHEST_PROTOCOL, min_compress_len=400):
    data, flags = serialize(value, protocol)
    if len(data) > min_compress_len > 0:
        packed = zlib.compress(data)
        if not len(data) < len(packed):
            return packed, flags | FLAG_COMPRESSED
    return data, flags

def compressed_deserialize(data, flags):
    if flags & FLAG_COMPRESSED:
        data = zlib.decompress(data)
    return deserialize(data, flags)

def same(a, b):
    """Equal, and of the same types all the way down (so 1 is not True and a tuple not a list)."""
    if type(a) is not type(b):
        return False
    if type(a) is float:
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if type(a) in (list, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if type(a) is dict:
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b
`;

/** Runs Python with the pymemcache rules loaded; `input` arrives as JSON in `data`, the script prints JSON. */
export function runPython<T>(script: string, input: unknown = null): T {
  const code = `${PYMEMCACHE_RULES}\ndata = json.loads(sys.stdin.read())\n${script}`;
  const output = execFileSync('python3', ['-c', code], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    timeout: 20_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output) as T;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

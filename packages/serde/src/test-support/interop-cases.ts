/**
 * Values as Python writes them (an expression) and as JavaScript holds them. `direction` limits
 * a case to one way where the types do not map back (a Python tuple is read as an Array, an
 * Array is written as a list).
 */
export interface InteropCase {
  name: string;
  python: string;
  js: unknown;
  direction?: 'from-python' | 'to-python';
}

const long = 'x'.repeat(1000);
const shared = [1, 2];

export const INTEROP_CASES: InteropCase[] = [
  { name: 'None', python: 'None', js: null },
  { name: 'True', python: 'True', js: true },
  { name: 'False', python: 'False', js: false },
  { name: 'zero', python: '0', js: 0 },
  { name: 'small int', python: '255', js: 255 },
  { name: 'int16', python: '65535', js: 65535 },
  { name: 'negative int', python: '-1', js: -1 },
  { name: 'int32 min', python: '-2**31', js: -(2 ** 31) },
  { name: 'int32 max + 1', python: '2**31', js: 2 ** 31 },
  { name: 'largest safe integer', python: '2**53 - 1', js: 2 ** 53 - 1 },
  { name: '2**53 as bigint', python: '2**53', js: 2n ** 53n },
  { name: '-2**63', python: '-2**63', js: -(2n ** 63n) },
  { name: '2**64 + 1', python: '2**64 + 1', js: 2n ** 64n + 1n },
  { name: 'googol', python: '10**100', js: 10n ** 100n },
  { name: 'float', python: '1.5', js: 1.5 },
  { name: 'negative zero', python: '-0.0', js: -0 },
  { name: 'huge float', python: '1e300', js: 1e300 },
  { name: 'infinity', python: "float('inf')", js: Number.POSITIVE_INFINITY },
  { name: 'NaN', python: "float('nan')", js: Number.NaN },
  { name: 'empty string', python: "''", js: '' },
  { name: 'unicode string', python: "'h\\u00e9llo \\U0001F600 \\u2028 \\x00'", js: 'héllo 😀 \u2028 \u0000' },
  { name: 'long string', python: `'${long}'`, js: long },
  { name: 'empty bytes', python: "b''", js: new Uint8Array(0) },
  { name: 'bytes', python: "b'\\x00\\xff\\n'", js: new Uint8Array([0, 255, 10]) },
  {
    name: 'bytearray',
    python: "bytearray(b'a\\xff')",
    js: new Uint8Array([97, 255]),
    direction: 'from-python',
  },
  { name: 'empty bytearray', python: 'bytearray()', js: new Uint8Array(0), direction: 'from-python' },
  { name: 'list', python: "[1, 'a', None, 2.5]", js: [1, 'a', null, 2.5] },
  { name: 'empty list', python: '[]', js: [] },
  { name: 'tuple', python: "(1, 'b')", js: [1, 'b'], direction: 'from-python' },
  { name: 'long list', python: 'list(range(2500))', js: Array.from({ length: 2500 }, (_, index) => index) },
  { name: 'dict with string keys', python: "{'a': 1, 'b': [True]}", js: { a: 1, b: [true] } },
  { name: 'empty dict', python: '{}', js: {} },
  {
    name: 'dict with other keys',
    python: "{1: 'one', (1, 2): 'pair'}",
    js: new Map<unknown, unknown>([
      [1, 'one'],
      [[1, 2], 'pair'],
    ]),
  },
  { name: 'set', python: "{1, 'a', b'x'}", js: new Set<unknown>([1, 'a', new Uint8Array([120])]) },
  { name: 'empty set', python: 'set()', js: new Set() },
  { name: 'frozenset', python: 'frozenset({3})', js: new Set([3]), direction: 'from-python' },
  {
    name: 'nesting',
    python: "{'list': [{'set': {1, 2}}, [b'', {'deep': [[['x']]]}]], 'n': -7}",
    js: { list: [{ set: new Set([1, 2]) }, [new Uint8Array(0), { deep: [[['x']]] }]], n: -7 },
  },
  { name: 'shared references', python: '[[1, 2]] * 2', js: [shared, shared] },
  {
    name: 'big compressible',
    python: "{'rows': [{'id': i, 'name': 'row %d' % i} for i in range(200)]}",
    js: { rows: Array.from({ length: 200 }, (_, id) => ({ id, name: `row ${id}` })) },
  },
];

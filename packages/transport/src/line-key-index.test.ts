import type { Key } from '@mc/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineKeyIndex } from './line-key-index.js';

/** Builds lines as the connection does: find each key, add it when new, and answer each key's slot. */
function slotsOf(index: LineKeyIndex, line: readonly Key[]): number[] {
  const keys: Key[] = new Array(line.length);
  let count = 0;
  index.begin(keys);
  const slots = line.map((key) => {
    let slot = index.find(key);
    if (slot === -1) {
      slot = count;
      index.add(slot);
      keys[count++] = key;
    }
    return slot;
  });
  index.end();
  return slots;
}

/** The same by a plain Map: strings by themselves, bytes by their latin1 spelling, never mixed. */
function expectedSlots(line: readonly Key[]): number[] {
  const seen = new Map<string, number>();
  let count = 0;
  return line.map((key) => {
    const id = typeof key === 'string' ? `s${key}` : `b${Buffer.from(key).toString('latin1')}`;
    let slot = seen.get(id);
    if (slot === undefined) {
      slot = count++;
      seen.set(id, slot);
    }
    return slot;
  });
}

describe('LineKeyIndex', () => {
  it('finds every repeated key of a line, and only those, line after line', () => {
    const alphabet = fc.constantFrom('a', 'b', 'é', '1', '2');
    const key = fc.oneof(
      fc.string({ unit: alphabet, minLength: 1, maxLength: 6 }),
      fc.uint8Array({ minLength: 1, maxLength: 6 }).map((bytes) => bytes.map((byte) => 0x61 + (byte % 3))),
      fc.nat(999).map((index) => `bench:small:${index}`),
    );
    const index = new LineKeyIndex();
    fc.assert(
      fc.property(
        fc.array(fc.array(key, { maxLength: LineKeyIndex.capacity }), { maxLength: 5 }),
        (lines) => {
          for (const line of lines) expect(slotsOf(index, line)).toEqual(expectedSlots(line));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays exact when keys all look alike where it samples them (a Map takes over)', () => {
    // One length (9), and the same first, middle and last two units: every key, one bucket.
    const alike = Array.from(
      { length: 60 },
      (_, index) => `a${String(index).padStart(3, '0')}Mx${index % 10}zz`,
    );
    expect(new Set(alike.map((key) => key.length))).toEqual(new Set([9]));
    const index = new LineKeyIndex();
    const lines: Key[][] = [
      alike,
      // Repeats of keys added before the long walk and after it, and bytes of one of them.
      [...alike, alike[3]!, alike[50]!, Buffer.from(alike[3]!), alike[59]!],
      [alike[0]!, alike[0]!],
    ];
    for (const line of lines) expect(slotsOf(index, line)).toEqual(expectedSlots(line));
  });

  it('keeps a string and bytes of one latin1 spelling apart', () => {
    const index = new LineKeyIndex();
    const line: Key[] = ['é', Uint8Array.from([0xe9]), Buffer.from('é'), 'é', Uint8Array.from([0xe9])];
    expect(slotsOf(index, line)).toEqual([0, 1, 2, 0, 1]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RingQueue } from './ring-queue.js';

describe('RingQueue', () => {
  it('is first in, first out across wrap-arounds and growth', () => {
    const queue = new RingQueue<number>(2);
    const expected: number[] = [];
    let next = 0;
    for (let round = 0; round < 200; round++) {
      for (let index = 0; index < (round % 7) + 1; index++) {
        queue.push(next);
        expected.push(next++);
      }
      for (let index = 0; index < (round % 5) + 1 && expected.length > 0; index++) {
        expect(queue.peek()).toBe(expected[0]);
        expect(queue.shift()).toBe(expected.shift());
      }
      expect(queue.length).toBe(expected.length);
    }
    expect(queue.drain()).toEqual(expected);
    expect(queue.length).toBe(0);
  });

  it('puts elements back in front, across wrap-arounds and growth', () => {
    const queue = new RingQueue<number>(2);
    const expected: number[] = [];
    for (let index = 0; index < 50; index++) {
      if (index % 3 === 0) {
        queue.unshift(index);
        expected.unshift(index);
      } else {
        queue.push(index);
        expected.push(index);
      }
      if (index % 7 === 0) expect(queue.shift()).toBe(expected.shift());
    }
    expect(queue.drain()).toEqual(expected);
  });

  it('answers undefined when empty and indexes from the oldest', () => {
    const queue = new RingQueue<string>();
    expect(queue.peek()).toBeUndefined();
    expect(queue.shift()).toBeUndefined();
    queue.push('a');
    queue.push('b');
    expect(queue.at(0)).toBe('a');
    expect(queue.at(1)).toBe('b');
    expect(queue.at(2)).toBeUndefined();
    expect(queue.at(-1)).toBeUndefined();
  });

  it('behaves like an array used as a queue, for any sequence of operations', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.constant(null)), { maxLength: 300 }), (operations) => {
        const queue = new RingQueue<number>(2);
        const model: number[] = [];
        for (const operation of operations) {
          if (operation === null) expect(queue.shift()).toBe(model.shift());
          else {
            queue.push(operation);
            model.push(operation);
          }
          expect(queue.length).toBe(model.length);
          expect(queue.peek()).toBe(model[0]);
        }
        expect(queue.drain()).toEqual(model);
      }),
    );
  });
});

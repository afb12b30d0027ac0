import { describe, expect, it } from 'vitest';
import { FifoQueue } from './fifo-queue.js';

describe('FifoQueue', () => {
  it('hands values out first in, first out', () => {
    const queue = new FifoQueue<number>();
    for (let value = 0; value < 5; value++) queue.push(value);
    expect(queue.length).toBe(5);
    expect([queue.shift(), queue.shift()]).toEqual([0, 1]);
    queue.push(5);
    expect([...queue]).toEqual([2, 3, 4, 5]);
  });

  it('removes from the head, the middle and the tail in place', () => {
    const queue = new FifoQueue<string>();
    const a = queue.push('a');
    const b = queue.push('b');
    const c = queue.push('c');
    const d = queue.push('d');
    expect(queue.remove(b)).toBe(true);
    expect(queue.remove(b)).toBe(false);
    expect(queue.remove(d)).toBe(true);
    expect(queue.remove(a)).toBe(true);
    expect([...queue]).toEqual(['c']);
    expect(queue.remove(c)).toBe(true);
    expect(queue.length).toBe(0);
    expect(queue.shift()).toBeUndefined();
    queue.push('e');
    expect([...queue]).toEqual(['e']);
  });

  it('unshift puts a value back at the front', () => {
    const queue = new FifoQueue<number>();
    queue.push(2);
    queue.unshift(1);
    queue.push(3);
    expect([...queue]).toEqual([1, 2, 3]);
    const empty = new FifoQueue<number>();
    empty.unshift(7);
    expect(empty.shift()).toBe(7);
    expect(empty.length).toBe(0);
  });

  it('inserts before a node, or at the back, and shows its first node', () => {
    const queue = new FifoQueue<string>();
    expect(queue.first).toBeUndefined();
    const b = queue.push('b');
    const d = queue.push('d');
    queue.insertBefore('a', b);
    queue.insertBefore('c', d);
    queue.insertBefore('e', undefined);
    expect([...queue]).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(queue.length).toBe(5);
    expect(queue.first?.value).toBe('a');
    expect(queue.first?.next?.value).toBe('b');
    expect([queue.shift(), queue.shift(), queue.shift(), queue.shift(), queue.shift()]).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
    expect(queue.first).toBeUndefined();
  });
});

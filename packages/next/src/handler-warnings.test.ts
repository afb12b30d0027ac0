import { describe, expect, it } from 'vitest';
import { HandlerWarnings } from './handler-warnings.js';

function collect() {
  const messages: string[] = [];
  return { messages, warnings: new HandlerWarnings({ warn: (message) => messages.push(message) }) };
}

describe('HandlerWarnings', () => {
  it('warns once per key', () => {
    const { messages, warnings } = collect();
    warnings.once('a', 'first a');
    warnings.once('a', 'second a');
    warnings.once('b', 'first b');
    expect(messages).toStrictEqual(['first a', 'first b']);
  });

  it('remembers a bounded number of keys, then starts over', () => {
    const { messages, warnings } = collect();
    for (let index = 0; index <= 1000; index++) warnings.once(`key-${index}`, `warn ${index}`);
    warnings.once('key-0', 'again');
    expect(messages).toHaveLength(1002);
    expect(messages.at(-1)).toBe('again');
  });

  it('warns about an unavailable server once per interval, naming the error', () => {
    const { messages, warnings } = collect();
    warnings.unavailable('get', new Error('refused'));
    warnings.unavailable('set', new Error('refused again'));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/unavailable \(get\).*Error: refused/);
  });
});

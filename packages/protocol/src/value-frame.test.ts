import { describe, expect, it } from 'vitest';
import { MemcacheDeserializeError } from './errors.js';
import { ResponseParser } from './response-parser.js';
import type { Frame } from './types.js';
import { ValueFrame } from './value-frame.js';

/** The value frames of `pieces`, parsed as they arrive. */
function frames(...pieces: Uint8Array[]): ValueFrame[] {
  const found: ValueFrame[] = [];
  const parser = new ResponseParser();
  for (const piece of pieces) {
    parser.feed(piece, (frame: Frame) => {
      if (frame instanceof ValueFrame) found.push(frame);
    });
  }
  return found;
}

const reply = (...parts: Array<string | Uint8Array>) =>
  new Uint8Array(
    Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : part))),
  );

describe('ValueFrame', () => {
  it('is what the parser makes of a VALUE block, with views built once when read', () => {
    const chunk = reply('VALUE key 5 3\r\nabc\r\nEND\r\n');
    const [frame] = frames(chunk);
    expect(frame).toBeInstanceOf(ValueFrame);
    expect(frame!.kind).toBe('value');
    expect(frame!.flags).toBe(5);
    expect(frame!.key).toBe(frame!.key);
    expect(frame!.data).toBe(frame!.data);
    expect(Buffer.from(frame!.key).toString()).toBe('key');
    expect(Buffer.from(frame!.data).toString()).toBe('abc');
    expect(frame!.data.buffer).toBe(chunk.buffer); // a view, not a copy
  });

  it('compares keys in place: strings as UTF-8, bytes as bytes', () => {
    const [ascii, utf8] = frames(reply('VALUE ab 0 1\r\n1\r\nVALUE ', Buffer.from('é'), ' 0 1\r\n2\r\n'));
    expect(ascii!.hasKey('ab')).toBe(true);
    expect(ascii!.hasKey(Buffer.from('ab'))).toBe(true);
    expect(ascii!.hasKey('a')).toBe(false);
    expect(ascii!.hasKey('abc')).toBe(false);
    expect(ascii!.hasKey('aB')).toBe(false);
    expect(ascii!.hasKey(Buffer.from('aB'))).toBe(false);
    expect(utf8!.hasKey('é')).toBe(true);
    expect(utf8!.hasKey('e')).toBe(false);
    expect(utf8!.hasKey(Buffer.from('é'))).toBe(true);
  });

  it('reads text as strict UTF-8 wherever the chunk holds other bytes', () => {
    const text = 'hé ✓ 😀';
    const [plain, accented, bom] = frames(
      reply('VALUE a 16 5\r\nhello\r\n'),
      reply(`VALUE b 16 ${Buffer.byteLength(text)}\r\n`, Buffer.from(text), '\r\n'),
      reply('VALUE c 16 6\r\n', Buffer.from('\uFEFFabc'), '\r\n'),
    );
    expect(plain!.text()).toBe('hello');
    expect(accented!.text()).toBe(text);
    expect(bom!.text()).toBe('\uFEFFabc');
  });

  it('refuses malformed UTF-8 with MemcacheDeserializeError, never U+FFFD, also in a chunk of ASCII text', () => {
    const [good, bad, truncated, surrogate] = frames(
      reply(
        'VALUE a 16 2\r\nok\r\nVALUE b 16 3\r\na',
        Uint8Array.of(0xff),
        'b\r\nVALUE c 16 2\r\n',
        Uint8Array.of(0xc3),
        'x\r\nVALUE d 16 3\r\n',
        Uint8Array.of(0xed, 0xa0, 0x80),
        '\r\nEND\r\n',
      ),
    );
    expect(good!.text()).toBe('ok');
    for (const frame of [bad, truncated, surrogate]) {
      expect(() => frame!.text()).toThrow(MemcacheDeserializeError);
      expect(() => frame!.text()).toThrow(/not valid UTF-8/);
    }
  });

  it('reads every text of a large chunk right, whatever stands before or after it', () => {
    const parts: Array<string | Uint8Array> = [];
    const expected: Array<string | RegExp> = [];
    const add = (value: Uint8Array, text: string | RegExp) => {
      parts.push(`VALUE k${expected.length} 16 ${value.length}\r\n`, value, '\r\n');
      expected.push(text);
    };
    const binary = Uint8Array.from({ length: 3000 }, (_, index) => (index * 7) % 256);
    parts.push(`VALUE bin 0 ${binary.length}\r\n`, binary, '\r\n'); // not text, not ASCII
    for (let index = 0; index < 300; index++) {
      const text = `value ${index} `.repeat(10);
      if (index === 150) add(Buffer.from('é'.repeat(20)), 'é'.repeat(20));
      else if (index === 250) add(Uint8Array.of(0x61, 0x80), /not valid UTF-8/);
      else add(Buffer.from(text), text);
    }
    const found = frames(reply(...parts)).slice(1);
    expect(found.length).toBe(expected.length);
    for (const [index, frame] of found.entries()) {
      const want = expected[index]!;
      if (typeof want === 'string') expect(frame.text()).toBe(want);
      else expect(() => frame.text()).toThrow(want);
    }
  });

  it('reads the text of a value gathered across chunks', () => {
    const value = 'x'.repeat(70_000);
    const whole = reply(`VALUE big 16 ${value.length}\r\n`, value, '\r\nEND\r\n');
    const [frame] = frames(whole.subarray(0, 1000), whole.subarray(1000, 40_000), whole.subarray(40_000));
    expect(frame!.text()).toBe(value);
  });
});

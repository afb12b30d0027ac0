import { MemcacheDeserializeError } from '@mc/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pickleDumps } from './pickle-dumps.js';
import { pickleLoads } from './pickle-loads.js';

const latin1 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

function expectRefused(bytes: Uint8Array, message?: RegExp): void {
  let thrown: unknown;
  try {
    pickleLoads(bytes);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(MemcacheDeserializeError);
  if (message) expect((thrown as Error).message).toMatch(message);
}

/** Whatever the input, pickleLoads returns or throws MemcacheDeserializeError: nothing else. */
function loadsSafely(bytes: Uint8Array): void {
  try {
    pickleLoads(bytes);
  } catch (error) {
    if (!(error instanceof MemcacheDeserializeError)) throw error;
  }
}

describe('pickleLoads reads protocol 0 and 1 text opcodes', () => {
  it.each([
    ['I01\n.', true],
    ['I00\n.', false],
    ['I-42\n.', -42],
    ['L1180591620717411303424L\n.', 2n ** 70n],
    ['F-1.5\n.', -1.5],
    ['Finf\n.', Number.POSITIVE_INFINITY],
    ['F-inf\n.', Number.NEGATIVE_INFINITY],
    ["S'a\\'b\\n\\x41\\101'\n.", "a'b\nAA"],
    ['Vh\xe9\\u005c\\u000a\\U0001f600\n.', 'hé\\\n😀'],
    ['(I1\nI2\nl.', [1, 2]],
    ['(S"k"\nI1\nd.', { k: 1 }],
    ['(I1\nI2\nt.', [1, 2]],
    ['(lp0\nI1\nag0\na.', 'a list holding itself'],
    ['T\x02\x00\x00\x00ab.', 'ab'],
    ['U\x02ab.', 'ab'],
  ])('%j', (text, expected) => {
    const value = pickleLoads(latin1(text));
    if (text.startsWith('(lp0')) {
      // a list that contains itself, through PUT and GET
      const list = value as unknown[];
      expect(list[0]).toBe(1);
      expect(list[1]).toBe(list);
      return;
    }
    expect(value).toEqual(expected);
  });

  it('POP, POP_MARK and DUP move the stack as Python does', () => {
    expect(pickleLoads(latin1('I1\nI2\n0.'))).toBe(1);
    expect(pickleLoads(latin1('I1\n(I2\nI3\n1.'))).toBe(1);
    expect(pickleLoads(latin1('I1\n(0.'))).toBe(1);
    expect(pickleLoads(latin1(']2\x86.'))).toEqual([[], []]);
    const [first, second] = pickleLoads(latin1(']2\x86.')) as unknown[];
    expect(first).toBe(second);
  });

  it('keeps "__proto__" as a plain key and does not touch the prototype', () => {
    const value = pickleLoads(pickleDumps(new Map([['__proto__', { polluted: true }]]))) as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads a dict with a key that is not a string as a Map', () => {
    expect(
      pickleLoads(
        pickleDumps(
          new Map<unknown, unknown>([
            ['a', 1],
            [2, 'b'],
          ]),
        ),
      ),
    ).toEqual(
      new Map<unknown, unknown>([
        ['a', 1],
        [2, 'b'],
      ]),
    );
  });

  it('ignores bytes after STOP, as Python does', () => {
    expect(pickleLoads(latin1('N.garbage'))).toBeNull();
  });
});

describe('pickleLoads never runs code', () => {
  it.each([
    ['GLOBAL os.system with REDUCE', "cos\nsystem\n(S'echo hi'\ntR.", /os\.system/],
    ['GLOBAL builtins.eval', 'cbuiltins\neval\n.', /builtins\.eval/],
    ['GLOBAL of an inherited property', 'cbuiltins\ntoString\n.', /toString/],
    ['GLOBAL with a __proto__ module', 'c__proto__\nset\n.', /__proto__/],
    ['STACK_GLOBAL subprocess.Popen', '\x80\x04\x8c\x0asubprocess\x8c\x05Popen\x93.', /subprocess\.Popen/],
    ['STACK_GLOBAL with a non-string name', '\x80\x04K\x01K\x02\x93.', /STACK_GLOBAL/],
    ['BUILD', ']}b.', /BUILD/],
    ['INST', '(ios\nsystem\n.', /INST/],
    ['OBJ', '(o.', /OBJ/],
    ['NEWOBJ', '\x80\x02cbuiltins\nset\n)\x81.', /NEWOBJ/],
    ['NEWOBJ_EX', '\x80\x04cbuiltins\nset\n)}\x92.', /NEWOBJ_EX/],
    ['PERSID', 'Pid\n.', /PERSID/],
    ['BINPERSID', 'N Q.', /BINPERSID|opcode/],
    ['EXT1', '\x80\x02\x82\x01.', /EXT1/],
    ['EXT2', '\x80\x02\x83\x01\x00.', /EXT2/],
    ['EXT4', '\x80\x02\x84\x01\x00\x00\x00.', /EXT4/],
    ['NEXT_BUFFER', '\x80\x05\x97.', /NEXT_BUFFER/],
    ['READONLY_BUFFER', '\x80\x05C\x00\x98.', /READONLY_BUFFER/],
    ['a class left in the result', 'cbuiltins\nset\n.', /class/],
    ['a class inside a list', ']cbuiltins\nset\na.', /class/],
    ['REDUCE of something that is not a class', 'N)R.', /REDUCE/],
    ['REDUCE without an argument tuple', 'cbuiltins\nset\nNR.', /REDUCE/],
    ['set() of an int', 'cbuiltins\nset\nK\x01\x85R.', /set/],
    ['bytes() of ints beyond 255', 'c__builtin__\nbytes\n]M\x00\x01a\x85R.', /bytes/],
    [
      '_codecs.encode to another codec',
      'c_codecs\nencode\nX\x01\x00\x00\x00aX\x05\x00\x00\x00utf-8\x86R.',
      /latin-1/,
    ],
    [
      '_codecs.encode of non-latin-1 text',
      'c_codecs\nencode\nX\x03\x00\x00\x00\xe2\x82\xacX\x06\x00\x00\x00latin1\x86R.',
      /latin-1/,
    ],
  ])('refuses %s', (_name, text, message) => {
    expectRefused(latin1(text), message);
  });

  it('accepts exactly the constructors Python uses for its own types', () => {
    expect(pickleLoads(latin1('c__builtin__\nbytes\n)R.'))).toEqual(new Uint8Array(0));
    expect(pickleLoads(latin1('cbuiltins\nbytes\n]K\x01a\x85R.'))).toEqual(new Uint8Array([1]));
    expect(
      pickleLoads(latin1('c__builtin__\nbytearray\nX\x02\x00\x00\x00\xc3\xbfX\x07\x00\x00\x00latin-1\x86R.')),
    ).toEqual(new Uint8Array([0xff]));
    expect(pickleLoads(latin1('cbuiltins\nfrozenset\n)R.'))).toEqual(new Set());
  });
});

describe('pickleLoads rejects malformed input with MemcacheDeserializeError', () => {
  it.each([
    ['empty input', '', /truncated/],
    ['no STOP', 'N', /truncated/],
    ['a newer protocol', '\x80\x06N.', /protocol 6/],
    ['an unknown opcode', '\xff', /opcode 0xff/],
    ['STOP on an empty stack', '.', /empty stack/],
    ['APPEND on an empty stack', 'a.', /empty stack/],
    ['APPEND to a dict', '}Na.', /list/],
    ['SETITEM on a list', ']NNs.', /dict/],
    ['ADDITEMS on a list', '](N\x90.', /set/],
    ['APPENDS without MARK', ']e.', /MARK/],
    ['popping below the mark', ']N(a.', /empty stack/],
    ['an odd DICT', '(Nd.', /pairs/],
    ['a missing memo entry', 'h\x05.', /memo/],
    ['a malformed memo index', 'gx\n.', /memo index/],
    ['a string length beyond the input', 'X\xff\xff\xff\xff', /truncated/],
    ['a BINBYTES8 length of 2^63', '\x8e\x00\x00\x00\x00\x00\x00\x00\x80', /truncated/],
    ['a FRAME longer than the input', '\x95\xff\xff\xff\xff\x00\x00\x00\x00N.', /truncated/],
    ['a LONG4 length beyond the input', '\x8b\xff\xff\xff\x7f', /truncated/],
    ['a negative BINSTRING length', 'T\xff\xff\xff\xff', /negative/],
    ['a text line without newline', 'I12', /newline/],
    ['a malformed INT', 'Iabc\n.', /decimal/],
    ['a malformed FLOAT', 'F0x10\n.', /FLOAT/],
    ['a STRING without quotes', 'Sabc\n.', /quotes/],
    ['a bad \\u escape', 'V\\u12\n.', /escape/],
    ['invalid UTF-8', 'X\x01\x00\x00\x00\xff.', /UTF-8/],
  ])('%s', (_name, text, message) => {
    expectRefused(latin1(text), message);
  });

  it('every truncation of a valid pickle is refused', () => {
    const bytes = pickleDumps({
      list: [1, 'two', new Uint8Array([3])],
      map: new Map([[1, new Set([2n ** 80n])]]),
    });
    for (let length = 0; length < bytes.length; length++) expectRefused(bytes.subarray(0, length));
  });

  it('caps nesting depth, without exhausting the JavaScript stack', () => {
    const nested = (depth: number) => latin1(`${']'.repeat(depth)}${'a'.repeat(depth - 1)}.`);
    expect(() => pickleLoads(nested(900))).not.toThrow();
    expectRefused(nested(5000), /deeper than 1000/);
    expectRefused(nested(200_000), /deeper than 1000/);
  });

  it('expands a pickle of shared references in linear time (no billion laughs)', () => {
    // Each level holds the previous one twice: 2^60 leaves if expanded, 60 lists by identity.
    let text = ']';
    for (let level = 0; level < 60; level++) text += '2\x86';
    const value = pickleLoads(latin1(`${text}.`)) as unknown[];
    expect(value[0]).toBe(value[1]);
  });
});

describe('pickleLoads under fuzzing', () => {
  it('random bytes: returns or throws MemcacheDeserializeError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => loadsSafely(bytes)),
      { numRuns: 5000 },
    );
  });

  it('random opcode soups, which reach deeper than random bytes do', () => {
    const pieces = [
      '(',
      ')',
      ']',
      '}',
      'N',
      'K\x01',
      'a',
      'e',
      's',
      'u',
      't',
      'l',
      'd',
      '0',
      '1',
      '2',
      '\x85',
      '\x86',
      '\x87',
      '\x8f',
      '\x90',
      '\x91',
      '\x94',
      'h\x00',
      'h\x01',
      'q\x00',
      'R',
      'cbuiltins\nset\n',
      'c_codecs\nencode\n',
      'X\x01\x00\x00\x00a',
      'C\x01b',
      '\x8a\x02\xff\x7f',
      '\x80\x05',
      'X\x06\x00\x00\x00latin1',
      'b',
      '\x93',
      '.',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 60 }), (parts) =>
        loadsSafely(latin1(`${parts.join('')}.`)),
      ),
      { numRuns: 10_000 },
    );
  });

  it('mutated valid pickles: returns or throws MemcacheDeserializeError', () => {
    const base = pickleDumps(
      { a: [1, 2.5, 'x', new Uint8Array([1])], b: new Set([1, 'y']), c: new Map([[[1, 2], null]]) },
      4,
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat({ max: base.length }),
        (edits, cut) => {
          const bytes = base.slice(0, Math.max(cut, 1));
          for (const [index, byte] of edits) if (index < bytes.length) bytes[index] = byte;
          loadsSafely(bytes);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

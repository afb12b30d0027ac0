import { Buffer } from 'node:buffer';
import { MemcacheDeserializeError } from '@mc/protocol';
import {
  MAX_DECODED_CONTAINERS,
  MAX_DECODED_ITEMS,
  tooManyContainers,
  tooManyItems,
} from './decode-budget.js';
import { integerResult, parseDecimalInteger } from './integer-text.js';
import {
  HIGHEST_PICKLE_PROTOCOL,
  MAX_PICKLE_DEPTH,
  MAX_PICKLE_LONG_BYTES,
  OP,
  PICKLE_COPIES_PER_BYTE,
  PICKLE_COPY_ALLOWANCE,
} from './pickle-opcodes.js';
import { decodeUtf8SurrogatePass } from './utf8.js';

/** What pickleLoads returns: the Python values that have a faithful JavaScript counterpart. */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | Map<PickleValue, PickleValue>
  | Set<PickleValue>
  | { [key: string]: PickleValue };

/**
 * Reads a Python pickle (protocols 0 to 5) without running anything: None, bool, int (a number
 * when safe, else a bigint), float, str, bytes and bytearray (Uint8Array), list and tuple (Array),
 * dict (a plain object when every key is a string, else a Map), set and frozenset (Set), with
 * shared references and cycles kept. The only classes it accepts are the few Python itself uses
 * to pickle those types (`builtins.set`, `builtins.frozenset`, `builtins.bytearray`,
 * `builtins.bytes`, `_codecs.encode`); any other class, malformed input, or a value that builds
 * more than MAX_DECODED_CONTAINERS containers or MAX_DECODED_ITEMS values is a
 * MemcacheDeserializeError.
 */
export function pickleLoads(bytes: Uint8Array): PickleValue {
  try {
    return new Unpickler(bytes).load();
  } catch (error) {
    if (error instanceof MemcacheDeserializeError) throw error;
    throw new MemcacheDeserializeError('The pickle could not be read', { cause: error });
  }
}

/** The constructors a safe pickle may call, by the name Python gives them. */
type Constructor = 'bytes' | 'bytearray' | 'set' | 'frozenset' | 'encode';

/** A class reference on the stack, waiting for REDUCE; it must never become part of the result. */
class PythonGlobal {
  constructor(readonly name: Constructor) {}
}

/**
 * A dict while loading: it becomes an object or a Map once every key is known. The Map is made
 * by the first SETITEM, so an empty dict costs one small object: loading 900,000 empty dicts
 * took 333 MB of heap with a Map each, and takes 116 MB without.
 */
class PythonDict {
  entries: Map<unknown, unknown> | undefined;
}

/** `module.name` → constructor; `__builtin__` is Python 2's name for `builtins`. */
const ALLOWED = new Map<string, Constructor>([
  ['builtins.bytes', 'bytes'],
  ['builtins.bytearray', 'bytearray'],
  ['builtins.set', 'set'],
  ['builtins.frozenset', 'frozenset'],
  ['__builtin__.bytes', 'bytes'],
  ['__builtin__.bytearray', 'bytearray'],
  ['__builtin__.set', 'set'],
  ['__builtin__.frozenset', 'frozenset'],
  ['_codecs.encode', 'encode'],
]);

const REFUSED: Partial<Record<number, string>> = {
  [OP.PERSID]: 'PERSID',
  [OP.BINPERSID]: 'BINPERSID',
  [OP.BUILD]: 'BUILD',
  [OP.INST]: 'INST',
  [OP.OBJ]: 'OBJ',
  [OP.NEWOBJ]: 'NEWOBJ',
  [OP.NEWOBJ_EX]: 'NEWOBJ_EX',
  [OP.EXT1]: 'EXT1',
  [OP.EXT2]: 'EXT2',
  [OP.EXT4]: 'EXT4',
  [OP.NEXT_BUFFER]: 'NEXT_BUFFER',
  [OP.READONLY_BUFFER]: 'READONLY_BUFFER',
};

/** `\d+(?:\.\d*)?`, not `\d+\.?\d*`: two runs of digits side by side backtrack quadratically. */
const PYTHON_FLOAT =
  /^[ \t\n\r\f\v]*[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)[ \t\n\r\f\v]*$/i;

/** What step() returns for an opcode that pushes nothing. */
const NOTHING = Symbol('nothing');

function fail(message: string): never {
  throw new MemcacheDeserializeError(message);
}

/**
 * A stack machine, as in Python's `_pickle.c`: an object stack plus a separate stack of MARK
 * positions, so a mark can never be mistaken for a value.
 *
 *   stack: [ ... | a  b  c ]        marks: [ ..., 1 ]
 *                ^ fence (the newest mark): nothing below it may be popped
 */
class Unpickler {
  private position = 0;
  private readonly view: DataView;
  private readonly stack: unknown[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, unknown>();

  /** The input as a Buffer, for its native string slicing. */
  private readonly text: Buffer;

  /**
   * The bytes and members REDUCE may still copy. Every other opcode builds at most one item
   * per stack entry, and each entry costs an opcode, so only REDUCE can outgrow the input.
   */
  private copies: number;

  /**
   * What the value may still build: containers (MAX_DECODED_CONTAINERS) and stack entries
   * (MAX_DECODED_ITEMS; every value lands on the stack once, memo references and DUP too). A
   * byte of pickle can make an empty dict, so the input's length alone does not bound the heap.
   */
  private containers = MAX_DECODED_CONTAINERS;
  private items = MAX_DECODED_ITEMS;

  constructor(private readonly input: Uint8Array) {
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
    this.text = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    this.copies = input.length * PICKLE_COPIES_PER_BYTE + PICKLE_COPY_ALLOWANCE;
  }

  load(): PickleValue {
    while (this.position < this.input.length) {
      const opcode = this.input[this.position++]!;
      if (opcode === OP.STOP) return new Converter().convert(this.pop(), 0);
      const pushed = this.step(opcode);
      if (pushed !== NOTHING) {
        if (--this.items < 0) throw tooManyItems('pickle');
        this.stack.push(pushed);
      }
    }
    return fail('The pickle is truncated: it ends before STOP');
  }

  /** Runs one opcode; returns what it pushes, or NOTHING. */
  private step(opcode: number): unknown {
    switch (opcode) {
      case OP.PROTO: {
        const protocol = this.uint8();
        if (protocol > HIGHEST_PICKLE_PROTOCOL) fail(`Unsupported pickle protocol ${protocol}`);
        return NOTHING;
      }
      case OP.FRAME:
        this.length64(); // framing only groups opcodes; the content is read as it comes
        return NOTHING;
      case OP.MARK:
        this.marks.push(this.stack.length);
        return NOTHING;
      case OP.POP:
        if (this.marks.at(-1) === this.stack.length) this.marks.pop();
        else this.pop();
        return NOTHING;
      case OP.POP_MARK:
        this.popMark();
        return NOTHING;
      case OP.DUP:
        return this.top();
      case OP.NONE:
        return null;
      case OP.NEWTRUE:
        return true;
      case OP.NEWFALSE:
        return false;
      case OP.INT: {
        const line = this.line();
        if (line === '01') return true;
        if (line === '00') return false;
        return parseDecimalInteger(line, 'pickled INT');
      }
      case OP.LONG:
        return parseDecimalInteger(this.line().replace(/L$/, ''), 'pickled LONG');
      case OP.BININT1:
        return this.uint8();
      case OP.BININT2:
        this.need(2);
        this.position += 2;
        return this.view.getUint16(this.position - 2, true);
      case OP.BININT:
        this.need(4);
        this.position += 4;
        return this.view.getInt32(this.position - 4, true);
      case OP.LONG1:
        return this.long(this.uint8());
      case OP.LONG4:
        return this.long(this.length32Signed());
      case OP.FLOAT:
        return parseFloatText(this.line());
      case OP.BINFLOAT:
        this.need(8);
        this.position += 8;
        return this.view.getFloat64(this.position - 8, false);
      case OP.STRING:
        return decodeQuotedString(this.line());
      case OP.BINSTRING:
        return latin1(this.take(this.length32Signed()));
      case OP.SHORT_BINSTRING:
        return latin1(this.take(this.uint8()));
      case OP.UNICODE:
        return decodeRawUnicodeEscape(this.lineBytes());
      case OP.SHORT_BINUNICODE:
        return this.string(this.uint8());
      case OP.BINUNICODE:
        return this.string(this.length32());
      case OP.BINUNICODE8:
        return this.string(this.length64());
      case OP.SHORT_BINBYTES:
        return this.copy(this.uint8());
      case OP.BINBYTES:
        return this.copy(this.length32());
      case OP.BINBYTES8:
      case OP.BYTEARRAY8:
        return this.copy(this.length64());
      case OP.EMPTY_LIST:
      case OP.EMPTY_TUPLE:
        this.container();
        return [];
      case OP.LIST:
      case OP.TUPLE:
        this.container();
        return this.popMark();
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3:
        this.container();
        return this.popMany(opcode - OP.TUPLE1 + 1);
      case OP.APPEND: {
        const item = this.pop();
        this.list().push(item);
        return NOTHING;
      }
      case OP.APPENDS: {
        const items = this.popMark();
        const list = this.list();
        for (const item of items) list.push(item);
        return NOTHING;
      }
      case OP.EMPTY_DICT:
        this.container();
        return new PythonDict();
      case OP.DICT: {
        this.container();
        const dict = new PythonDict();
        this.setItems(dict, this.popMark());
        return dict;
      }
      case OP.SETITEM: {
        const pair = this.popMany(2);
        this.setItems(this.dict(), pair);
        return NOTHING;
      }
      case OP.SETITEMS: {
        const items = this.popMark();
        this.setItems(this.dict(), items);
        return NOTHING;
      }
      case OP.EMPTY_SET:
        this.container();
        return new Set();
      case OP.ADDITEMS: {
        const items = this.popMark();
        const set = this.top();
        if (!(set instanceof Set)) fail('ADDITEMS needs a set');
        for (const item of items) set.add(item);
        return NOTHING;
      }
      case OP.FROZENSET:
        this.container();
        return new Set(this.popMark());
      case OP.GLOBAL: {
        const module = this.line();
        return resolve(module, this.line());
      }
      case OP.STACK_GLOBAL: {
        const [module, name] = this.popMany(2);
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        return resolve(module, name);
      }
      case OP.REDUCE: {
        const [callable, args] = this.popMany(2);
        return this.construct(callable, args);
      }
      case OP.PUT:
        this.put(this.index(this.line()));
        return NOTHING;
      case OP.BINPUT:
        this.put(this.uint8());
        return NOTHING;
      case OP.LONG_BINPUT:
        this.put(this.length32());
        return NOTHING;
      case OP.MEMOIZE:
        this.put(this.memo.size);
        return NOTHING;
      case OP.GET:
        return this.get(this.index(this.line()));
      case OP.BINGET:
        return this.get(this.uint8());
      case OP.LONG_BINGET:
        return this.get(this.length32());
      default: {
        const refused = REFUSED[opcode];
        if (refused !== undefined)
          fail(`The pickle uses ${refused}, which builds arbitrary objects; refused`);
        fail(`Unknown pickle opcode 0x${opcode.toString(16).padStart(2, '0')}`);
      }
    }
  }

  // --- the stacks --------------------------------------------------------------------------

  private fence(): number {
    return this.marks.at(-1) ?? 0;
  }

  private pop(): unknown {
    if (this.stack.length <= this.fence()) fail('The pickle pops from an empty stack');
    return this.stack.pop();
  }

  private popMany(count: number): unknown[] {
    if (this.stack.length - count < this.fence()) fail('The pickle pops from an empty stack');
    return this.stack.splice(this.stack.length - count, count);
  }

  private popMark(): unknown[] {
    const mark = this.marks.pop();
    if (mark === undefined) fail('The pickle has no MARK to pop to');
    return this.stack.splice(mark);
  }

  private top(): unknown {
    if (this.stack.length <= this.fence()) fail('The pickle reads an empty stack');
    return this.stack[this.stack.length - 1];
  }

  private list(): unknown[] {
    const list = this.top();
    if (!Array.isArray(list)) fail('APPEND needs a list');
    return list;
  }

  private dict(): PythonDict {
    const dict = this.top();
    if (!(dict instanceof PythonDict)) fail('SETITEM needs a dict');
    return dict;
  }

  private setItems(dict: PythonDict, items: unknown[]): void {
    if (items.length % 2 !== 0) fail('A dict needs key and value pairs');
    if (items.length === 0) return;
    dict.entries ??= new Map();
    for (let index = 0; index < items.length; index += 2) dict.entries.set(items[index], items[index + 1]);
  }

  /** Counts one container (list, tuple, dict, set) against MAX_DECODED_CONTAINERS. */
  private container(): void {
    if (--this.containers < 0) throw tooManyContainers('pickle');
  }

  private put(index: number): void {
    this.memo.set(index, this.top());
  }

  private get(index: number): unknown {
    if (!this.memo.has(index)) fail(`The pickle reads memo entry ${index}, which was never stored`);
    return this.memo.get(index);
  }

  // --- REDUCE ------------------------------------------------------------------------------

  /** REDUCE, for the few constructors Python uses to pickle bytes, bytearray, set and frozenset. */
  private construct(callable: unknown, args: unknown): unknown {
    if (!(callable instanceof PythonGlobal)) fail('REDUCE needs a class reference');
    if (!Array.isArray(args)) fail('REDUCE needs an argument tuple');
    const [first, second] = args as unknown[];
    switch (callable.name) {
      case 'set':
      case 'frozenset':
        if (args.length === 0) {
          this.container();
          return new Set();
        }
        if (args.length === 1 && (Array.isArray(first) || first instanceof Set)) {
          this.charge(Array.isArray(first) ? first.length : first.size);
          this.container();
          return new Set(first);
        }
        break;
      case 'bytes':
      case 'bytearray':
        if (args.length === 0) return new Uint8Array(0);
        if (args.length === 1 && first instanceof Uint8Array) {
          this.charge(first.length);
          return new Uint8Array(first);
        }
        if (args.length === 1 && Array.isArray(first)) {
          this.charge(first.length);
          if (first.every(isByte)) return Uint8Array.from(first);
        }
        if (callable.name === 'bytearray' && args.length === 2) return this.encodeLatin1(first, second);
        break;
      case 'encode':
        if (args.length === 2) return this.encodeLatin1(first, second);
        break;
    }
    return fail(`The pickle calls ${callable.name} with arguments it never uses`);
  }

  /** Counts `count` bytes or members about to be copied against what the input allows. */
  private charge(count: number): void {
    this.copies -= count;
    if (this.copies < 0) {
      fail(
        `The pickle copies its memoised values into more than ${PICKLE_COPIES_PER_BYTE} bytes or members per byte of pickle; refused as a memory bomb`,
      );
    }
  }

  private encodeLatin1(text: unknown, encoding: unknown): Uint8Array {
    if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) {
      fail('The pickle encodes bytes other than as latin-1 text');
    }
    this.charge(text.length);
    const bytes = new Uint8Array(text.length);
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code > 0xff) fail('The pickle encodes bytes from text outside latin-1');
      bytes[index] = code;
    }
    return bytes;
  }

  // --- the input ---------------------------------------------------------------------------

  /** Every length is checked against what is left, so a forged one cannot make us allocate. */
  private need(count: number): void {
    if (count > this.input.length - this.position) fail('The pickle is truncated');
  }

  private uint8(): number {
    this.need(1);
    return this.input[this.position++]!;
  }

  private length32(): number {
    this.need(4);
    this.position += 4;
    return this.view.getUint32(this.position - 4, true);
  }

  private length32Signed(): number {
    this.need(4);
    this.position += 4;
    const length = this.view.getInt32(this.position - 4, true);
    if (length < 0) fail('The pickle has a negative length');
    return length;
  }

  private length64(): number {
    this.need(8);
    this.position += 8;
    const length = this.view.getBigUint64(this.position - 8, true);
    if (length > BigInt(this.input.length - this.position)) fail('The pickle is truncated');
    return Number(length);
  }

  private take(count: number): Uint8Array {
    this.need(count);
    this.position += count;
    return this.input.subarray(this.position - count, this.position);
  }

  /** UTF-8 text; short ASCII strings, the common case, skip validation and a view allocation. */
  private string(count: number): string {
    this.need(count);
    const start = this.position;
    const end = start + count;
    this.position = end;
    if (count <= 64) {
      let ascii = true;
      for (let index = start; index < end; index++) {
        if (this.input[index]! >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) return this.text.toString('latin1', start, end);
    }
    return decodeUtf8SurrogatePass(this.input.subarray(start, end), 'pickled string');
  }

  /** Bytes the caller may keep, independent of the input buffer. */
  private copy(count: number): Uint8Array {
    return new Uint8Array(this.take(count));
  }

  private lineBytes(): Uint8Array {
    const end = this.input.indexOf(0x0a, this.position);
    if (end === -1) fail('The pickle is truncated: a text argument has no newline');
    const bytes = this.input.subarray(this.position, end);
    this.position = end + 1;
    return bytes;
  }

  private line(): string {
    return latin1(this.lineBytes());
  }

  private index(text: string): number {
    if (!/^\d{1,10}$/.test(text)) fail('The pickle has a malformed memo index');
    return Number(text);
  }

  /** LONG1 and LONG4: little-endian two's complement. */
  private long(count: number): number | bigint {
    const bytes = this.take(count);
    if (count > MAX_PICKLE_LONG_BYTES) {
      fail(`The pickle holds an integer of more than ${MAX_PICKLE_LONG_BYTES} bytes (MAX_PICKLE_LONG_BYTES)`);
    }
    if (count === 0) return 0;
    let hex = '';
    for (let index = count - 1; index >= 0; index--) hex += bytes[index]!.toString(16).padStart(2, '0');
    let value = BigInt(`0x${hex}`);
    if (bytes[count - 1]! >= 0x80) value -= 1n << BigInt(count * 8);
    return integerResult(value);
  }
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

function resolve(module: string, name: string): PythonGlobal {
  const known = ALLOWED.get(`${module}.${name}`);
  if (known === undefined) {
    fail(
      `The pickle refers to ${module}.${name}; pickleLoads constructs no classes but Python's own built-in types`,
    );
  }
  return new PythonGlobal(known);
}

function isByte(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xff;
}

function parseFloatText(text: string): number {
  if (!PYTHON_FLOAT.test(text)) fail('The pickle has a malformed FLOAT');
  const trimmed = text.trim().toLowerCase();
  const sign = trimmed.startsWith('-') ? -1 : 1;
  const unsigned = trimmed.replace(/^[+-]/, '');
  if (unsigned === 'nan') return Number.NaN;
  if (unsigned === 'inf' || unsigned === 'infinity') return sign * Number.POSITIVE_INFINITY;
  return Number(trimmed);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\n': '',
};

/** STRING: a Python 2 `str` written as its quoted repr, with backslash escapes. */
function decodeQuotedString(text: string): string {
  const quote = text[0];
  if (text.length < 2 || (quote !== "'" && quote !== '"') || text[text.length - 1] !== quote) {
    fail('The pickle has a STRING without quotes');
  }
  const body = text.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|[\s\S])?/g, (whole, sequence: string | undefined) => {
    if (sequence === undefined) fail('The pickle has a STRING ending in a backslash');
    if (sequence[0] === 'x' && sequence.length === 3) {
      return String.fromCharCode(Number.parseInt(sequence.slice(1), 16));
    }
    if (/^[0-7]/.test(sequence)) return String.fromCharCode(Number.parseInt(sequence, 8) & 0xff);
    return SIMPLE_ESCAPES[sequence] ?? whole;
  });
}

/**
 * UNICODE: Python's `raw-unicode-escape`: latin-1 bytes, where `\uXXXX` and `\UXXXXXXXX` are
 * escapes when preceded by an odd number of backslashes.
 */
function decodeRawUnicodeEscape(bytes: Uint8Array): string {
  const text = latin1(bytes);
  let result = '';
  let index = 0;
  while (index < text.length) {
    const start = text.indexOf('\\', index);
    if (start === -1) {
      result += text.slice(index);
      break;
    }
    let end = start;
    while (text[end] === '\\') end++;
    const marker = text[end];
    if ((end - start) % 2 === 0 || (marker !== 'u' && marker !== 'U')) {
      result += text.slice(index, end);
      index = end;
      continue;
    }
    const digits = marker === 'u' ? 4 : 8;
    const hex = text.slice(end + 1, end + 1 + digits);
    if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) fail('The pickle has a malformed \\u escape');
    const point = Number.parseInt(hex, 16);
    if (point > 0x10ffff) fail('The pickle escapes a character beyond U+10FFFF');
    result += text.slice(index, end - 1) + String.fromCodePoint(point);
    index = end + 1 + digits;
  }
  return result;
}

/**
 * The second pass: turns loaded dicts into objects or Maps, checks that no class reference
 * escaped into the result, and caps nesting, keeping shared references and cycles by identity.
 */
class Converter {
  private readonly done = new Map<object, PickleValue>();

  convert(value: unknown, depth: number): PickleValue {
    if (typeof value !== 'object' || value === null || value instanceof Uint8Array)
      return value as PickleValue;
    if (value instanceof PythonGlobal) fail(`The pickle leaves the class ${value.name} unused in its value`);
    const known = this.done.get(value);
    if (known !== undefined) return known;
    if (depth > MAX_PICKLE_DEPTH) fail(`The pickle nests deeper than ${MAX_PICKLE_DEPTH} levels`);
    if (Array.isArray(value)) {
      this.done.set(value, value as PickleValue[]);
      for (let index = 0; index < value.length; index++) value[index] = this.convert(value[index], depth + 1);
      return value as PickleValue[];
    }
    if (value instanceof Set) {
      const set = new Set<PickleValue>();
      this.done.set(value, set);
      for (const item of value) set.add(this.convert(item, depth + 1));
      return set;
    }
    const dict = value as PythonDict;
    const entries = dict.entries;
    if (entries === undefined) {
      const empty: { [key: string]: PickleValue } = {};
      this.done.set(value, empty);
      return empty;
    }
    let stringKeys = true;
    for (const key of entries.keys()) {
      if (typeof key !== 'string') {
        stringKeys = false;
        break;
      }
    }
    if (!stringKeys) {
      const map = new Map<PickleValue, PickleValue>();
      this.done.set(value, map);
      for (const [key, item] of entries) map.set(this.convert(key, depth + 1), this.convert(item, depth + 1));
      return map;
    }
    const object: { [key: string]: PickleValue } = {};
    this.done.set(value, object);
    // forEach, not for-of: no [key, value] pair is allocated per entry.
    entries.forEach((item, key) => {
      const converted = this.convert(item, depth + 1);
      // A "__proto__" key must stay data, not replace the object's prototype.
      if (key === '__proto__') {
        Object.defineProperty(object, key, {
          value: converted,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        object[key as string] = converted;
      }
    });
    return object;
  }
}

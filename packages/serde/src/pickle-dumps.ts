import { Buffer } from 'node:buffer';
import { MemcacheIllegalInputError } from '@mc/protocol';
import { ByteWriter } from './byte-writer.js';
import { MAX_DECODED_CONTAINERS, MAX_DECODED_ITEMS, unreadableBudget } from './decode-budget.js';
import { BATCH_SIZE, HIGHEST_PICKLE_PROTOCOL, MAX_PICKLE_DEPTH, OP } from './pickle-opcodes.js';
import { encodeUtf8, hasLoneSurrogate } from './utf8.js';

/** The pickle protocols pickleDumps can write: 2 is the oldest Python 3 reads natively from Python 2. */
export type PickleProtocol = 2 | 3 | 4 | 5;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Writes a JavaScript value as a Python pickle, so a Python service can `pickle.loads` it:
 *
 *   null, undefined → None        boolean → bool        safe integer, bigint → int
 *   other number → float          string → str          Uint8Array (and Buffer) → bytes
 *   Array → list                  Map, plain object → dict                      Set → set
 *
 * Where Python needs a hashable value (a dict key, a set member) an Array becomes a tuple and
 * a Set a frozenset. Shared references and cycles through lists, dicts and sets are kept (the
 * pickle memo). Anything else (a Date, a class instance, a function) is a MemcacheIllegalInputError,
 * never a silent conversion.
 */
export function pickleDumps(value: unknown, protocol: PickleProtocol = HIGHEST_PICKLE_PROTOCOL): Uint8Array {
  if (!Number.isInteger(protocol) || protocol < 2 || protocol > HIGHEST_PICKLE_PROTOCOL) {
    throw new MemcacheIllegalInputError(`Pickle protocol must be 2 to 5, got ${String(protocol)}`);
  }
  const pickler = new Pickler(protocol);
  pickler.writer.byte(OP.PROTO);
  pickler.writer.byte(protocol);
  pickler.save(value, false, 0);
  pickler.writer.byte(OP.STOP);
  return pickler.writer.finish();
}

class Pickler {
  readonly writer = new ByteWriter();
  /** Lists, dicts and sets already written, by identity, with their memo index. */
  private readonly memo = new Map<object, number>();
  /** Tuples and frozensets being written, to refuse a cycle through them (Python cannot build one). */
  private readonly open = new Set<object>();
  /**
   * What pickleLoads will count when reading this pickle back (see decode-budget.ts): every
   * value pushed (one per save, plus the class references, argument tuples and strings of
   * protocol 2 and 3's REDUCE calls) and every list, tuple, dict and set made. Past either
   * limit the value is refused now, as it could not be read back.
   */
  private items = MAX_DECODED_ITEMS;
  private containers = MAX_DECODED_CONTAINERS;

  constructor(private readonly protocol: PickleProtocol) {}

  /** `hashable`: the value is a dict key or set member, where Python needs a hashable type. */
  save(value: unknown, hashable: boolean, depth: number): void {
    if (depth > MAX_PICKLE_DEPTH) {
      throw new MemcacheIllegalInputError(`The value nests deeper than ${MAX_PICKLE_DEPTH} levels`);
    }
    if (--this.items < 0) throw new MemcacheIllegalInputError(unreadableBudget('items', 'a pickle'));
    switch (typeof value) {
      case 'undefined':
        this.writer.byte(OP.NONE);
        return;
      case 'boolean':
        this.writer.byte(value ? OP.NEWTRUE : OP.NEWFALSE);
        return;
      case 'number':
        if (Number.isSafeInteger(value) && !Object.is(value, -0)) this.saveInteger(value);
        else {
          this.writer.byte(OP.BINFLOAT);
          this.writer.float64BigEndian(value);
        }
        return;
      case 'bigint':
        if (value >= INT32_MIN && value <= INT32_MAX) this.saveInteger(Number(value));
        else this.saveLong(value);
        return;
      case 'string':
        this.saveString(value);
        return;
      case 'object':
        if (value === null) this.writer.byte(OP.NONE);
        else this.saveObject(value, hashable, depth);
        return;
      default:
        throw new MemcacheIllegalInputError(`A ${typeof value} cannot be pickled`);
    }
  }

  private saveObject(value: object, hashable: boolean, depth: number): void {
    const index = hashable ? undefined : this.memo.get(value);
    if (value instanceof Uint8Array) this.saveBytes(value);
    else if (index !== undefined) this.get(index);
    else if (Array.isArray(value)) {
      if (hashable) this.saveTuple(value, depth);
      else this.saveList(value, depth);
    } else if (value instanceof Set) {
      if (hashable) this.saveFrozenSet(value, depth);
      else this.saveSet(value, depth);
    } else if (hashable) {
      throw new MemcacheIllegalInputError(
        `A ${describe(value)} cannot be a dict key or set member: Python needs a hashable value there`,
      );
    } else if (value instanceof Map) this.saveDict(value, value, value.size, depth);
    else if (isPlainObject(value)) {
      const entries = Object.entries(value);
      this.saveDict(value, entries, entries.length, depth);
    } else {
      throw new MemcacheIllegalInputError(
        `A ${describe(value)} cannot be pickled: Python interop covers None, bool, int, float, str, bytes, list, dict and set; use structuredSerde for other JavaScript values`,
      );
    }
  }

  private saveInteger(value: number): void {
    if (value >= 0 && value < 0x100) {
      this.writer.byte(OP.BININT1);
      this.writer.byte(value);
    } else if (value >= 0 && value < 0x10000) {
      this.writer.byte(OP.BININT2);
      this.writer.uint16(value);
    } else if (value >= INT32_MIN && value <= INT32_MAX) {
      this.writer.byte(OP.BININT);
      this.writer.int32(value);
    } else {
      this.saveLong(BigInt(value));
    }
  }

  /** LONG1/LONG4: little-endian two's complement in as few bytes as keep the sign. */
  private saveLong(value: bigint): void {
    const bytes = twosComplement(value);
    if (bytes.length < 0x100) {
      this.writer.byte(OP.LONG1);
      this.writer.byte(bytes.length);
    } else {
      this.writer.byte(OP.LONG4);
      this.writer.int32(bytes.length);
    }
    this.writer.bytes(bytes);
  }

  private saveString(value: string): void {
    if (hasLoneSurrogate(value)) {
      // Python keeps lone surrogates in pickles as `surrogatepass` UTF-8; TextEncoder would not.
      const bytes = encodeUtf8(value);
      this.writer.byte(OP.BINUNICODE);
      this.writer.uint32(bytes.length);
      this.writer.bytes(bytes);
      return;
    }
    if (this.protocol >= 4 && value.length <= 0xff) {
      this.writer.byte(OP.SHORT_BINUNICODE);
      if (this.writer.utf8WithLength(value, 1)) return;
      this.writer.rewind(1);
    }
    this.writer.byte(OP.BINUNICODE);
    this.writer.utf8WithLength(value, 4);
  }

  private saveBytes(value: Uint8Array): void {
    if (this.protocol >= 3) {
      if (value.length < 0x100) {
        this.writer.byte(OP.SHORT_BINBYTES);
        this.writer.byte(value.length);
      } else {
        this.writer.byte(OP.BINBYTES);
        this.writer.uint32(value.length);
      }
      this.writer.bytes(value);
      return;
    }
    // Protocol 2 has no bytes opcode; Python 3 writes bytes(), or _codecs.encode(latin1 text, 'latin1').
    if (value.length === 0) {
      this.count(2, 1); // the class and (); REDUCE's result is the value save() counted
      this.global('bytes');
      this.writer.byte(OP.EMPTY_TUPLE);
    } else {
      this.count(4, 1); // the class, the text, the encoding and their tuple
      this.writer.ascii('c_codecs\nencode\n');
      this.saveString(Buffer.from(value.buffer, value.byteOffset, value.length).toString('latin1'));
      this.saveString('latin1');
      this.writer.byte(OP.TUPLE2);
    }
    this.writer.byte(OP.REDUCE);
  }

  private saveList(value: unknown[], depth: number): void {
    this.count(0, 1);
    this.writer.byte(OP.EMPTY_LIST);
    this.memoize(value);
    this.batches(value, value.length, OP.APPEND, OP.APPENDS, (item) => this.save(item, false, depth + 1));
  }

  private saveTuple(value: unknown[], depth: number): void {
    this.count(0, 1);
    this.enter(value);
    const small = [OP.EMPTY_TUPLE, OP.TUPLE1, OP.TUPLE2, OP.TUPLE3][value.length];
    if (small === undefined) this.writer.byte(OP.MARK);
    for (const item of value) this.save(item, true, depth + 1);
    this.writer.byte(small ?? OP.TUPLE);
    this.open.delete(value);
  }

  private saveDict(owner: object, entries: Iterable<[unknown, unknown]>, size: number, depth: number): void {
    this.count(0, 1);
    this.writer.byte(OP.EMPTY_DICT);
    this.memoize(owner);
    this.batches(entries, size, OP.SETITEM, OP.SETITEMS, ([key, item]) => {
      this.save(key, true, depth + 1);
      this.save(item, false, depth + 1);
    });
  }

  private saveSet(value: Set<unknown>, depth: number): void {
    this.count(0, 1);
    if (this.protocol >= 4) {
      this.writer.byte(OP.EMPTY_SET);
      this.memoize(value);
      this.batches(value, value.size, undefined, OP.ADDITEMS, (item) => this.save(item, true, depth + 1));
      return;
    }
    // set([items]) through REDUCE, memoized afterwards: members are hashable, so no cycle can need it sooner.
    this.enter(value);
    this.global('set');
    this.saveMembersAsList(value, depth);
    this.open.delete(value);
    this.memoize(value);
  }

  private saveFrozenSet(value: Set<unknown>, depth: number): void {
    this.count(0, 1);
    this.enter(value);
    if (this.protocol >= 4) {
      this.writer.byte(OP.MARK);
      for (const item of value) this.save(item, true, depth + 1);
      this.writer.byte(OP.FROZENSET);
    } else {
      this.global('frozenset');
      this.saveMembersAsList(value, depth);
    }
    this.open.delete(value);
  }

  /** `set([members])` through REDUCE: the class, the list and the tuple are pushed too. */
  private saveMembersAsList(value: Set<unknown>, depth: number): void {
    this.count(3, 2);
    this.writer.byte(OP.EMPTY_LIST);
    this.batches(value, value.size, OP.APPEND, OP.APPENDS, (item) => this.save(item, true, depth + 1));
    this.writer.byte(OP.TUPLE1);
    this.writer.byte(OP.REDUCE);
  }

  /** Items in runs of BATCH_SIZE between MARK and the batch opcode, as Python's pickler sends them. */
  private batches<T>(
    items: Iterable<T>,
    size: number,
    single: number | undefined,
    batch: number,
    saveItem: (item: T) => void,
  ): void {
    if (size === 0) return;
    if (size === 1 && single !== undefined) {
      for (const item of items) saveItem(item);
      this.writer.byte(single);
      return;
    }
    let count = 0;
    for (const item of items) {
      if (count === 0) this.writer.byte(OP.MARK);
      saveItem(item);
      if (++count === BATCH_SIZE) {
        this.writer.byte(batch);
        count = 0;
      }
    }
    if (count > 0) this.writer.byte(batch);
  }

  /** Counts values and containers beyond the one save() counts, as pickleLoads will. */
  private count(items: number, containers: number): void {
    this.items -= items;
    if (this.items < 0) throw new MemcacheIllegalInputError(unreadableBudget('items', 'a pickle'));
    this.containers -= containers;
    if (this.containers < 0) {
      throw new MemcacheIllegalInputError(unreadableBudget('containers', 'a pickle'));
    }
  }

  private enter(value: object): void {
    if (this.open.has(value)) {
      throw new MemcacheIllegalInputError(
        'The value holds a cycle through a tuple or frozenset, which Python cannot build',
      );
    }
    this.open.add(value);
  }

  private global(name: 'bytes' | 'set' | 'frozenset'): void {
    this.writer.ascii(`c${this.protocol === 2 ? '__builtin__' : 'builtins'}\n${name}\n`);
  }

  private memoize(value: object): void {
    const index = this.memo.size;
    this.memo.set(value, index);
    if (this.protocol >= 4) this.writer.byte(OP.MEMOIZE);
    else if (index < 0x100) {
      this.writer.byte(OP.BINPUT);
      this.writer.byte(index);
    } else {
      this.writer.byte(OP.LONG_BINPUT);
      this.writer.uint32(index);
    }
  }

  private get(index: number): void {
    if (index < 0x100) {
      this.writer.byte(OP.BINGET);
      this.writer.byte(index);
    } else {
      this.writer.byte(OP.LONG_BINGET);
      this.writer.uint32(index);
    }
  }
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value: object): string {
  const name = (value.constructor as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}

/** Python's `int.to_bytes(n, 'little', signed=True)` with the fewest bytes that keep the sign. */
function twosComplement(value: bigint): Uint8Array {
  if (value === 0n) return new Uint8Array(0);
  const magnitude = value < 0n ? -value - 1n : value;
  const length = Math.floor(bitLength(magnitude) / 8) + 1;
  const unsigned = value < 0n ? value + (1n << BigInt(length * 8)) : value;
  const hex = unsigned.toString(16).padStart(length * 2, '0');
  const bytes = new Uint8Array(length);
  for (let index = 0; index < length; index++) {
    bytes[index] = Number.parseInt(hex.slice(hex.length - 2 * index - 2, hex.length - 2 * index), 16);
  }
  return bytes;
}

function bitLength(value: bigint): number {
  if (value === 0n) return 0;
  const hex = value.toString(16);
  return (hex.length - 1) * 4 + Number.parseInt(hex[0]!, 16).toString(2).length;
}

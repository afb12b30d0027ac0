/**
 * Pickle opcodes (Python's `Lib/pickletools.py` documents each), protocols 0 to 5.
 * The decoder reads all of them and refuses those that would construct arbitrary objects.
 */
export const OP = {
  MARK: 0x28, // '('
  STOP: 0x2e, // '.'
  POP: 0x30, // '0'
  POP_MARK: 0x31, // '1'
  DUP: 0x32, // '2'
  FLOAT: 0x46, // 'F'
  INT: 0x49, // 'I'
  BININT: 0x4a, // 'J'
  BININT1: 0x4b, // 'K'
  LONG: 0x4c, // 'L'
  BININT2: 0x4d, // 'M'
  NONE: 0x4e, // 'N'
  PERSID: 0x50, // 'P'
  BINPERSID: 0x51, // 'Q'
  REDUCE: 0x52, // 'R'
  STRING: 0x53, // 'S'
  BINSTRING: 0x54, // 'T'
  SHORT_BINSTRING: 0x55, // 'U'
  UNICODE: 0x56, // 'V'
  BINUNICODE: 0x58, // 'X'
  APPEND: 0x61, // 'a'
  BUILD: 0x62, // 'b'
  GLOBAL: 0x63, // 'c'
  DICT: 0x64, // 'd'
  EMPTY_DICT: 0x7d, // '}'
  APPENDS: 0x65, // 'e'
  GET: 0x67, // 'g'
  BINGET: 0x68, // 'h'
  INST: 0x69, // 'i'
  LONG_BINGET: 0x6a, // 'j'
  LIST: 0x6c, // 'l'
  EMPTY_LIST: 0x5d, // ']'
  OBJ: 0x6f, // 'o'
  PUT: 0x70, // 'p'
  BINPUT: 0x71, // 'q'
  LONG_BINPUT: 0x72, // 'r'
  SETITEM: 0x73, // 's'
  TUPLE: 0x74, // 't'
  EMPTY_TUPLE: 0x29, // ')'
  SETITEMS: 0x75, // 'u'
  BINFLOAT: 0x47, // 'G'
  // protocol 2
  PROTO: 0x80,
  NEWOBJ: 0x81,
  EXT1: 0x82,
  EXT2: 0x83,
  EXT4: 0x84,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  LONG4: 0x8b,
  // protocol 3
  BINBYTES: 0x42, // 'B'
  SHORT_BINBYTES: 0x43, // 'C'
  // protocol 4
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINBYTES8: 0x8e,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  NEWOBJ_EX: 0x92,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  FRAME: 0x95,
  // protocol 5
  BYTEARRAY8: 0x96,
  NEXT_BUFFER: 0x97,
  READONLY_BUFFER: 0x98,
} as const;

/** The newest pickle protocol, and the one pickleDumps writes unless told otherwise (as Python does). */
export const HIGHEST_PICKLE_PROTOCOL = 5;

/** Python's pickler sends at most this many items per APPENDS, SETITEMS or ADDITEMS; we do the same. */
export const BATCH_SIZE = 1000;

/** How deeply containers may nest, in both directions: Python's own recursion limit is about this. */
export const MAX_PICKLE_DEPTH = 1000;

/**
 * The longest binary integer (LONG1, LONG4) a pickle may hold: 4096 bytes, about 9,800
 * decimal digits, far beyond any counter or id, while a hostile pickle cannot make the
 * decoder build a number of megabytes. Text integers (INT, LONG) follow MAX_INTEGER_DIGITS.
 */
export const MAX_PICKLE_LONG_BYTES = 4096;

/**
 * What REDUCE may build by copying an argument (`bytes(b)`, `set(list)`, `_codecs.encode(s)`…):
 * this many bytes or members per byte of pickle, plus PICKLE_COPY_ALLOWANCE, in all. Python's
 * own pickles need at most two (protocols 0 to 2 write a bytearray as
 * `bytearray(_codecs.encode(text))`, two copies); without a cap, one memoised argument passed to
 * REDUCE again and again would be a memory bomb.
 */
export const PICKLE_COPIES_PER_BYTE = 4;
export const PICKLE_COPY_ALLOWANCE = 64 * 1024;

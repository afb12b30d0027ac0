import type { Key, MetaCode } from '../types.js';

/**
 * How one meta option travels:
 *
 *   flag    a bare letter when `true` (`b`, `c`, `q`...)
 *   ttl     letter + exptime (`T30`), validated like an exptime
 *   uint64  letter + unsigned 64-bit integer (`C123`), bigint or safe number
 *   uint32  letter + unsigned 32-bit integer (`F16`), the client flags
 *   opaque  letter + token of at most 31 printable bytes (`Oabc`)
 *   mode    letter + the mode's letter (`MS`), from the spec's `modes`
 */
export type MetaOptionKind = 'flag' | 'ttl' | 'uint64' | 'uint32' | 'opaque' | 'mode';

/**
 * What a returned flag becomes in a result: `uint64` a bigint, `uint32` and `int` numbers,
 * `boolean` 0/1, `text` the token, `key` the key sent, checked against the echo.
 */
export type MetaFieldKind = 'uint64' | 'uint32' | 'int' | 'boolean' | 'text' | 'key';

/** One option of a meta command: its protocol letter, how it travels, what it returns. */
export interface MetaOptionSpec {
  readonly letter: string;
  readonly kind: MetaOptionKind;
  /** For `mode`: each mode's name and letter. */
  readonly modes?: Readonly<Record<string, string>>;
  /** The reply carries this letter back; how to read it into a result field. */
  readonly returns?: MetaFieldKind;
  /** The result field's name when it is not the option's (`returnCas` → `cas`). */
  readonly field?: string;
}

/**
 * One meta command: its options in the order they are written (an object literal keeps it),
 * and what each return code means (`HD` → `'stored'`). Built with `satisfies MetaTable`, so
 * option types, the encoder and result fields are all derived from it.
 */
export interface MetaTable {
  readonly options: Readonly<Record<string, MetaOptionSpec>>;
  readonly statuses: Readonly<Partial<Record<MetaCode, string>>>;
}

interface OptionTypes {
  flag: boolean;
  ttl: number;
  uint64: bigint | number;
  uint32: number;
  opaque: string;
}

interface FieldTypes {
  uint64: bigint;
  uint32: number;
  int: number;
  boolean: boolean;
  text: string;
  key: Key;
}

/**
 * The options object a meta table accepts, every option optional (and `undefined` taken as
 * absent, so `exactOptionalPropertyTypes` code can pass a maybe-value).
 */
export type MetaOptionsOf<Table extends MetaTable> = {
  -readonly [Name in keyof Table['options']]?:
    | (Table['options'][Name] extends {
        modes: infer Modes;
      }
        ? keyof Modes & string
        : OptionTypes[Table['options'][Name]['kind'] & keyof OptionTypes])
    | undefined;
};

type FieldName<Name, Spec> = Spec extends { field: infer Field extends string }
  ? Field
  : Spec extends { returns: MetaFieldKind }
    ? Name
    : never;

/** The result fields a meta table's return flags fill, by field name. */
export type MetaFieldsOf<Table extends MetaTable> = {
  -readonly [Name in keyof Table['options'] as FieldName<
    Name,
    Table['options'][Name]
  >]: FieldTypes[Table['options'][Name]['returns'] & keyof FieldTypes];
};

/** The statuses a meta table's return codes mean. */
export type MetaStatusOf<Table extends MetaTable> = NonNullable<Table['statuses'][keyof Table['statuses']]>;

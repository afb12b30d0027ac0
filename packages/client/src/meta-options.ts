import type {
  MetaArithmeticFlags,
  MetaDeleteFlags,
  MetaFieldsOf,
  MetaGetFlags,
  MetaSetFlags,
  MetaStatusOf,
  metaArithmeticTable,
  metaDeleteTable,
  metaGetTable,
  metaSetTable,
} from '@mc/protocol';

/**
 * Options and results of the meta methods (`metaGet`, `metaSet`, `metaDelete`,
 * `metaArithmetic`), derived from @mc/protocol's table of each command: an option here is
 * the protocol option of the same name (its letter and kind come from the table), and a
 * result field is what the table says the returned flag becomes. The lists below say which
 * protocol options each method offers; the client adds its own meaning to a few:
 *
 * - every time that travels to memcached (`ttl`, `touch`, `vivify`, `recache`) is in seconds,
 *   validated like a write's `ttl` (whole seconds; above 30 days sent as an absolute Unix time);
 * - `metaGet`'s `value` is decoded by the client's serde (flag `f` is asked along);
 * - `metaSet`'s `flags` are OR-ed into the flags the serde chose;
 * - `quiet` and the client's own opaques are the client's business (it batches quietly).
 */

/** What `metaGet` passes on to `mg`, beyond `base64` and `opaque`. */
export const META_GET_OPTIONS = [
  'value',
  'cas',
  'flags',
  'ttl',
  'size',
  'hit',
  'lastAccess',
  'key',
  'touch',
  'vivify',
  'recache',
  'noBump',
  'explicitCas',
] as const satisfies ReadonlyArray<keyof MetaGetFlags>;

/** What `metaSet` passes on to `ms`, beyond `base64` and `opaque`. */
export const META_SET_OPTIONS = [
  'ttl',
  'flags',
  'cas',
  'invalidate',
  'mode',
  'returnCas',
  'explicitCas',
] as const satisfies ReadonlyArray<keyof MetaSetFlags>;

/** What `metaDelete` passes on to `md`, beyond `base64` and `opaque`. */
export const META_DELETE_OPTIONS = [
  'cas',
  'invalidate',
  'ttl',
  'removeValue',
] as const satisfies ReadonlyArray<keyof MetaDeleteFlags>;

/** What `metaArithmetic` passes on to `ma`, beyond `base64` and `opaque`. */
export const META_ARITHMETIC_OPTIONS = [
  'mode',
  'delta',
  'initial',
  'vivify',
  'ttl',
  'cas',
  'returnCas',
] as const satisfies ReadonlyArray<keyof MetaArithmeticFlags>;

/** Shared by every meta method. */
export interface MetaKeyOptions {
  /** The key (prefix included) travels base64-encoded (flag `b`), so any bytes can be a key. */
  base64?: boolean | undefined;
  /**
   * A token of at most 31 printable bytes, echoed back in the result's `opaque`. Requests that
   * carry one are never folded into a quiet batch (the client uses opaques of its own there).
   */
  opaque?: string | undefined;
}

/** `metaGet` options: what comes back, and what the read does to the item. */
export interface MetaGetOptions
  extends MetaKeyOptions,
    Pick<MetaGetFlags, (typeof META_GET_OPTIONS)[number]> {}

/** The fields `metaGet` can return, by the option that asks for each. */
export type MetaGetFields<V> = { value: V } & MetaFieldsOf<typeof metaGetTable>;

/** The flags memcached adds on its own: the recache protocol's state. */
export interface MetaGetState {
  /** This caller won the right to refresh the item (`W`): after `vivify`, `recache` or on a stale item. */
  won: boolean;
  /** The item was marked stale by `metaDelete(key, { invalidate: true })` (`X`). */
  stale: boolean;
  /** Another caller already won the refresh (`Z`). */
  alreadyWon: boolean;
}

export type AskedFields<O> = {
  [Field in keyof MetaGetFields<unknown>]: Field extends 'opaque'
    ? O extends { opaque: string }
      ? Field
      : never
    : O extends { [Name in Field]: true }
      ? Field
      : never;
}[keyof MetaGetFields<unknown>];

/**
 * What `metaGet` resolves to on a hit: the fields the options asked for (typed as present
 * when the options are a literal), plus the recache state.
 */
export type MetaGetResult<V, O = MetaGetOptions> = MetaGetState &
  Pick<MetaGetFields<V>, AskedFields<O>> &
  Partial<MetaGetFields<V>>;

/** `metaSet` options. */
export interface MetaSetOptions
  extends MetaKeyOptions,
    Pick<MetaSetFlags, (typeof META_SET_OPTIONS)[number]> {
  /** Bits OR-ed into the flags the serde chose (flag `F`; the serde owns bits 0 to 9). */
  flags?: number | undefined;
}

/** What `metaSet` resolves to. */
export interface MetaSetResult extends Partial<Pick<MetaFieldsOf<typeof metaSetTable>, 'cas' | 'opaque'>> {
  status: MetaStatusOf<typeof metaSetTable>;
}

/** `metaDelete` options. */
export interface MetaDeleteOptions
  extends MetaKeyOptions,
    Pick<MetaDeleteFlags, (typeof META_DELETE_OPTIONS)[number]> {}

/** What `metaDelete` resolves to. */
export interface MetaDeleteResult extends Partial<Pick<MetaFieldsOf<typeof metaDeleteTable>, 'opaque'>> {
  status: MetaStatusOf<typeof metaDeleteTable>;
}

/** `metaArithmetic` options. */
export interface MetaArithmeticOptions
  extends MetaKeyOptions,
    Pick<MetaArithmeticFlags, (typeof META_ARITHMETIC_OPTIONS)[number]> {}

/** What `metaArithmetic` resolves to. */
export interface MetaArithmeticResult
  extends Partial<Pick<MetaFieldsOf<typeof metaArithmeticTable>, 'cas' | 'opaque'>> {
  status: MetaStatusOf<typeof metaArithmeticTable>;
  /** The counter after the change, when `status` is `'ok'`. */
  value?: bigint;
}

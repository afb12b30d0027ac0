import { MemcacheIllegalInputError } from '@mc/protocol';

/** What no serde stores; `serde` names the one refusing, for the message. */
export function refuseUnstorable(value: unknown, serde: string): void {
  if (value === undefined) {
    throw new MemcacheIllegalInputError(
      `${serde} cannot store undefined: a read could not tell it from a miss; store null instead`,
    );
  }
  if (typeof value === 'function' || typeof value === 'symbol') {
    throw new MemcacheIllegalInputError(`${serde} cannot store a ${typeof value}`);
  }
}

import { MemcacheIllegalInputError } from '@mc/protocol';

/**
 * The ttl of a command that cannot do without one (`touch`, `gat`, `gats`, `getOrSet`). In write options a
 * missing ttl means "never expires"; here it is a forgotten argument, which would otherwise
 * make the item immortal. The value itself is checked by `toExptime`.
 */
export function requiredTtl(ttl: number, command: string): number {
  if (ttl === undefined) {
    throw new MemcacheIllegalInputError(`${command} needs a ttl in seconds (0: never expires)`);
  }
  return ttl;
}

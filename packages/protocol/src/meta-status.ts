import type { MetaStatusOf, MetaTable } from './commands/meta-table.js';
import { MemcacheProtocolError } from './errors.js';
import type { MetaReply } from './readers/meta-reader.js';

/**
 * What a meta reply's code means for its command, from the command's table (`HD` to `ms` is
 * `'stored'`); a code the command never answers with is MemcacheProtocolError.
 */
export function metaStatus<Table extends MetaTable>(
  table: Table,
  reply: MetaReply,
  command: string,
): MetaStatusOf<Table> {
  const status = (table.statuses as Partial<Record<string, string>>)[reply.code];
  if (status === undefined) {
    throw new MemcacheProtocolError(`memcached answered ${command} with ${reply.code}`, {
      response: reply.code,
    });
  }
  return status as MetaStatusOf<Table>;
}

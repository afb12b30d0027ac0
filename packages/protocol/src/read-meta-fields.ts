import { decodeText } from './ascii.js';
import { base64Key } from './base64-key.js';
import type { MetaFieldsOf, MetaOptionsOf, MetaTable } from './commands/meta-table.js';
import { MemcacheProtocolError } from './errors.js';
import type { MetaReply } from './readers/meta-reader.js';
import type { Key } from './types.js';
import { uint64Reply } from './uint64-reply.js';

const INTEGER = /^-?\d{1,15}$/;

/**
 * The result fields of a meta reply, derived from the command's table: one field for each
 * returning option the request asked for (`cas: true` → `cas` as a bigint, `returnCas` →
 * `cas`, `hit` → a boolean...). A field the server left out is absent.
 *
 * `key` is the key as the request sent it (before base64): when `key` was asked for, the
 * server's echo (`k`) must be that key, else MemcacheProtocolError, since the reply then
 * belongs to some other request; the same holds for an `opaque` and its echo (`O`). Malformed
 * numbers are MemcacheProtocolError as well.
 */
export function readMetaFields<Table extends MetaTable>(
  table: Table,
  reply: MetaReply,
  options: MetaOptionsOf<Table>,
  key: Key,
): Partial<MetaFieldsOf<Table>> {
  const given = options as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const name in table.options) {
    const spec = table.options[name]!;
    if (spec.returns === undefined || given[name] === undefined || given[name] === false) continue;
    const token = reply.flags.get(spec.letter);
    const field = spec.field ?? name;
    switch (spec.returns) {
      case 'key':
        // A quiet request's hidden reply (no flags at all) carries nothing to check.
        if (reply.flags.size > 0) checkEcho(key, given.base64 === true || reply.flags.has('b'), token);
        fields[field] = key;
        break;
      case 'uint64':
        if (token !== undefined) fields[field] = uint64Reply(token, `the ${spec.letter} flag`);
        break;
      case 'uint32': {
        if (token === undefined) break;
        const value = uint64Reply(token, `the ${spec.letter} flag`);
        if (value > 0xffffffffn) throw malformed(spec.letter, token);
        fields[field] = Number(value);
        break;
      }
      case 'int':
        if (token === undefined) break;
        if (!INTEGER.test(token)) throw malformed(spec.letter, token);
        fields[field] = Number(token);
        break;
      case 'boolean':
        if (token === undefined) break;
        if (token !== '0' && token !== '1') throw malformed(spec.letter, token);
        fields[field] = token === '1';
        break;
      case 'text':
        // The opaque: memcached echoes the one sent, so any other belongs to another request.
        // A quiet request's hidden reply (no flags at all) carries nothing to check.
        if (reply.flags.size > 0 && token !== given[name]) {
          throw new MemcacheProtocolError(
            `memcached answered with the opaque ${JSON.stringify(token ?? '(none)')}, not ${JSON.stringify(given[name])}; the stream is out of step`,
            { response: `O${token ?? ''}` },
          );
        }
        if (token !== undefined) fields[field] = token;
        break;
    }
  }
  return fields as Partial<MetaFieldsOf<Table>>;
}

/**
 * The server printed the key it answers for; it must be the one this request sent. memcached
 * 1.6.18 echoes a key the way the item was stored, whatever the request used: an item stored
 * with a base64 key (flag `b`) comes back base64 with `b`, even to a plain `mg`, and one stored
 * plainly comes back plain, even to a base64 `mg`. So with `b` in the reply or in the request
 * both spellings count.
 */
function checkEcho(key: Key, base64: boolean, echo: string | undefined): void {
  const raw = typeof key === 'string' ? key : decodeText(key, 0, key.length);
  if (echo === raw || (base64 && echo === base64Key(key))) return;
  throw new MemcacheProtocolError(
    `memcached answered for the key ${JSON.stringify(echo ?? '(none)')}, not ${JSON.stringify(raw)}; the stream is out of step`,
    { response: `k${echo ?? ''}` },
  );
}

function malformed(letter: string, token: string): MemcacheProtocolError {
  const shown = token.slice(0, 40);
  return new MemcacheProtocolError(`memcached sent a malformed ${letter} flag: ${JSON.stringify(shown)}`, {
    response: shown,
  });
}

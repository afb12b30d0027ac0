import { itemBytes, type MemoryItem, type MemoryStore } from './memory-store.js';
import { itemStats, slabStats } from './slab-stats.js';

/** What one request did: the bytes memcached would have answered, and whether it then hangs up. */
export interface CommandRun {
  reply: Buffer;
  closes: boolean;
}

const MAX_UINT64 = (1n << 64n) - 1n;
const CRLF = Buffer.from('\r\n', 'latin1');
/** memcached's ITEM_UPDATE_INTERVAL: how often a write it refuses may move an item's last access. */
const ITEM_UPDATE_INTERVAL = 60_000;
const EMPTY = Buffer.alloc(0);
const STORAGE_VERBS = new Set(['set', 'add', 'replace', 'append', 'prepend', 'cas']);

// Meta flags memcached 1.6.18 does not know; it answers `CLIENT_ERROR invalid flag`, and so do we.
const UNSUPPORTED = { mg: 'E', ms: 'EN', md: 'xE', ma: 'E' } as const;

/** A flag of a meta command: its letter and the token glued to it (`T30` → T, '30'). */
interface MetaFlag {
  letter: string;
  token: string;
}

class Reply {
  readonly chunks: Buffer[] = [];
  line(text: string): void {
    this.chunks.push(Buffer.from(text + '\r\n', 'latin1'));
  }
  data(bytes: Buffer): void {
    this.chunks.push(bytes, CRLF);
  }
}

class BadCommand extends Error {}

/**
 * Runs the commands of one request against the store and answers in memcached's words, text
 * and meta protocol alike, so MemoryClient goes through the very encoder and parser a Client
 * uses. Keys travel as latin1 strings: one char per byte, whatever bytes the key holds.
 *
 *   request bytes ──► line ──► tokens ──► store ──► reply lines (+ data blocks)
 */
export function runCommands(store: MemoryStore, request: Buffer): CommandRun {
  const reply = new Reply();
  let offset = 0;
  while (offset < request.length) {
    const end = request.indexOf(CRLF, offset);
    if (end < 0) {
      reply.line('CLIENT_ERROR line without an end');
      break;
    }
    const tokens = request
      .toString('latin1', offset, end)
      .split(' ')
      .filter((token) => token !== '');
    offset = end + 2;
    // Storage commands carry a data block; it is read here so that a bad line cannot leave it
    // to be run as a command.
    const length = dataLength(tokens);
    let data = EMPTY;
    if (length !== undefined) {
      if (
        request.length < offset + length + 2 ||
        !request.subarray(offset + length, offset + length + 2).equals(CRLF)
      ) {
        reply.line('CLIENT_ERROR bad data chunk');
        break;
      }
      data = Buffer.from(request.subarray(offset, offset + length));
      offset += length + 2;
    }
    try {
      if (runOne(store, tokens, data, reply)) return { reply: Buffer.concat(reply.chunks), closes: true };
    } catch (error) {
      if (!(error instanceof BadCommand)) throw error;
      reply.line(error.message);
    }
  }
  return { reply: Buffer.concat(reply.chunks), closes: false };
}

function dataLength(tokens: string[]): number | undefined {
  const verb = tokens[0];
  let field: string | undefined;
  if (STORAGE_VERBS.has(verb ?? '')) field = tokens[4];
  else if (verb === 'ms') field = tokens[2];
  if (field === undefined || !/^\d+$/.test(field)) return undefined;
  return Number(field);
}

/** Runs one command; true when the connection closes after it. */
function runOne(store: MemoryStore, tokens: string[], data: Buffer, reply: Reply): boolean {
  const verb = tokens[0] ?? '';
  const noreply = tokens.at(-1) === 'noreply';
  const out = noreply ? new Reply() : reply;
  switch (verb) {
    case 'get':
    case 'gets':
      retrieve(store, tokens.slice(1), undefined, verb === 'gets', out);
      return false;
    case 'gat':
    case 'gats':
      retrieve(store, tokens.slice(2), integer(tokens[1]), verb === 'gats', out);
      return false;
    case 'set':
    case 'add':
    case 'replace':
    case 'append':
    case 'prepend':
    case 'cas':
      out.line(storeText(store, verb, tokens, data));
      return false;
    case 'delete':
      out.line(
        store.remove(key(tokens[1]))
          ? count(store, 'delete_hits', 'DELETED')
          : count(store, 'delete_misses', 'NOT_FOUND'),
      );
      return false;
    case 'incr':
    case 'decr': {
      const item = store.read(key(tokens[1]));
      if (item === undefined) {
        out.line(count(store, verb === 'incr' ? 'incr_misses' : 'decr_misses', 'NOT_FOUND'));
      } else {
        // A value that is not a number is refused before anything is counted.
        const next = applyDelta(store, key(tokens[1]), item, verb, uint64(tokens[2]));
        store.count(verb === 'incr' ? 'incr_hits' : 'decr_hits');
        out.line(String(next));
      }
      return false;
    }
    case 'touch': {
      store.count('cmd_touch');
      const item = store.read(key(tokens[1]));
      if (item !== undefined) {
        item.expiresAt = store.deadline(integer(tokens[2]));
        bump(store, item); // a touch reads the item as memcached's item_touch does
      }
      out.line(item ? count(store, 'touch_hits', 'TOUCHED') : count(store, 'touch_misses', 'NOT_FOUND'));
      return false;
    }
    case 'stats':
      stats(store, tokens[1], tokens[2], out);
      return false;
    case 'version':
      out.line('VERSION ' + store.version);
      return false;
    case 'flush_all':
      store.flush(tokens[1] === undefined || tokens[1] === 'noreply' ? 0 : integer(tokens[1]));
      out.line('OK');
      return false;
    case 'verbosity':
    case 'cache_memlimit':
      integer(tokens[1]);
      out.line('OK');
      return false;
    case 'quit':
      return true;
    case 'shutdown':
      if (store.shutdownCommand) return true;
      reply.line('ERROR: shutdown not enabled');
      return false;
    case 'mg':
      metaGet(store, tokens, reply);
      return false;
    case 'ms':
      metaSet(store, tokens, data, reply);
      return false;
    case 'md':
      metaDelete(store, tokens, reply);
      return false;
    case 'ma':
      metaArithmetic(store, tokens, reply);
      return false;
    case 'mn':
      reply.line('MN');
      return false;
    case 'me':
      metaDebug(store, tokens, reply);
      return false;
    default:
      reply.line('ERROR');
      return false;
  }
}

function count<T>(store: MemoryStore, counter: Parameters<MemoryStore['count']>[0], answer: T): T {
  store.count(counter);
  return answer;
}

function key(token: string | undefined): string {
  if (token === undefined || token.length === 0 || token.length > 250) {
    throw new BadCommand('CLIENT_ERROR bad command line format');
  }
  return token;
}

function integer(token: string | undefined): number {
  if (token === undefined || !/^-?\d+$/.test(token))
    throw new BadCommand('CLIENT_ERROR bad command line format');
  return Number(token);
}

function uint64(token: string | undefined): bigint {
  if (token === undefined || !/^\d+$/.test(token) || BigInt(token) > MAX_UINT64) {
    throw new BadCommand('CLIENT_ERROR invalid numeric delta argument');
  }
  return BigInt(token);
}

/**
 * Marks an item read, as memcached 1.6.18's bump does (`h` and `l` of later `mg`s see it):
 * the first read only marks it fetched; a later one moves its last access.
 */
function bump(store: MemoryStore, item: MemoryItem): void {
  if (!item.fetched) item.fetched = true;
  else item.touchedAt = store.now();
}

/** A write refused on an item that is there (`add`) only refreshes it, at most once a minute, and does not make it fetched (memcached's do_item_update). */
function promote(store: MemoryStore, item: MemoryItem): void {
  const now = store.now();
  if (now - item.touchedAt >= ITEM_UPDATE_INTERVAL) item.touchedAt = now;
}

function retrieve(
  store: MemoryStore,
  keys: string[],
  exptime: number | undefined,
  withCas: boolean,
  reply: Reply,
): void {
  // gat and gats count as touches only, as memcached counts them.
  const touching = exptime !== undefined;
  for (const id of keys) {
    store.count(touching ? 'cmd_touch' : 'cmd_get');
    const item = store.read(id);
    if (item === undefined) {
      store.count(touching ? 'touch_misses' : 'get_misses');
      continue;
    }
    if (touching) {
      store.count('touch_hits');
      item.expiresAt = store.deadline(exptime);
    } else store.count('get_hits');
    bump(store, item);
    const cas = withCas ? ` ${item.cas}` : '';
    reply.line(`VALUE ${id} ${item.flags} ${item.value.byteLength}${cas}`);
    reply.data(item.value);
  }
  reply.line('END');
}

function storeText(store: MemoryStore, verb: string, tokens: string[], data: Buffer): string {
  const id = key(tokens[1]);
  const flags = integer(tokens[2]);
  const expiresAt = store.deadline(integer(tokens[3]));
  if (!store.fits(id.length, data.byteLength, flags)) {
    // memcached drops the old value of a `set` it could not store, so no stale value survives.
    if (verb === 'set') store.remove(id);
    return 'SERVER_ERROR object too large for cache';
  }
  store.count('cmd_set');
  const item = store.read(id);
  switch (verb) {
    case 'add':
      if (item !== undefined) {
        promote(store, item);
        return 'NOT_STORED';
      }
      break;
    case 'replace':
      if (item === undefined) return 'NOT_STORED';
      break;
    case 'append':
    case 'prepend':
      if (item === undefined) return 'NOT_STORED';
      return concat(store, id, item, verb, data) ? 'STORED' : 'NOT_STORED';
    case 'cas': {
      if (item === undefined) return count(store, 'cas_misses', 'NOT_FOUND');
      if (item.cas !== uint64(tokens[5])) return count(store, 'cas_badval', 'EXISTS');
      store.count('cas_hits');
      break;
    }
  }
  store.write(id, data, flags, expiresAt);
  return 'STORED';
}

/**
 * append/prepend: a new item with the old one's flags and expiry, as memcached builds it; false
 * (nothing changed) when the two together would not fit in one item.
 */
function concat(store: MemoryStore, id: string, item: MemoryItem, mode: string, data: Buffer): boolean {
  if (!store.fits(id.length, item.value.byteLength + data.byteLength, item.flags)) return false;
  const joined = mode === 'append' ? Buffer.concat([item.value, data]) : Buffer.concat([data, item.value]);
  store.write(id, joined, item.flags, item.expiresAt);
  return true;
}

/**
 * incr/decr as memcached does them: the value must be decimal digits (what follows the first
 * non-digit is ignored), incr wraps at 2^64, decr stops at 0, and a result no longer than the
 * old value is written in place, padded with spaces.
 */
function applyDelta(store: MemoryStore, id: string, item: MemoryItem, mode: string, delta: bigint): bigint {
  refuseUncountable(id, item);
  const current = strtoull(item.value.toString('latin1'));
  if (current === undefined) {
    throw new BadCommand('CLIENT_ERROR cannot increment or decrement non-numeric value');
  }
  const next = mode === 'incr' ? (current + delta) & MAX_UINT64 : current < delta ? 0n : current - delta;
  const text = String(next);
  if (text.length <= item.value.byteLength) {
    item.value = Buffer.from(text.padEnd(item.value.byteLength, ' '), 'latin1');
    item.cas = store.nextCas();
    item.touchedAt = store.now();
  } else {
    store.write(id, Buffer.from(text, 'latin1'), item.flags, item.expiresAt);
  }
  return next;
}

/** memcached's slab_chunk_size_max: a larger item is stored in chunks. */
const SLAB_CHUNK_MAX = 512 * 1024;

/**
 * What memcached's do_add_delta refuses before it compares a cas or reads a digit: an empty
 * value, and one stored in chunks (too large to be a number).
 */
function refuseUncountable(id: string, item: MemoryItem): void {
  if (
    item.value.byteLength === 0 ||
    itemBytes(id.length, item.value.byteLength, item.flags) > SLAB_CHUNK_MAX
  ) {
    throw new BadCommand('CLIENT_ERROR cannot increment or decrement non-numeric value');
  }
}

// C's isspace(): no Unicode spaces (a latin1 0xA0 is not one).
const C_SPACE = '[ \\t\\n\\v\\f\\r]';
const UNSIGNED = new RegExp(`^${C_SPACE}*([+-]?)(\\d+)(?:${C_SPACE}|$)`);

/**
 * A stored number as memcached's safe_strtoull reads it: C whitespace, a sign, digits, then
 * whitespace or the end; a negative number or one above 2^64 - 1 is not a number.
 */
function strtoull(text: string): bigint | undefined {
  const match = UNSIGNED.exec(text);
  if (match === null) return undefined;
  let value = BigInt(match[2]!);
  if (value > MAX_UINT64) return undefined;
  if (match[1] === '-') value = (MAX_UINT64 + 1n - value) & MAX_UINT64;
  // strtoull negates "-5" into 2^64 - 5; memcached refuses what then reads as negative.
  if (value >= 1n << 63n && text.includes('-')) return undefined;
  return value;
}

function stats(
  store: MemoryStore,
  group: string | undefined,
  detail: string | undefined,
  reply: Reply,
): void {
  let lines: Map<string, string>;
  if (group === undefined) lines = store.stats();
  else if (group === 'settings') lines = store.settings();
  else if (group === 'reset') {
    store.resetCounters();
    reply.line('RESET');
    return;
  } else if (group === 'items') lines = itemStats(store);
  else if (group === 'slabs') lines = slabStats(store);
  else if (group === 'sizes') lines = new Map([['sizes_status', 'disabled']]);
  else if (group === 'detail' && (detail === 'on' || detail === 'off')) {
    reply.line('OK');
    return;
  } else if ((group === 'detail' && detail === 'dump') || group === 'conns' || group === 'extstore')
    lines = new Map();
  else {
    reply.line('ERROR');
    return;
  }
  for (const [name, value] of lines) reply.line(`STAT ${name} ${value}`);
  reply.line('END');
}

// ---- meta commands -----------------------------------------------------------------------

interface MetaLine {
  id: string;
  flags: MetaFlag[];
  base64: boolean;
  quiet: boolean;
}

function metaLine(tokens: string[], from: number, verb: keyof typeof UNSUPPORTED): MetaLine {
  const flags: MetaFlag[] = [];
  for (const token of tokens.slice(from)) {
    const letter = token[0]!;
    if (UNSUPPORTED[verb].includes(letter) || !/^[a-zA-Z]$/.test(letter)) {
      throw new BadCommand('CLIENT_ERROR invalid flag');
    }
    flags.push({ letter, token: token.slice(1) });
  }
  const base64 = flags.some((flag) => flag.letter === 'b');
  const raw = key(tokens[1]);
  const id = base64 ? Buffer.from(raw, 'base64').toString('latin1') : raw;
  if (id.length === 0) throw new BadCommand('CLIENT_ERROR bad data chunk');
  return { id, flags, base64, quiet: flags.some((flag) => flag.letter === 'q') };
}

function flagToken(line: MetaLine, letter: string): string | undefined {
  return line.flags.find((flag) => flag.letter === letter)?.token;
}

/** The flags every meta reply echoes: the opaque and, when asked, the key. */
function echoed(line: MetaLine, flag: MetaFlag): string | undefined {
  if (flag.letter === 'O') return 'O' + flag.token;
  // A base64 key comes back base64, marked with `b` after it.
  if (flag.letter === 'k') {
    return line.base64 ? `k${Buffer.from(line.id, 'latin1').toString('base64')} b` : 'k' + line.id;
  }
  return undefined;
}

/** Every echo the line asks for, in its order. */
function echoesOf(line: MetaLine): string[] {
  return line.flags.map((flag) => echoed(line, flag)).filter((text) => text !== undefined);
}

function metaAnswer(reply: Reply, code: string, returned: string[]): undefined {
  reply.line(returned.length === 0 ? code : code + ' ' + returned.join(' '));
}

/**
 * `mg`, flags in the order sent (so `t` before `T` reports the TTL before the touch, as
 * memcached does), then the token bits:
 *
 *   a token already out ───────────────► Z   (someone else is on it)
 *   stale (md I) ──────────────────────► X, and W for the first reader
 *   vivified here ─────────────────────► W   (the creator fills the item)
 *   R<s> and TTL < s, no token out yet ─► W
 */
function metaGet(store: MemoryStore, tokens: string[], reply: Reply): void {
  const line = metaLine(tokens, 2, 'mg');
  let item = store.read(line.id);
  let created = false;
  if (item === undefined) {
    const vivify = flagToken(line, 'N');
    if (vivify === undefined) {
      // A miss counts as a get, with or without T.
      store.count('cmd_get');
      store.count('get_misses');
      // memcached echoes the opaque and the key on a miss too.
      if (!line.quiet) metaAnswer(reply, 'EN', echoesOf(line));
      return;
    }
    // The TTL is set where N stands among the flags, so a `t` before it reports -1.
    item = store.write(line.id, Buffer.alloc(0), 0, 0);
    created = true;
  }
  // An item served (found or vivified) counts as a touch when T is there, else as a get.
  const touching = flagToken(line, 'T') !== undefined;
  store.count(touching ? 'cmd_touch' : 'cmd_get');
  store.count(touching ? 'touch_hits' : 'get_hits');
  let win = created;
  const returned: string[] = [];
  for (const flag of line.flags) {
    switch (flag.letter) {
      case 'T':
        item.expiresAt = store.deadline(integer(flag.token));
        break;
      case 'N':
        if (created) item.expiresAt = store.deadline(integer(flag.token));
        break;
      case 'R':
        if (
          !item.tokenSent &&
          !created &&
          item.expiresAt !== 0 &&
          store.secondsLeft(item) < integer(flag.token)
        ) {
          win = true;
        }
        break;
      case 's':
        returned.push('s' + item.value.byteLength);
        break;
      case 't':
        returned.push('t' + store.secondsLeft(item));
        break;
      case 'c':
        returned.push('c' + item.cas);
        break;
      case 'f':
        returned.push('f' + item.flags);
        break;
      case 'l':
        returned.push('l' + Math.floor((store.now() - item.touchedAt) / 1000));
        break;
      case 'h':
        returned.push(item.fetched ? 'h1' : 'h0');
        break;
      default: {
        const echo = echoed(line, flag);
        if (echo !== undefined) returned.push(echo);
      }
    }
  }
  if (item.tokenSent) returned.push('Z');
  if (item.stale) {
    returned.push('X');
    if (!item.tokenSent) win = true;
  }
  if (win) {
    returned.push('W');
    item.tokenSent = true;
  }
  if (flagToken(line, 'u') === undefined) bump(store, item);
  const withValue = flagToken(line, 'v') !== undefined;
  metaAnswer(reply, withValue ? `VA ${item.value.byteLength}` : 'HD', returned);
  if (withValue) reply.data(item.value);
}

const SET_MODES: Record<string, string> = { S: 'set', E: 'add', A: 'append', P: 'prepend', R: 'replace' };

/**
 * `ms`, as memcached 1.6.18's do_store_item decides (with `C`, set and replace compare like
 * `cas`; add, append and prepend first need the item absent or present):
 *
 *   set / replace + C   missing: NF; same cas: stored; older cas with I: stored stale; else EX
 *   add                 present: NS (with or without C); missing: stored
 *   append / prepend    missing: NS; C differs: EX; too large together: NS; else joined
 *   replace (no C)      missing: NS
 */
function metaSet(store: MemoryStore, tokens: string[], data: Buffer, reply: Reply): undefined {
  const line = metaLine(tokens, 3, 'ms');
  const modeToken = flagToken(line, 'M') ?? 'S';
  const mode = SET_MODES[modeToken.toUpperCase()];
  if (mode === undefined) throw new BadCommand('CLIENT_ERROR invalid mode for ms STORE');
  const flags = integer(flagToken(line, 'F') ?? '0');
  const expiresAt = store.deadline(integer(flagToken(line, 'T') ?? '0'));
  const compare = flagToken(line, 'C');
  // A refusal still answers every `c` asked for, with the cas cleared to 0.
  const echo = () =>
    line.flags
      .map((flag) => (flag.letter === 'c' ? 'c0' : echoed(line, flag)))
      .filter((text) => text !== undefined);
  if (!store.fits(line.id.length, data.byteLength, flags)) {
    // memcached unlinks the old item of an ms it cannot store, whatever the mode.
    store.remove(line.id);
    reply.line('SERVER_ERROR object too large for cache');
    return;
  }
  store.count('cmd_set');
  const item = store.read(line.id);
  let stale = false;
  let stored: MemoryItem;
  if (mode === 'add') {
    if (item !== undefined) {
      promote(store, item);
      return metaAnswer(reply, 'NS', echo());
    }
    stored = store.write(line.id, data, flags, expiresAt);
  } else if (mode === 'append' || mode === 'prepend') {
    if (item === undefined) return metaAnswer(reply, 'NS', echo());
    // A cas of 0 compares nothing here (memcached's CAS_NONE).
    if (compare !== undefined && uint64(compare) !== 0n && item.cas !== uint64(compare)) {
      return metaAnswer(reply, 'EX', echo());
    }
    if (!concat(store, line.id, item, mode, data)) return metaAnswer(reply, 'NS', echo());
    stored = store.read(line.id)!;
  } else {
    if (compare !== undefined) {
      const expected = uint64(compare);
      if (item === undefined) return count(store, 'cas_misses', metaAnswer(reply, 'NF', echo()));
      if (item.cas !== expected) {
        // With I, an older cas still stores, marked stale: a late writer cannot win outright.
        // A cas of 0 is no older one: memcached gives the new item a fresh cas, never older.
        if (flagToken(line, 'I') === undefined || expected === 0n || expected > item.cas) {
          return count(store, 'cas_badval', metaAnswer(reply, 'EX', echo()));
        }
        stale = true;
      }
      store.count('cas_hits');
    } else if (mode === 'replace' && item === undefined) return metaAnswer(reply, 'NS', echo());
    // A stale write keeps the replaced item's TTL, and a win already handed out for it.
    stored = store.write(line.id, data, flags, stale ? item!.expiresAt : expiresAt);
    if (stale) stored.tokenSent = item!.tokenSent;
  }
  stored.stale = stale;
  if (line.quiet) return;
  const returned = line.flags.flatMap((flag) =>
    flag.letter === 'c' ? ['c' + stored.cas] : (echoed(line, flag) ?? []),
  );
  metaAnswer(reply, 'HD', returned);
}

function metaDelete(store: MemoryStore, tokens: string[], reply: Reply): undefined {
  const line = metaLine(tokens, 2, 'md');
  const echo = echoesOf(line);
  const item = store.read(line.id);
  if (item === undefined) return count(store, 'delete_misses', metaAnswer(reply, 'NF', echo));
  const compare = flagToken(line, 'C');
  if (compare !== undefined && item.cas !== uint64(compare)) {
    return count(store, 'delete_misses', metaAnswer(reply, 'EX', echo));
  }
  // Invalidating counts as nothing; removing is a delete hit.
  if (flagToken(line, 'I') !== undefined) {
    // Invalidate: keep the item, stale, with a new cas, and let the next reader win.
    item.stale = true;
    item.tokenSent = false;
    item.cas = store.nextCas();
    const ttl = flagToken(line, 'T');
    if (ttl !== undefined) item.expiresAt = store.deadline(integer(ttl));
  } else {
    store.remove(line.id);
    store.count('delete_hits');
  }
  if (!line.quiet) metaAnswer(reply, 'HD', echo);
}

const ARITHMETIC_MODES: Record<string, 'incr' | 'decr'> = {
  I: 'incr',
  '+': 'incr',
  D: 'decr',
  '-': 'decr',
};

/**
 * `ma`, with its flags applied in the order sent, as memcached 1.6.18 does: `N` sets the TTL of
 * a counter it created, `T` sets the TTL in every case, `t` and `c` report what is set so far.
 * A result longer than the stored number goes into a new item that keeps the old TTL, while
 * `T` lands on the old item: the reply shows the new TTL, the counter keeps the old one.
 */
function metaArithmetic(store: MemoryStore, tokens: string[], reply: Reply): undefined {
  const line = metaLine(tokens, 2, 'ma');
  const mode = ARITHMETIC_MODES[(flagToken(line, 'M') ?? 'I').toUpperCase()];
  if (mode === undefined) throw new BadCommand('CLIENT_ERROR invalid mode for ma');
  const delta = uint64(flagToken(line, 'D') ?? '1');
  const echo = () => echoesOf(line);
  let item = store.read(line.id);
  let value: bigint;
  let created = false;
  // Where T lands: the counter, or (after a result that grew) the item it replaced.
  let target: MemoryItem;
  if (item === undefined) {
    if (flagToken(line, 'N') === undefined) {
      return count(store, mode === 'incr' ? 'incr_misses' : 'decr_misses', metaAnswer(reply, 'NF', echo()));
    }
    // A vivified counter counts as neither a hit nor a miss.
    value = uint64(flagToken(line, 'J') ?? '0');
    item = store.write(line.id, Buffer.from(String(value), 'latin1'), 0, 0);
    created = true;
    target = item;
  } else {
    refuseUncountable(line.id, item);
    const compare = flagToken(line, 'C');
    // A cas of 0 compares nothing here, as in memcached's do_add_delta.
    if (compare !== undefined && uint64(compare) !== 0n && item.cas !== uint64(compare)) {
      return metaAnswer(reply, 'EX', echo());
    }
    const before = item;
    value = applyDelta(store, line.id, item, mode, delta);
    store.count(mode === 'incr' ? 'incr_hits' : 'decr_hits');
    item = store.read(line.id)!;
    target = item === before ? item : { ...before };
  }
  const returned: string[] = [];
  for (const flag of line.flags) {
    switch (flag.letter) {
      case 'N':
        if (created) item.expiresAt = store.deadline(integer(flag.token));
        break;
      case 'T':
        target.expiresAt = store.deadline(integer(flag.token));
        break;
      case 't':
        returned.push('t' + store.secondsLeft(target));
        break;
      case 'c':
        returned.push('c' + item.cas);
        break;
      default: {
        const echo = echoed(line, flag);
        if (echo !== undefined) returned.push(echo);
      }
    }
  }
  const withValue = flagToken(line, 'v') !== undefined;
  if (line.quiet && !withValue) return;
  const text = Buffer.from(String(value), 'latin1');
  metaAnswer(reply, withValue ? `VA ${text.byteLength}` : 'HD', returned);
  if (withValue) reply.data(text);
}

/** `me`: memcached's debug line, with the fields a tool may read. */
function metaDebug(store: MemoryStore, tokens: string[], reply: Reply): undefined {
  const line = metaLine(tokens, 2, 'mg');
  const item = store.read(line.id);
  if (item === undefined) {
    reply.line('EN');
    return;
  }
  const printed = line.base64 ? Buffer.from(line.id, 'latin1').toString('base64') : line.id;
  const seconds = Math.floor((store.now() - item.touchedAt) / 1000);
  reply.line(
    `ME ${printed} exp=${store.secondsLeft(item)} la=${seconds} cas=${item.cas} fetch=${item.fetched ? 'yes' : 'no'} cls=1 size=${item.value.byteLength + line.id.length + 59}`,
  );
}

/**
 * Every reply line memcached 1.6.18 sends that the parser understands, in one place. The
 * parser matches a line's first word against these bytes; nothing outside this table is
 * ever guessed at (an unknown line is a MemcacheProtocolError).
 */
export const responseCodes = {
  // Retrieval (get, gets, gat, gats)
  VALUE: 'VALUE', // "VALUE <key> <flags> <bytes> [<cas unique>]\r\n<data block>\r\n"
  END: 'END', // "END\r\n"

  // Storage, delete, touch, incr/decr misses, and the OK of admin commands
  STORED: 'STORED', // "STORED\r\n"
  NOT_STORED: 'NOT_STORED', // "NOT_STORED\r\n"
  EXISTS: 'EXISTS', // "EXISTS\r\n"
  NOT_FOUND: 'NOT_FOUND', // "NOT_FOUND\r\n"
  DELETED: 'DELETED', // "DELETED\r\n"
  TOUCHED: 'TOUCHED', // "TOUCHED\r\n"
  OK: 'OK', // "OK\r\n"
  RESET: 'RESET', // "RESET\r\n" (stats reset)

  // incr/decr: the number itself, maybe space-padded, e.g. "42\r\n" or "9   \r\n"

  // stats and version
  STAT: 'STAT', // "STAT <name> <value>\r\n"
  ITEM: 'ITEM', // "ITEM <key> [<size> b; <exptime> s]\r\n" (stats cachedump)
  PREFIX: 'PREFIX', // "PREFIX <prefix> get <n> hit <n> set <n> del <n>\r\n" (stats detail dump)
  VERSION: 'VERSION', // "VERSION <version>\r\n"

  // Errors
  ERROR: 'ERROR', // "ERROR\r\n", "ERROR <message>\r\n", "ERROR: shutdown not enabled\r\n"
  CLIENT_ERROR: 'CLIENT_ERROR', // "CLIENT_ERROR <message>\r\n"
  SERVER_ERROR: 'SERVER_ERROR', // "SERVER_ERROR <message>\r\n"
  MEMLIMIT_TOO_SMALL: 'MEMLIMIT_TOO_SMALL', // "MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m\r\n"
  MEMLIMIT_ADJUST_FAILED: 'MEMLIMIT_ADJUST_FAILED', // "MEMLIMIT_ADJUST_FAILED <reason>\r\n"

  // Meta protocol return codes
  VA: 'VA', // "VA <size> <flags>*\r\n<data block>\r\n"
  HD: 'HD', // "HD <flags>*\r\n"
  EN: 'EN', // "EN <flags>*\r\n" (miss)
  NS: 'NS', // "NS <flags>*\r\n" (not stored)
  EX: 'EX', // "EX <flags>*\r\n" (cas mismatch)
  NF: 'NF', // "NF <flags>*\r\n" (not found)
  MN: 'MN', // "MN\r\n" (answer to mn)
  ME: 'ME', // "ME <key> <name>=<value>*\r\n" (answer to me)
} as const;

export type ResponseCode = (typeof responseCodes)[keyof typeof responseCodes];

/**
 * What `memcli` exits with, so scripts can tell a miss from a broken server without parsing text:
 *
 *   0 ok   1 miss / not found / not stored   2 usage   3 connection or timeout   4 server error
 */
export const exitCodes = {
  ok: 0,
  miss: 1,
  usage: 2,
  connection: 3,
  server: 4,
} as const;

/** One of `memcli`'s exit codes. */
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

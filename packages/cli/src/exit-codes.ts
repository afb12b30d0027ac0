/**
 * What `memcli` exits with, so scripts can tell a miss from a broken server without parsing text:
 *
 *   0 ok   1 miss / not found / not stored   2 usage   3 connection or timeout   4 server error
 *   5 the output could not be written (the reader went away, a full disk)
 */
export const exitCodes = {
  ok: 0,
  miss: 1,
  usage: 2,
  connection: 3,
  server: 4,
  output: 5,
} as const;

/** One of `memcli`'s exit codes. */
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

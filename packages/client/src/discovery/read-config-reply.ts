import {
  MemcacheClientError,
  MemcacheProtocolError,
  MemcacheServerError,
  MemcacheUnknownCommandError,
} from '@mc/protocol';

/** Which request asked: `config get cluster`, or the legacy `get AmazonElastiCache:cluster`. */
export type DiscoveryCommand = 'config' | 'legacy';

/** The request line each command sends. */
export const DISCOVERY_REQUESTS: Record<DiscoveryCommand, string> = {
  config: 'config get cluster\r\n',
  legacy: 'get AmazonElastiCache:cluster\r\n',
};

// The reply header is one short line; anything longer before its CRLF is not a config reply.
const MAX_HEADER_BYTES = 1_024;
const TRAILER = '\r\nEND\r\n';
const HEADERS: Record<DiscoveryCommand, RegExp> = {
  config: /^CONFIG cluster [0-9]{1,10} ([0-9]{1,10})$/,
  legacy: /^VALUE AmazonElastiCache:cluster [0-9]{1,10} ([0-9]{1,10})(?: [0-9]{1,20})?$/,
};

/**
 * Frames the configuration endpoint's reply to `command`, from the bytes received so far:
 *
 *   CONFIG cluster 0 <bytes>\r\n          (legacy: VALUE AmazonElastiCache:cluster 0 <bytes>)
 *   <bytes of payload>\r\n
 *   END\r\n
 *
 * Returns `undefined` while more bytes are needed, the payload once complete. The server's
 * own error lines become the usual typed errors; anything else, or a payload declared larger
 * than `maxBytes`, is a MemcacheProtocolError, so a misbehaving endpoint can never make the
 * client buffer without bound. The response parser of @mc/protocol is not used because it
 * does not (and need not) know the `CONFIG` reply of this one ElastiCache command.
 */
export function readConfigReply(
  received: Uint8Array,
  command: DiscoveryCommand,
  maxBytes: number,
): string | undefined {
  const buffer = Buffer.from(received.buffer, received.byteOffset, received.byteLength);
  const lineEnd = buffer.indexOf('\r\n');
  if (lineEnd === -1) {
    if (buffer.length > MAX_HEADER_BYTES) {
      throw new MemcacheProtocolError('configuration endpoint sent a reply line too long to be a header');
    }
    return undefined;
  }
  const header = buffer.toString('latin1', 0, lineEnd);
  const asked = DISCOVERY_REQUESTS[command].trim();
  if (header === 'ERROR') {
    throw new MemcacheUnknownCommandError(`the configuration endpoint does not know '${asked}'`);
  }
  if (header.startsWith('CLIENT_ERROR')) throw new MemcacheClientError(header.slice(13) || header);
  if (header.startsWith('SERVER_ERROR')) throw new MemcacheServerError(header.slice(13) || header);
  if (command === 'legacy' && header === 'END') {
    throw new MemcacheProtocolError(
      'the endpoint holds no AmazonElastiCache:cluster item: is it a configuration endpoint?',
    );
  }
  const match = HEADERS[command].exec(header);
  if (!match) {
    throw new MemcacheProtocolError(
      `configuration endpoint answered '${asked}' with ${JSON.stringify(header.slice(0, 80))}`,
    );
  }
  const bytes = Number(match[1]);
  if (bytes > maxBytes) {
    throw new MemcacheProtocolError(`cluster config of ${bytes} bytes is above the ${maxBytes}-byte limit`);
  }
  const payloadStart = lineEnd + 2;
  const payloadEnd = payloadStart + bytes;
  if (buffer.length < payloadEnd + TRAILER.length) return undefined;
  if (buffer.toString('latin1', payloadEnd, payloadEnd + TRAILER.length) !== TRAILER) {
    throw new MemcacheProtocolError('cluster config does not end with END where its length says');
  }
  return buffer.toString('utf8', payloadStart, payloadEnd);
}

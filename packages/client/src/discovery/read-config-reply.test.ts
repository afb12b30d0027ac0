import {
  MemcacheClientError,
  MemcacheProtocolError,
  MemcacheServerError,
  MemcacheUnknownCommandError,
} from '@mc/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readConfigReply } from './read-config-reply.js';

const PAYLOAD = '7\nhost-a|10.0.0.1|11211 host-b||11212\n';
const CONFIG = `CONFIG cluster 0 ${PAYLOAD.length}\r\n${PAYLOAD}\r\nEND\r\n`;
const LEGACY = `VALUE AmazonElastiCache:cluster 0 ${PAYLOAD.length}\r\n${PAYLOAD}\r\nEND\r\n`;
const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('readConfigReply', () => {
  it('returns the payload of a complete CONFIG reply, and of the legacy VALUE reply', () => {
    expect(readConfigReply(bytes(CONFIG), 'config', 1_000)).toBe(PAYLOAD);
    expect(readConfigReply(bytes(LEGACY), 'legacy', 1_000)).toBe(PAYLOAD);
    const withCas = `VALUE AmazonElastiCache:cluster 0 ${PAYLOAD.length} 99\r\n${PAYLOAD}\r\nEND\r\n`;
    expect(readConfigReply(bytes(withCas), 'legacy', 1_000)).toBe(PAYLOAD); // as `gets` would answer
  });

  it('asks for more bytes at every cut of a reply, whole and byte by byte', () => {
    for (const [reply, command] of [
      [CONFIG, 'config'],
      [LEGACY, 'legacy'],
    ] as const) {
      for (let cut = 0; cut < reply.length; cut++) {
        expect(readConfigReply(bytes(reply.slice(0, cut)), command, 1_000)).toBeUndefined();
      }
      expect(readConfigReply(bytes(reply), command, 1_000)).toBe(PAYLOAD);
    }
  });

  it('maps the server error lines to typed errors', () => {
    expect(() => readConfigReply(bytes('ERROR\r\n'), 'config', 1_000)).toThrow(MemcacheUnknownCommandError);
    expect(() => readConfigReply(bytes('CLIENT_ERROR bad\r\n'), 'config', 1_000)).toThrow(
      MemcacheClientError,
    );
    expect(() => readConfigReply(bytes('SERVER_ERROR busy\r\n'), 'legacy', 1_000)).toThrow(
      MemcacheServerError,
    );
  });

  it('refuses a legacy miss, the other command’s header, and a wrong trailer', () => {
    expect(() => readConfigReply(bytes('END\r\n'), 'legacy', 1_000)).toThrow(/configuration endpoint/);
    expect(() => readConfigReply(bytes(LEGACY), 'config', 1_000)).toThrow(MemcacheProtocolError);
    expect(() => readConfigReply(bytes(CONFIG), 'legacy', 1_000)).toThrow(MemcacheProtocolError);
    const shifted = `CONFIG cluster 0 ${PAYLOAD.length - 1}\r\n${PAYLOAD}\r\nEND\r\n`;
    expect(() => readConfigReply(bytes(shifted), 'config', 1_000)).toThrow(MemcacheProtocolError);
  });

  it('bounds what it waits for: a declared size above the limit, or an endless first line', () => {
    expect(() => readConfigReply(bytes('CONFIG cluster 0 2000000\r\n'), 'config', 1_048_576)).toThrow(
      /above the 1048576-byte limit/,
    );
    expect(() => readConfigReply(bytes('x'.repeat(2_000)), 'config', 1_048_576)).toThrow(
      MemcacheProtocolError,
    );
    expect(() => readConfigReply(bytes('CONFIG cluster 0 99999999999\r\n'), 'config', 1_048_576)).toThrow(
      MemcacheProtocolError,
    );
  });

  it('on any bytes either waits, returns a payload, or throws a MemcacheError (fuzz, 5,000 cases)', () => {
    const piece = fc.constantFrom(
      'CONFIG',
      'VALUE',
      ' cluster',
      ' 0',
      ' 5',
      ' 40',
      '\r\n',
      'END',
      'ERROR',
      PAYLOAD,
      'x',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.array(piece, { maxLength: 12 }).map((parts) => bytes(parts.join(''))),
        ),
        fc.constantFrom('config' as const, 'legacy' as const),
        (received, command) => {
          try {
            const payload = readConfigReply(received, command, 1_000);
            if (payload !== undefined) expect(payload.length).toBeLessThanOrEqual(1_000);
          } catch (error) {
            expect((error as { code?: unknown }).code).toMatch(/^MC_/);
          }
        },
      ),
      { seed: 20_261_202, numRuns: 5_000 },
    );
  });
});

import { MemcacheProtocolError } from '@mc/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClusterConfig } from './parse-cluster-config.js';

describe('parseClusterConfig', () => {
  it('reads the version and every host|ip|port entry', () => {
    const payload =
      '12\nmycluster.0001.use1.cache.amazonaws.com|10.82.235.120|11211 ' +
      'mycluster.0002.use1.cache.amazonaws.com|10.80.249.27|11212\n';
    expect(parseClusterConfig(payload)).toEqual({
      version: 12,
      nodes: [
        { host: 'mycluster.0001.use1.cache.amazonaws.com', ip: '10.82.235.120', port: 11211 },
        { host: 'mycluster.0002.use1.cache.amazonaws.com', ip: '10.80.249.27', port: 11212 },
      ],
    });
  });

  it('tolerates CRLF after the version and at the end, and extra spaces', () => {
    expect(parseClusterConfig('3\r\n a|10.0.0.1|1  b|10.0.0.2|2 \r\n')).toEqual({
      version: 3,
      nodes: [
        { host: 'a', ip: '10.0.0.1', port: 1 },
        { host: 'b', ip: '10.0.0.2', port: 2 },
      ],
    });
  });

  it('keeps an empty IP (connect by name), IPv6 addresses, and drops exact duplicates', () => {
    expect(parseClusterConfig('1\nnode.example||11211 |::1|11212 node.example||11211\n').nodes).toEqual([
      { host: 'node.example', ip: '', port: 11211 },
      { host: '', ip: '::1', port: 11212 },
    ]);
  });

  it.each([
    ['nothing', ''],
    ['no version', 'a|10.0.0.1|11211\n'],
    ['a version that is not a number', 'v12\na|10.0.0.1|11211\n'],
    ['a negative version', '-1\na|10.0.0.1|11211\n'],
    ['no node', '12\n\n'],
    ['two fields', '12\na|11211\n'],
    ['four fields', '12\na|10.0.0.1|11211|x\n'],
    ['a bad port', '12\na|10.0.0.1|0\n'],
    ['a port too large', '12\na|10.0.0.1|65536\n'],
    ['a port that is not a number', '12\na|10.0.0.1|11a\n'],
    ['a bad IP', '12\na|10.0.0.300|11211\n'],
    ['a host with a slash', '12\na/b|10.0.0.1|11211\n'],
    ['neither host nor IP', '12\n||11211\n'],
    ['HTML', '<html><body>502 Bad Gateway</body></html>'],
  ])('refuses %s with a MemcacheProtocolError', (_name, payload) => {
    expect(() => parseClusterConfig(payload)).toThrow(MemcacheProtocolError);
  });

  it('on any input either throws MemcacheProtocolError or returns valid nodes (fuzz, 5,000 cases)', () => {
    const piece = fc.constantFrom(
      '1',
      '12',
      '\n',
      '\r\n',
      ' ',
      '|',
      'a',
      '.',
      '10.0.0.1',
      '::1',
      '11211',
      '0',
      '-',
      'é',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(piece, { maxLength: 30 }).map((parts) => parts.join('')),
        ),
        (text) => {
          let result: ReturnType<typeof parseClusterConfig>;
          try {
            result = parseClusterConfig(text);
          } catch (error) {
            expect(error).toBeInstanceOf(MemcacheProtocolError);
            return;
          }
          expect(Number.isSafeInteger(result.version) && result.version >= 0).toBe(true);
          expect(result.nodes.length).toBeGreaterThan(0);
          for (const node of result.nodes) {
            expect(node.port >= 1 && node.port <= 65535).toBe(true);
            expect(node.host !== '' || node.ip !== '').toBe(true);
            expect(`${node.host}${node.ip}`).not.toMatch(/[\s|]/);
          }
        },
      ),
      { seed: 20_261_201, numRuns: 5_000 },
    );
  });
});

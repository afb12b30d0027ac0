import { MemcacheIllegalInputError } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { parseAddress, type ServerAddress } from './parse-address.js';

describe('parseAddress', () => {
  it.each<[ServerAddress, ReturnType<typeof parseAddress>]>([
    ['127.0.0.1:11300', { kind: 'tcp', host: '127.0.0.1', port: 11300, name: '127.0.0.1:11300' }],
    ['cache.internal', { kind: 'tcp', host: 'cache.internal', port: 11211, name: 'cache.internal:11211' }],
    ['localhost:1', { kind: 'tcp', host: 'localhost', port: 1, name: 'localhost:1' }],
    ['[::1]:11300', { kind: 'tcp', host: '::1', port: 11300, name: '[::1]:11300' }],
    ['[::1]', { kind: 'tcp', host: '::1', port: 11211, name: '[::1]:11211' }],
    ['::1', { kind: 'tcp', host: '::1', port: 11211, name: '[::1]:11211' }],
    ['[fe80::1:2]:5', { kind: 'tcp', host: 'fe80::1:2', port: 5, name: '[fe80::1:2]:5' }],
    ['/tmp/memcached.sock', { kind: 'unix', path: '/tmp/memcached.sock', name: '/tmp/memcached.sock' }],
    ['unix:/tmp/m.sock', { kind: 'unix', path: '/tmp/m.sock', name: '/tmp/m.sock' }],
    ['unix:relative.sock', { kind: 'unix', path: 'relative.sock', name: 'relative.sock' }],
    [
      { host: '10.0.0.1', port: 11212 },
      { kind: 'tcp', host: '10.0.0.1', port: 11212, name: '10.0.0.1:11212' },
    ],
    [{ host: 'example.org' }, { kind: 'tcp', host: 'example.org', port: 11211, name: 'example.org:11211' }],
    [
      { host: '::1', port: 7 },
      { kind: 'tcp', host: '::1', port: 7, name: '[::1]:7' },
    ],
    [
      { host: '[::1]', port: 7 },
      { kind: 'tcp', host: '::1', port: 7, name: '[::1]:7' },
    ],
    [{ path: '/run/mc.sock' }, { kind: 'unix', path: '/run/mc.sock', name: '/run/mc.sock' }],
  ])('parses %j', (input, expected) => {
    expect(parseAddress(input)).toEqual(expected);
  });

  it.each<unknown>([
    '',
    ':11211',
    'host:',
    'host:abc',
    'host:0',
    'host:65536',
    'host:123456',
    '[::1',
    '[::1]x',
    '[::1]:',
    '[not-v6]:1',
    'a:b:c',
    'has space:1',
    'unix:',
    { host: '' },
    { host: 'h', port: 0 },
    { host: 'h', port: 1.5 },
    { host: 'h', port: 70000 },
    { path: '' },
    {},
    null,
    42,
  ])('rejects %j with MemcacheIllegalInputError', (input) => {
    expect(() => parseAddress(input as ServerAddress)).toThrow(MemcacheIllegalInputError);
  });
});

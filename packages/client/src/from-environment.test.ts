import { startMemcached } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { fromEnvironment, HashClient, MemcacheConnectionError, MemcacheIllegalInputError } from './index.js';

describe('fromEnvironment', () => {
  it('falls back to localhost:11211, as memjs does, with no credentials', () => {
    expect(fromEnvironment({})).toEqual({ servers: ['localhost:11211'], options: {} });
  });

  it('prefers MEMCACHIER_SERVERS, then MEMCACHE_SERVERS, then MEMCACHED_SERVERS', () => {
    const all = { MEMCACHIER_SERVERS: 'a:1', MEMCACHE_SERVERS: 'b:2', MEMCACHED_SERVERS: 'c:3' };
    expect(fromEnvironment(all).servers).toEqual(['a:1']);
    expect(fromEnvironment({ ...all, MEMCACHIER_SERVERS: ' ' }).servers).toEqual(['b:2']);
    expect(fromEnvironment({ MEMCACHED_SERVERS: 'c:3' }).servers).toEqual(['c:3']);
  });

  it('splits on commas and spaces and names servers as HashClient does (default port written)', () => {
    expect(
      fromEnvironment({ MEMCACHE_SERVERS: 'a.example, b.example:11212,,[::1]:5 /tmp/mc.sock' }).servers,
    ).toEqual(['a.example:11211', 'b.example:11212', '[::1]:5', '/tmp/mc.sock']);
  });

  it('MemCachier variables give credentials in MemCachier’s format', () => {
    const env = {
      MEMCACHIER_SERVERS: 'mc1.dev.ec2.memcachier.com:11211,mc2.dev.ec2.memcachier.com:11211',
      MEMCACHIER_USERNAME: 'ABC123',
      MEMCACHIER_PASSWORD: 's3cret',
    };
    expect(fromEnvironment(env)).toEqual({
      servers: ['mc1.dev.ec2.memcachier.com:11211', 'mc2.dev.ec2.memcachier.com:11211'],
      options: { auth: { username: 'ABC123', password: 's3cret', format: 'memcachier' } },
    });
  });

  it('MEMCACHE_USERNAME/PASSWORD give credentials in memcached’s format', () => {
    expect(
      fromEnvironment({ MEMCACHE_SERVERS: 'cache:11211', MEMCACHE_USERNAME: 'u', MEMCACHE_PASSWORD: 'p' })
        .options,
    ).toEqual({ auth: { username: 'u', password: 'p', format: 'memcached' } });
    // MEMCACHIER_ credentials win over MEMCACHE_ ones, as in memjs.
    expect(
      fromEnvironment({
        MEMCACHIER_USERNAME: 'x',
        MEMCACHIER_PASSWORD: 'y',
        MEMCACHE_USERNAME: 'u',
        MEMCACHE_PASSWORD: 'p',
      }).options.auth,
    ).toEqual({ username: 'x', password: 'y', format: 'memcachier' });
  });

  it('reads user:pass@host:port entries, URL-decoding the credentials, over the variables', () => {
    const env = {
      MEMCACHE_SERVERS: 'memcache://us%3Aer:p%40ss%2Fw@a:1,us%3Aer:p%40ss%2Fw@b:2, c:3',
      MEMCACHE_USERNAME: 'ignored',
      MEMCACHE_PASSWORD: 'ignored',
    };
    expect(fromEnvironment(env)).toEqual({
      servers: ['a:1', 'b:2', 'c:3'],
      options: { auth: { username: 'us:er', password: 'p@ss/w', format: 'memcached' } },
    });
    // An unencoded @ in the password still works: the last @ ends the credentials.
    expect(fromEnvironment({ MEMCACHE_SERVERS: 'u:p@ss@a:1' }).options.auth).toMatchObject({
      password: 'p@ss',
    });
    expect(fromEnvironment({ MEMCACHIER_SERVERS: 'u:p@a:1' }).options.auth?.format).toBe('memcachier');
  });

  it.each([
    ['different credentials per server', { MEMCACHE_SERVERS: 'u:p@a:1,v:q@b:2' }, /same credentials/],
    ['a user name alone', { MEMCACHE_USERNAME: 'u' }, /go together/],
    ['bad URL encoding', { MEMCACHE_SERVERS: 'u:%zz@a:1' }, /URL encoding/],
    ['credentials without a user name', { MEMCACHE_SERVERS: ':p@a:1' }, /no user name/],
    ['a bad port', { MEMCACHIER_SERVERS: 'a:99999' }, /MEMCACHIER_SERVERS: .*port/],
    ['only separators', { MEMCACHE_SERVERS: ', ,' }, /lists no server/],
  ])('refuses %s with MemcacheIllegalInputError', (_name, env, message) => {
    expect(() => fromEnvironment(env)).toThrow(MemcacheIllegalInputError);
    expect(() => fromEnvironment(env)).toThrow(message);
  });

  it('reads process.env by default', () => {
    const saved = process.env.MEMCACHIER_SERVERS;
    process.env.MEMCACHIER_SERVERS = 'from-process:4242';
    try {
      expect(fromEnvironment().servers).toEqual(['from-process:4242']);
    } finally {
      if (saved === undefined) delete process.env.MEMCACHIER_SERVERS;
      else process.env.MEMCACHIER_SERVERS = saved;
    }
  });

  it('end to end: a memcached with -Y, configured from an env object', async () => {
    const server = await startMemcached({ auth: { username: 'app', password: 'p@ss/w0rd' } });
    const { servers, options } = fromEnvironment({
      MEMCACHE_SERVERS: `app:${encodeURIComponent('p@ss/w0rd')}@${server.address}`,
    });
    const client = new HashClient(servers, { ...options, keyPrefix: 'env:' });
    const refused = new HashClient(servers, {
      ...fromEnvironment({ MEMCACHE_SERVERS: `app:wrong@${server.address}` }).options,
    });
    try {
      expect(await client.set('greeting', 'hello')).toBe(true);
      expect(await client.get('greeting')).toBe('hello');
      await expect(refused.get('greeting')).rejects.toBeInstanceOf(MemcacheConnectionError);
    } finally {
      await client.close();
      await refused.close();
      await server.stop();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { parseServers } from './parse-servers.js';

describe('parseServers', () => {
  it('splits on commas, trims, drops blanks', () => {
    expect(parseServers(' 10.0.0.1:11211, [::1]:11212 ,,/run/mc.sock, ')).toStrictEqual([
      '10.0.0.1:11211',
      '[::1]:11212',
      '/run/mc.sock',
    ]);
    expect(parseServers('')).toStrictEqual([]);
  });
});

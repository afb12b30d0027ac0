import type { Stats } from '@mc/client';
import { describe, expect, it } from 'vitest';
import { renderTopView } from './render-top-view.js';
import { type StatsSample, serverRow } from './server-row.js';

/** A `stats` answer with the counters `memcli top` reads; the rest are zero. */
function stats(counters: Partial<Record<string, number>>): Stats {
  return {
    uptime: 100,
    get_hits: 0,
    get_misses: 0,
    cmd_get: 0,
    cmd_set: 0,
    limit_maxbytes: 64 * 1024 * 1024,
    ...counters,
  } as Stats;
}

const sample = (at: number, counters: Partial<Record<string, number>>): StatsSample => ({
  at,
  stats: stats(counters),
});

/** The HIT% cell of a server's line. */
function hitRate(view: string, server: string): string | undefined {
  const line = view.split('\n').find((text) => text.startsWith(`${server} `));
  return line?.slice(server.length).trim().split(/\s+/)[0];
}

describe('renderTopView', () => {
  it("gives TOTAL the hits among every server's gets, not a rate weighted by operations", () => {
    // In the interval, a: 1,000 sets and 10 get misses; b: 10 get hits. 10 hits in 20 gets.
    const rows = [
      serverRow('a', sample(1000, { cmd_set: 1000, get_misses: 10, cmd_get: 10 }), sample(0, {})),
      serverRow('b', sample(1000, { get_hits: 10, cmd_get: 10 }), sample(0, {})),
    ];
    const view = renderTopView(rows, 'heading');
    expect(hitRate(view, 'a')).toBe('0.0%');
    expect(hitRate(view, 'b')).toBe('100.0%');
    expect(hitRate(view, 'TOTAL')).toBe('50.0%');
  });

  it('gives TOTAL a hit rate since start on the first frame, as each server has', () => {
    const rows = [
      serverRow('a', sample(0, { get_hits: 1, get_misses: 3, cmd_get: 4 })),
      serverRow('b', sample(0, { get_hits: 5, cmd_get: 5 })),
      serverRow('c', sample(0, {})),
    ];
    const view = renderTopView(rows, 'heading');
    expect(hitRate(view, 'a')).toBe('25.0%');
    expect(hitRate(view, 'b')).toBe('100.0%');
    expect(hitRate(view, 'c')).toBe('-');
    expect(hitRate(view, 'TOTAL')).toBe('66.7%');
  });

  it('leaves servers that did not answer and servers without gets out of the TOTAL hit rate', () => {
    const idle = [serverRow('a', sample(0, {})), serverRow('b', new Error('refused'))];
    expect(hitRate(renderTopView(idle, 'heading'), 'TOTAL')).toBe('-');
    const one = [serverRow('a', sample(0, { get_hits: 3, get_misses: 1 })), serverRow('b', new Error('x'))];
    expect(hitRate(renderTopView(one, 'heading'), 'TOTAL')).toBe('75.0%');
  });
});

describe('a server that did not answer', () => {
  it('shows its error with control characters escaped, not sent to the terminal', () => {
    // The error's text may be a server's own (SERVER_ERROR …), and used to be drawn as it came.
    const view = renderTopView(
      [serverRow('a:1', new Error('SERVER_ERROR x\x1b[2J\x1b]0;t\x07'))],
      'memcli top',
    );
    expect(view).toContain('unreachable: SERVER_ERROR x\\x1b[2J\\x1b]0;t\\x07');
    expect(view).not.toContain('\x1b[2J');
  });
});

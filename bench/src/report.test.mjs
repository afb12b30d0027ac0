import { describe, expect, it } from 'vitest';
import { bestRound } from './best-round.mjs';
import { evaluateTargets } from './evaluate-targets.mjs';
import { formatTable } from './format-table.mjs';

const entries = [
  { id: 'mc', name: '@mc/client', role: 'mc' },
  { id: 'a', name: 'peer-a', role: 'peer' },
  { id: 'b', name: 'peer-b', role: 'peer', emulatedMulti: true },
];
const figure = (opsPerSecond, cpuPerOp, extra = {}) => ({
  opsPerSecond,
  cpuPerOp,
  serverCpuPerOp: 1,
  p50: 10,
  p99: 20,
  problems: 0,
  failed: false,
  ...extra,
});

describe('bestRound', () => {
  it('keeps the fastest round', () => {
    expect(bestRound([figure(10, 1), figure(30, 2), figure(20, 3)]).opsPerSecond).toBe(30);
  });

  it('fails the client if any round returned a wrong value', () => {
    const best = bestRound([figure(10, 1), figure(30, 2, { problems: 1, problem: 'get k missed' })]);
    expect(best).toMatchObject({ failed: true, problem: 'get k missed' });
  });
});

describe('evaluateTargets', () => {
  const withFloor = [
    ...entries,
    { id: 'floor', name: 'naked socket (floor)', role: 'floor' },
    { id: 'pymemcache', name: 'pymemcache 3.5.2', role: 'seed' },
  ];

  it('compares against the best correct peer and the leanest for CPU', () => {
    const figures = new Map([
      [
        'get',
        new Map([
          ['mc', figure(410, 1.1)],
          ['a', figure(100, 6)],
          ['b', figure(50, 2.2)],
        ]),
      ],
      [
        'set',
        new Map([
          ['mc', figure(310, 2)],
          ['a', figure(100, 6)],
          ['b', figure(500, 4, { failed: true })],
        ]),
      ],
    ]);
    const verdicts = evaluateTargets('mc', entries, figures);
    const byLabel = Object.fromEntries(verdicts.map((verdict) => [verdict.label, verdict]));
    expect(byLabel['concurrent get'].met).toBe(true);
    expect(byLabel['concurrent get'].text).toContain('4.10x');
    // 3.1x the only correct peer: the failed faster one does not count, and 3.1 < 4.
    expect(byLabel['concurrent set'].met).toBe(false);
    expect(byLabel['concurrent set'].text).toContain('3.10x');
    expect(byLabel['CPU per concurrent get'].met).toBe(true);
    expect(byLabel['CPU per concurrent get'].text).toContain('1.10 µs/op (target ≤ 1.2 µs/op): met');
    expect(byLabel['CPU per concurrent get vs the leanest peer'].met).toBe(true);
    expect(byLabel['CPU per concurrent get vs the leanest peer'].text).toContain('peer-b');
    expect(byLabel['CPU per concurrent get vs the leanest peer'].text).toContain('0.500x');
    expect(byLabel['sequential get vs the floor'].met).toBeUndefined();
  });

  it('reads floor targets as time per call and client targets against that client', () => {
    const figures = new Map([
      [
        'seq-get',
        new Map([
          ['mc', figure(20_000, 40)],
          ['floor', figure(21_000, 30)],
          ['pymemcache', figure(21_000, 60)],
          ['a', figure(19_000, 45)],
        ]),
      ],
      [
        'seq-multi-get',
        new Map([
          ['mc', figure(4000, 200)],
          ['floor', figure(7000, 30)],
        ]),
      ],
    ]);
    const verdicts = evaluateTargets('mc', withFloor, figures);
    const byLabel = Object.fromEntries(verdicts.map((verdict) => [verdict.label, verdict]));
    expect(byLabel['sequential get vs the floor']).toMatchObject({ met: true, issue: 16 });
    expect(byLabel['sequential get vs the floor'].ratio).toBeCloseTo(1.05, 5);
    expect(byLabel['sequential get vs the floor'].text).toContain("1.05x the floor's time per call");
    expect(byLabel['sequential get vs pymemcache'].met).toBe(false);
    expect(byLabel['sequential get vs pymemcache'].text).toContain('0.95x');
    expect(byLabel['sequential 100-key getMany vs the floor'].met).toBe(false);
    expect(byLabel['sequential 100-key getMany vs the floor'].text).toContain('1.75x');
    expect(byLabel['1 MB get'].text).toContain('not measured');
  });
});

describe('evaluateTargets with every round', () => {
  it('judges on the median of round-by-round ratios, not on one lucky round', () => {
    const rounds = new Map([
      [
        'get',
        new Map([
          // Round 1 is lucky for @mc (5x); rounds 2 and 3 are 3x and 3.5x.
          ['mc', [figure(500, 1.0), figure(300, 1.3), figure(350, 1.4)]],
          ['a', [figure(100, 6), figure(100, 6), figure(100, 6)]],
        ]),
      ],
    ]);
    const chosen = new Map([
      [
        'get',
        new Map([
          ['mc', figure(500, 1.0)],
          ['a', figure(100, 6)],
        ]),
      ],
    ]);
    const byLabel = Object.fromEntries(
      evaluateTargets('mc', entries, chosen, rounds).map((verdict) => [verdict.label, verdict]),
    );
    expect(byLabel['concurrent get']).toMatchObject({ ratio: 5, medianRatio: 3.5, met: false });
    expect(byLabel['concurrent get'].text).toContain(
      '= 5.00x, median of 3 rounds 3.50x (target ≥ 4x): NOT met',
    );
    expect(byLabel['CPU per concurrent get']).toMatchObject({ met: false });
    expect(byLabel['CPU per concurrent get'].text).toContain('1.00 µs/op, median of 3 rounds 1.30 µs/op');
  });
});

describe('formatTable', () => {
  it('prints ratios to the best peer and marks emulated multi-gets and failures', () => {
    const figures = new Map([
      ['mc', figure(400, 1)],
      ['a', figure(100, 3)],
      ['b', { failed: true, problem: 'get k missed' }],
    ]);
    const table = formatTable({ id: 'multi-get', title: 'multi' }, entries, figures);
    expect(table).toContain('| @mc/client | 400 | 10.0 | 20.0 | 1.00 | 1.00 | 4.00 |');
    expect(table).toContain('| peer-a | 100 | 10.0 | 20.0 | 3.00 | 1.00 | 1.00 (best peer) |');
    expect(table).toContain('| peer-b † | ✗ get k missed |');
    expect(table).toContain('† no multi-get');
  });
});

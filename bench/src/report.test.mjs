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
  it('compares against the best correct peer and the leanest for CPU', () => {
    const figures = new Map([
      [
        'get',
        new Map([
          ['mc', figure(310, 2)],
          ['a', figure(100, 6)],
          ['b', figure(50, 4)],
        ]),
      ],
      [
        'set',
        new Map([
          ['mc', figure(200, 2)],
          ['a', figure(100, 6)],
          ['b', figure(500, 4, { failed: true })],
        ]),
      ],
    ]);
    const verdicts = evaluateTargets('mc', entries, figures);
    const byLabel = Object.fromEntries(verdicts.map((verdict) => [verdict.label, verdict]));
    expect(byLabel['concurrent get'].met).toBe(true);
    expect(byLabel['concurrent get'].text).toContain('3.10x');
    expect(byLabel['concurrent set'].met).toBe(false);
    expect(byLabel['CPU per concurrent get'].met).toBe(true);
    expect(byLabel['CPU per concurrent get'].text).toContain('peer-b');
    expect(byLabel['CPU per concurrent get'].text).toContain('0.500x');
    expect(byLabel['sequential get'].met).toBeUndefined();
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

import { describe, expect, it } from 'vitest';
import { compareClients } from './compare-clients.mjs';
import { comparisonChart } from './comparison-chart.mjs';
import { formatComparison } from './format-comparison.mjs';

const entries = [
  { id: 'mc', name: '@mc/client', role: 'mc' },
  { id: 'floor', name: 'naked socket (floor)', role: 'floor' },
  { id: 'peer', name: 'peer-a', role: 'peer' },
  { id: 'slow', name: 'peer-b', role: 'peer' },
  { id: 'py', name: 'pymemcache', role: 'seed' },
  { id: 'c', name: 'pylibmc', role: 'seed' },
];
const run = (opsPerSecond, cpuPerOp = 10) => ({ opsPerSecond, cpuPerOp, p50: 40, p99: 90, problems: 0 });
const workloads = [
  { id: 'seq-get', title: 'sequential get' },
  { id: 'get', title: 'concurrent get' },
  { id: 'seq-get-traced', title: 'traced', compare: 'seq-get' },
];
// Three rounds each; the chosen figure is the best round, as bestRound picks it.
const rounds = new Map([
  [
    'seq-get',
    new Map([
      ['mc', [run(20_000), run(18_000), run(16_000)]],
      ['floor', [run(25_000), run(20_000), run(24_000)]],
      ['peer', [run(19_000), run(19_000), run(19_000)]],
      ['slow', [run(10_000), run(10_000), run(10_000)]],
      ['py', [run(15_000), run(18_000), run(16_000)]],
      ['c', [run(30_000), run(27_000), run(24_000)]],
    ]),
  ],
  [
    'get',
    new Map([
      ['mc', [run(500_000), run(400_000), run(450_000)]],
      ['peer', [run(100_000), run(100_000), run(100_000)]],
    ]),
  ],
  ['seq-get-traced', new Map([['mc', [run(19_000, 11), run(18_000, 11), run(16_000, 11)]]])],
]);
const best = (results) =>
  results.reduce((top, result) => (result.opsPerSecond > top.opsPerSecond ? result : top));
const chosen = new Map(
  [...rounds].map(([id, byClient]) => [
    id,
    new Map([...byClient].map(([client, results]) => [client, best(results)])),
  ]),
);

describe('compareClients', () => {
  const { rows, variants } = compareClients('mc', entries, workloads, chosen, rounds);

  it('reads the floor as time per call and the others as throughput, with round-by-round medians', () => {
    const [seqGet, get] = rows;
    expect(seqGet.floor.ratio).toBeCloseTo(25_000 / 20_000, 6);
    // Rounds: 25/20, 20/18, 24/16 → median 1.25.
    expect(seqGet.floor.medianRatio).toBeCloseTo(1.25, 6);
    expect(seqGet.seed).toMatchObject({ name: 'pylibmc' });
    expect(seqGet.seed.ratio).toBeCloseTo(20_000 / 30_000, 6);
    expect(seqGet.peer).toMatchObject({ name: 'peer-a' });
    expect(seqGet.peer.medianRatio).toBeCloseTo(18_000 / 19_000, 6);
    expect(get.floor).toBeUndefined();
    expect(get.seed).toBeUndefined();
    expect(get.peer.ratio).toBe(5);
  });

  it('reads variants against the workload they vary', () => {
    expect(variants).toHaveLength(1);
    expect(variants[0]).toMatchObject({ compare: 'seq-get', cpuDelta: 1 });
    expect(variants[0].ratio).toBeCloseTo(19_000 / 20_000, 6);
    expect(variants[0].medianRatio).toBe(1);
  });

  it('reads a variant measured by turns against its plain partner', () => {
    const paired = new Map([
      [
        'get-4conn',
        new Map([
          ['mc', [run(600_000, 1.5), run(550_000, 1.5), run(100_000, 1.5)]],
          ['mc@base', [run(500_000, 1.2), run(500_000, 1.2), run(90_000, 1.2)]],
        ]),
      ],
      ...rounds,
    ]);
    const pairedChosen = new Map(
      [...paired].map(([id, byClient]) => [
        id,
        new Map([...byClient].map(([client, results]) => [client, best(results)])),
      ]),
    );
    const { variants: found } = compareClients(
      'mc',
      entries,
      [{ id: 'get-4conn', title: '4 connections', compare: 'get' }],
      pairedChosen,
      paired,
    );
    expect(found[0]).toMatchObject({ compare: 'get (by turns)' });
    expect(found[0].ratio).toBeCloseTo(1.2, 6);
    // Rounds: 1.2, 1.1, 1.11 → median 1.11.
    expect(found[0].medianRatio).toBeCloseTo(100_000 / 90_000, 6);
    expect(found[0].cpuDelta).toBeCloseTo(0.3, 6);
  });

  it('prints one row per workload and the variants', () => {
    const markdown = formatComparison('@mc/client', { rows, variants });
    expect(markdown).toContain(
      '| seq-get | 20,000 | 1.25x (1.25x) | 0.67x (0.67x) pylibmc | 1.05x (0.95x) peer-a |',
    );
    expect(markdown).toContain('| get | 500,000 | – | – | 5.00x (4.50x) peer-a |');
    expect(markdown).toContain(
      '| seq-get-traced | seq-get | 19,000 | 0.95x (1.00x) | 11.00 | +1.00 | 40.0 | 90.0 |',
    );
  });

  it('charts every workload against the best Node peer, as medians of round-by-round ratios', () => {
    const svg = comparisonChart(rows, 'today');
    expect(svg).toContain('>0.95x<'); // @mc on seq-get: 20/19, 18/19, 16/19
    expect(svg).toContain('>1.26x<'); // the floor: 25/19, 20/19, 24/19
    expect(svg).toContain('>1.42x<'); // pylibmc: 30/19, 27/19, 24/19
    expect(svg).toContain('>4.50x<'); // @mc on get: 5, 4, 4.5
  });
});

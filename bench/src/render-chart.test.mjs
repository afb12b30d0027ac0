import { describe, expect, it } from 'vitest';
import { renderChart } from './render-chart.mjs';

const series = [
  { id: 'mc', label: '@mc', color: '#2563eb' },
  { id: 'peer', label: 'peer', color: '#9ca3af' },
  { id: 'floor', label: 'floor & <co>', color: '#111827' },
];

describe('renderChart', () => {
  const svg = renderChart({
    title: 'Throughput <over> the peer',
    subtitle: '2026-12-01',
    series,
    groups: [
      { label: 'seq-get', values: { mc: 0.9, peer: 1, floor: 1.2 } },
      { label: 'get', values: { mc: 4, peer: 1, floor: Number.NaN } },
      { label: 'nothing', values: {} },
    ],
  });

  it('is one svg element with a bar and a value label per measured figure', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    // 5 bars (the NaN floor and the empty group are left out), plus background and 3 legend swatches.
    expect(svg.match(/<rect /g)).toHaveLength(5 + 1 + 3);
    expect(svg).toContain('>0.90x<');
    expect(svg).toContain('>4.00x<');
    expect(svg).not.toContain('NaN');
    expect(svg).toContain('>seq-get<');
    expect(svg).not.toContain('>nothing<');
  });

  it('draws bars in proportion, the largest value across the plot', () => {
    const widths = [...svg.matchAll(/<rect x="170" y="\d+" width="([\d.]+)" height="13"/g)].map((match) =>
      Number(match[1]),
    );
    expect(widths).toHaveLength(5);
    const [mc, peer, floor, big] = [widths[0], widths[1], widths[2], widths[3]];
    expect(mc / peer).toBeCloseTo(0.9, 2);
    expect(floor / peer).toBeCloseTo(1.2, 2);
    expect(big).toBeCloseTo(Math.max(...widths), 5);
  });

  it('escapes text', () => {
    expect(svg).toContain('Throughput &#60;over&#62; the peer');
    expect(svg).toContain('floor &#38; &#60;co&#62;');
    expect(svg).not.toContain('<over>');
  });
});

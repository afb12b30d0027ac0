const WIDTH = 760;
const LABEL_WIDTH = 170;
const VALUE_WIDTH = 60;
const BAR_HEIGHT = 13;
const BAR_GAP = 3;
const GROUP_GAP = 16;
const TOP = 58;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

const escapeXml = (text) => String(text).replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);
const round = (value) => Math.round(value * 10) / 10;

/**
 * A grouped horizontal bar chart as a standalone SVG string, written by hand so the bench
 * needs no chart library: one group per workload, one bar per series that has a value (NaN or
 * undefined leaves the bar out), each labelled with its value, and a dashed line at `reference`
 * (1.0 = the figure everything is divided by).
 *
 * @param {{ title: string, subtitle?: string, reference?: number,
 *   series: Array<{ id: string, label: string, color: string }>,
 *   groups: Array<{ label: string, values: Record<string, number | undefined> }> }} chart
 * @returns {string}
 */
export function renderChart({ title, subtitle = '', reference = 1, series, groups }) {
  const present = (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0;
  const largest = Math.max(
    reference,
    ...groups.flatMap((group) => series.map((one) => group.values[one.id]).filter(present)),
  );
  const plotWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 10;
  const x = (value) => LABEL_WIDTH + (value / largest) * plotWidth;
  const parts = [];
  let y = TOP;
  for (const group of groups) {
    const bars = series.filter((one) => present(group.values[one.id]));
    if (bars.length === 0) continue;
    const height = bars.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP;
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${round(y + height / 2 + 4)}" text-anchor="end" font-size="12">${escapeXml(group.label)}</text>`,
    );
    for (const one of bars) {
      const value = group.values[one.id];
      const end = x(value);
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${round(end - LABEL_WIDTH)}" height="${BAR_HEIGHT}" fill="${one.color}"><title>${escapeXml(`${one.label}: ${value.toFixed(2)}x`)}</title></rect>`,
        `<text x="${round(end + 4)}" y="${y + BAR_HEIGHT - 2}" font-size="11">${value.toFixed(2)}x</text>`,
      );
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += GROUP_GAP - BAR_GAP;
  }
  const bottom = y;
  const height = bottom + (subtitle ? 26 : 10);
  const referenceX = round(x(reference));
  // Legend entries side by side, each as wide as its label (about 7 px a character at 12 px).
  let left = 10;
  const legend = series.map((one) => {
    const entry =
      `<rect x="${left}" y="32" width="12" height="12" fill="${one.color}"/>` +
      `<text x="${left + 17}" y="42" font-size="12">${escapeXml(one.label)}</text>`;
    left += 17 + one.label.length * 7 + 18;
    return entry;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeXml(title)}" ${FONT}>`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="18" font-size="14" font-weight="600">${escapeXml(title)}</text>`,
    ...legend,
    // The reference line goes under the bars and their labels.
    `<line x1="${referenceX}" y1="${TOP - 6}" x2="${referenceX}" y2="${bottom - GROUP_GAP + 6}" stroke="#444444" stroke-dasharray="3 3"/>`,
    `<text x="${referenceX}" y="${bottom + 4}" font-size="10" text-anchor="middle" fill="#444444">${reference}x</text>`,
    ...parts,
    subtitle
      ? `<text x="10" y="${height - 8}" font-size="10" fill="#555555">${escapeXml(subtitle)}</text>`
      : '',
    '</svg>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

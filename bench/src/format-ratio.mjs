import { formatNumber } from './format-number.mjs';

/**
 * A ratio as the report prints it, `1.26x`, or a dash when either side was not measured.
 * Three places when asked, so that 0.502 does not print as a "not met" 0.50.
 */
export function formatRatio(ratio, decimals = 2) {
  if (ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${formatNumber(ratio, decimals)}x`;
}

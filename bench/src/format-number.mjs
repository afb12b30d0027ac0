/** Thousands separators for rates, one decimal for microseconds, a dash for nothing measured. */
export function formatNumber(value, decimals = 0) {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

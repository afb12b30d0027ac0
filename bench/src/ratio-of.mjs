/** mine / theirs, or NaN when either is missing or not positive (a failed or absent run). */
export function ratioOf(mine, theirs) {
  if (!(mine > 0) || !(theirs > 0)) return Number.NaN;
  return mine / theirs;
}

let counter = 0;

/**
 * The one generator of opaques for meta requests, shared by the encoder (a quiet request
 * without an opaque gets one), the transport (requests it folds into a quiet run) and the
 * client (every loud request, so its reader can tell its reply from a stray one), so two
 * requests in flight never carry the same generated token. The leading dot keeps them apart
 * from numeric opaques a caller may choose.
 */
export function nextQuietOpaque(): string {
  counter = (counter + 1) % 0x7fffffff;
  return '.' + counter.toString(36);
}

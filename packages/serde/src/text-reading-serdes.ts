/**
 * The built-in serdes whose `deserialize` reads a value flagged FLAG_TEXT alone as strict
 * UTF-8 text and nothing else (readValue): for these, deserializeFrame may take such a value
 * straight from the parser's frame. A serde of the application's own is never in here.
 */
export const textReadingSerdes = new WeakSet<object>();

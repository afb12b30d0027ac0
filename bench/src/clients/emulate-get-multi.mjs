/**
 * For clients without a multi-get: the keys are fetched with parallel single gets, which is what a
 * user of such a client would write. The table marks these rows, since one request per key is a
 * different (and slower) thing on the wire than one `get k1 k2 …`.
 */
export function emulateGetMulti(get) {
  return async (keys) => {
    const values = await Promise.all(keys.map(get));
    const found = new Map();
    for (let index = 0; index < keys.length; index++) {
      if (values[index] !== undefined) found.set(keys[index], values[index]);
    }
    return found;
  };
}

import { RetrievalReader, type RetrievedValue } from '../readers/retrieval-reader.js';
import type { Chunk, EncodedRequest, Key } from '../types.js';
import { CRLF } from './keyed-line.js';

/**
 * `get`/`gets` of keys that were each checked by validateKey already (and byte keys copied
 * then), as a transport's merged line of one-key reads is: the same request as
 * `commands.get.request(keys)`, without checking or copying every key a second time. A key
 * that was not checked could split the line, so only such keys may come here.
 *
 *   "<verb> <key> <key> ...\r\n"   (byte keys as their own chunks in between)
 */
export function checkedGetRequest(
  command: 'get' | 'gets',
  keys: readonly Key[],
): EncodedRequest<RetrievedValue[]> {
  return { chunks: checkedGetLine(command, keys), reader: new RetrievalReader(command, keys), command };
}

/**
 * checkedGetRequest's line alone, for a transport that reads the reply with a reader of its
 * own (a RetrievedFramesReader settling each merged read as its hit arrives).
 */
export function checkedGetLine(command: 'get' | 'gets', keys: readonly Key[]): Chunk[] {
  let text: string = command;
  let chunks: Chunk[] | undefined;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    if (typeof key === 'string') text += ' ' + key;
    else {
      chunks ??= [];
      chunks.push(text + ' ', key);
      text = '';
    }
  }
  const line = text + CRLF;
  if (chunks === undefined) return [line];
  chunks.push(line);
  return chunks;
}

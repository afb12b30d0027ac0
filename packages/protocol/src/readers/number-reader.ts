import type { Frame } from '../types.js';
import { NO_FIT, SingleFrameReader } from './single-frame-reader.js';

/** Reads the incr/decr reply: the new value, or `undefined` for `NOT_FOUND`. */
export class NumberReader extends SingleFrameReader<bigint | undefined> {
  protected decode(frame: Frame): bigint | undefined | typeof NO_FIT {
    if (frame.kind === 'number') return frame.value;
    if (frame.kind === 'status' && frame.status === 'NOT_FOUND') return undefined;
    return NO_FIT;
  }
}

import type { Frame } from '../types.js';
import { NO_FIT, SingleFrameReader } from './single-frame-reader.js';

/** Reads `VERSION <version>`. */
export class VersionReader extends SingleFrameReader<string> {
  protected decode(frame: Frame): string | typeof NO_FIT {
    return frame.kind === 'version' ? frame.version : NO_FIT;
  }
}

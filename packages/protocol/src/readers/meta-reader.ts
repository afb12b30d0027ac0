import type { Frame, MetaCode } from '../types.js';
import { NO_FIT, SingleFrameReader } from './single-frame-reader.js';

/** A decoded meta reply. */
export interface MetaReply {
  /** The return code: `HD` success, `VA` with a value, `EN` miss, `NS`, `EX`, `NF`, `MN`, `ME`. */
  code: MetaCode;
  /**
   * Returned flags: letter → token ('' for bare flags like `W`, `X`, `Z`), in the order the
   * server sent them. For `ME`, the debug pairs (`exp`, `la`, `cas`, `fetch`, `cls`, `size`).
   */
  flags: Map<string, string>;
  /** The data block of a `VA` reply. */
  value: Uint8Array | undefined;
  /** Only for `ME`: the key as the server printed it. */
  key?: Uint8Array;
}

/** Reads the single meta reply of a request sent without `q`. */
export class MetaReader extends SingleFrameReader<MetaReply> {
  readonly #codes: ReadonlySet<MetaCode>;

  constructor(command: string, codes: ReadonlySet<MetaCode>) {
    super(command);
    this.#codes = codes;
  }

  protected decode(frame: Frame): MetaReply | typeof NO_FIT {
    if (frame.kind !== 'meta' || !this.#codes.has(frame.code)) return NO_FIT;
    const reply: MetaReply = { code: frame.code, flags: frame.flags, value: frame.data };
    if (frame.key !== undefined) reply.key = frame.key;
    return reply;
  }
}

/**
 * Reads the reply of a quiet meta request (flag `q`), which the server leaves out when it
 * would be the nominal one (`EN` for mg, `HD` for ms, md, ma). It is never given frames on
 * its own: the transport sends quiet requests in a run closed by `mn` and QuietRunReader
 * decides, by opaque, which frame is whose; `result()` without a frame is the nominal reply.
 *
 *   sent:      mg a q Oa   mg b q Ob   mn
 *   received:  VA 1 Oa ... ─────────── MN
 *              └ a's reply  (b: EN hidden, MN passes b over → b settles as EN)
 */
export class QuietMetaReader extends MetaReader {
  /** Marks the reader of a quiet request (see ReplyReader.quiet). */
  readonly quiet = true;
  /** The opaque this request's replies echo (`request()` adds one when the caller gave none). */
  readonly opaque: string | undefined;
  readonly #nominal: MetaCode;
  #pushed = false;

  constructor(command: string, codes: ReadonlySet<MetaCode>, nominal: MetaCode, opaque: string | undefined) {
    super(command, codes);
    this.#nominal = nominal;
    this.opaque = opaque;
  }

  override push(frame: Frame): boolean {
    this.#pushed = true;
    return super.push(frame);
  }

  override result(): MetaReply {
    if (!this.#pushed) return { code: this.#nominal, flags: new Map(), value: undefined };
    return super.result();
  }
}

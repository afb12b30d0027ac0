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
 * would be the nominal one (`EN` for mg, `HD` for ms, md, ma). The transport asks
 * `accepts(frame)` before pushing; a frame that is not this request's means its reply was
 * suppressed, and `result()` then answers the nominal code.
 *
 *   sent:      mg a q Oa   mg b q Ob   mn
 *   received:  VA 1 Oa ... ─────────── MN
 *              └ a's reply  (b: EN hidden, MN is not b's → b settles as EN)
 *
 * A frame is this request's when its code fits the command, is not the suppressed nominal
 * code, and it carries this request's opaque: memcached echoes `O` on every meta reply, and
 * `request()` adds an opaque when the caller gave none. A reply without an opaque belongs
 * to a later request that sent none (`mg b v` after `mg a q v` whose miss was hidden), so
 * it is not taken. (A reader built without an opaque takes any fitting frame.)
 */
export class QuietMetaReader extends MetaReader {
  readonly #codes: ReadonlySet<MetaCode>;
  readonly #nominal: MetaCode;
  readonly #opaque: string | undefined;
  #pushed = false;

  constructor(command: string, codes: ReadonlySet<MetaCode>, nominal: MetaCode, opaque: string | undefined) {
    super(command, codes);
    this.#codes = codes;
    this.#nominal = nominal;
    this.#opaque = opaque;
  }

  accepts(frame: Frame): boolean {
    if (frame.kind === 'error') return true;
    if (frame.kind !== 'meta' || frame.code === this.#nominal || !this.#codes.has(frame.code)) return false;
    return this.#opaque === undefined || frame.flags.get('O') === this.#opaque;
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

import { type MemcacheError, MemcacheProtocolError } from '../errors.js';
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

/**
 * Reads the single meta reply of a request sent without `q`. Given the request's opaque, it
 * takes only a reply that echoes it: memcached echoes `O` on every meta reply, so any other
 * (a reply sent twice, a stray `EN`) belongs to another request, and a misfit is a
 * MemcacheProtocolError, which makes the transport drop the out-of-step connection instead
 * of handing the next caller a reply that is not its own.
 */
export class MetaReader extends SingleFrameReader<MetaReply> {
  readonly #codes: ReadonlySet<MetaCode>;
  /** The opaque this request's reply must echo (`request()` may have generated it). */
  readonly opaque: string | undefined;

  constructor(command: string, codes: ReadonlySet<MetaCode>, opaque?: string) {
    super(command);
    this.#codes = codes;
    this.opaque = opaque;
  }

  protected decode(frame: Frame): MetaReply | typeof NO_FIT {
    if (frame.kind !== 'meta' || !this.#codes.has(frame.code)) return NO_FIT;
    if (this.opaque !== undefined && frame.flags.get('O') !== this.opaque) return NO_FIT;
    const reply: MetaReply = { code: frame.code, flags: frame.flags, value: frame.data };
    if (frame.key !== undefined) reply.key = frame.key;
    return reply;
  }

  protected override misfit(frame: Frame): MemcacheError {
    if (frame.kind !== 'meta' || !this.#codes.has(frame.code)) return super.misfit(frame);
    const echoed = frame.flags.get('O');
    return new MemcacheProtocolError(
      `memcached answered ${this.command} with ${frame.code} for the opaque ${JSON.stringify(echoed ?? '(none)')}, not ${JSON.stringify(this.opaque)}: a reply of another request; the stream is out of step`,
      { response: `${frame.code} O${echoed ?? ''}` },
    );
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
  readonly #nominal: MetaCode;
  #pushed = false;

  constructor(command: string, codes: ReadonlySet<MetaCode>, nominal: MetaCode, opaque: string | undefined) {
    super(command, codes, opaque);
    this.#nominal = nominal;
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

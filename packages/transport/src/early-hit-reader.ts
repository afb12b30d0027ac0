import type { Frame, ReplyReader, RetrievalReader, RetrievedValue } from '@mc/protocol';
import type { PendingRequest } from './pending-request.js';

/**
 * Reads a merged get line (`get k1 k2 …` carrying many one-key gets) and settles each caller
 * as soon as its hit is read, instead of holding every value until `END`: with large values a
 * caller then waits for its own value only, and each value can be collected as soon as its
 * caller is done with it (a line of eight 1 MB values otherwise keeps all eight alive until
 * the last arrives, long enough for the garbage collector to move them to the old generation
 * and pay full collections for them). The hit has already been checked against the keys
 * asked for; callers whose keys miss still settle at `END` (memcached says nothing about a
 * miss before then), and an error line still fails only those not settled yet.
 *
 * `slots[index]` is where `members[index]`'s key stands in the line (a key asked twice is
 * sent once, so two members may share a slot); without `slots`, member i asked key i.
 */
export function earlyHitReader(
  reader: RetrievalReader,
  members: readonly PendingRequest[],
  slots: readonly number[] | undefined,
  settle: (member: PendingRequest, hit: RetrievedValue) => void,
): ReplyReader<RetrievedValue[]> {
  if (slots === undefined) {
    return {
      push(frame: Frame): boolean {
        const done = reader.push(frame);
        const hit = frame.kind === 'value' ? reader.lastHit : undefined;
        if (hit !== undefined) {
          const member = members[hit.index]!;
          if (!member.settled) settle(member, hit);
        }
        return done;
      },
      result: () => reader.result(),
    };
  }
  // Members by slot: the first at firstBySlot[slot] - 1, the others chained through nextInSlot.
  let slotCount = 0;
  for (const slot of slots) if (slot >= slotCount) slotCount = slot + 1;
  const firstBySlot = new Int32Array(slotCount);
  const nextInSlot = new Int32Array(members.length);
  for (let index = members.length - 1; index >= 0; index--) {
    const slot = slots[index]!;
    nextInSlot[index] = firstBySlot[slot]!;
    firstBySlot[slot] = index + 1;
  }
  return {
    push(frame: Frame): boolean {
      const done = reader.push(frame);
      const hit = frame.kind === 'value' ? reader.lastHit : undefined;
      if (hit !== undefined) {
        for (let next = firstBySlot[hit.index]!; next !== 0; next = nextInSlot[next - 1]!) {
          const member = members[next - 1]!;
          if (!member.settled) settle(member, hit);
        }
      }
      return done;
    },
    result: () => reader.result(),
  };
}

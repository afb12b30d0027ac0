import { type Key, type ReplyReader, RetrievedFramesReader, type ValueFrameLike } from '@mc/protocol';
import type { PendingRequest } from './pending-request.js';

/**
 * Reads a merged get line (`get k1 k2 …` carrying many one-key gets) and settles each
 * caller as soon as its hit is read, with the parser's frame, instead of
 * holding every value until `END`: with large values a caller then waits for its own value
 * only, and each value can be collected as soon as its caller is done with it (a line of
 * eight 1 MB values otherwise keeps all eight alive until the last arrives, long enough for
 * the garbage collector to move them to the old generation and pay full collections for
 * them). The frame is handed over as the parser cut it, so a caller that decodes it builds
 * no hit object and no views it does not read (a text value becomes its string straight from
 * the received bytes). The hit has already been checked against the keys asked for; callers
 * whose keys miss still settle at `END` (memcached says nothing about a miss before then),
 * and an error line still fails only those not settled yet.
 *
 * `slots[index]` is where `members[index]`'s key stands in the line (a key asked twice is
 * sent once, so two members may share a slot); without `slots`, member i asked key i.
 */
export function earlyHitReader(
  command: 'get' | 'gets',
  keys: readonly Key[],
  members: readonly PendingRequest[],
  slots: readonly number[] | undefined,
  settle: (member: PendingRequest, hit: ValueFrameLike) => void,
): ReplyReader<unknown> {
  if (slots === undefined) {
    return new RetrievedFramesReader(command, keys, (frame, index) => {
      const member = members[index]!;
      if (!member.settled) settle(member, frame);
    });
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
  return new RetrievedFramesReader(command, keys, (frame, slot) => {
    for (let next = firstBySlot[slot]!; next !== 0; next = nextInSlot[next - 1]!) {
      const member = members[next - 1]!;
      if (!member.settled) settle(member, frame);
    }
  });
}

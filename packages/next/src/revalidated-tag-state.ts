import type { TagState } from './tag-state.js';

/** The state of a tag after `revalidateTag(tag, durations)` at `now` (milliseconds). */
export function revalidatedTagState(
  previous: TagState | undefined,
  now: number,
  durations: { expire?: number } | undefined,
): TagState {
  // Without durations (`updateTag`, the one-argument `revalidateTag`) the tag expires at once;
  // with a profile (`revalidateTag(tag, 'max')`) it goes stale now and expires after the
  // profile's `expire` seconds, as Next's own file-system cache does.
  if (durations === undefined) return { ...previous, expired: now };
  const state: TagState = { ...previous, stale: now };
  if (typeof durations.expire === 'number') state.expired = now + durations.expire * 1000;
  return state;
}

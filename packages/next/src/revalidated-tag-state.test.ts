import { describe, expect, it } from 'vitest';
import { revalidatedTagState } from './revalidated-tag-state.js';

describe('revalidatedTagState', () => {
  it('without durations expires the tag now and keeps its stale mark', () => {
    expect(revalidatedTagState(undefined, 100, undefined)).toStrictEqual({ expired: 100 });
    expect(revalidatedTagState({ stale: 50 }, 100, undefined)).toStrictEqual({ stale: 50, expired: 100 });
  });

  it("with a profile marks it stale now and expires it after the profile's seconds", () => {
    expect(revalidatedTagState(undefined, 100, { expire: 0 })).toStrictEqual({ stale: 100, expired: 100 });
    expect(revalidatedTagState(undefined, 100, { expire: 60 })).toStrictEqual({
      stale: 100,
      expired: 60_100,
    });
  });

  it('with a profile without expire only marks it stale, keeping an earlier expiry', () => {
    expect(revalidatedTagState({ expired: 10 }, 100, {})).toStrictEqual({ stale: 100, expired: 10 });
  });
});

import { describe, expect, it } from 'vitest';
import { tagVerdict } from './tag-verdict.js';

const written = 1_000;
const now = 5_000;

describe('tagVerdict', () => {
  it('is fresh without states, and for marks older than the entry', () => {
    expect(tagVerdict([], written, now)).toBe('fresh');
    expect(tagVerdict([{ stale: 900, expired: 900 }], written, now)).toBe('fresh');
  });

  it('is expired when a tag expired after the entry was written and the moment has come', () => {
    expect(tagVerdict([{ expired: 2_000 }], written, now)).toBe('expired');
    expect(tagVerdict([{ expired: now }], written, now)).toBe('expired');
  });

  it('is not yet expired while the expiry lies ahead; stale if the tag was marked stale', () => {
    expect(tagVerdict([{ expired: now + 1 }], written, now)).toBe('fresh');
    expect(tagVerdict([{ stale: 2_000, expired: now + 1 }], written, now)).toBe('stale');
  });

  it('lets an expired tag win over a stale one, whatever the order', () => {
    expect(tagVerdict([{ stale: 2_000 }, { expired: 3_000 }], written, now)).toBe('expired');
    expect(tagVerdict([{ expired: 3_000 }, { stale: 2_000 }], written, now)).toBe('expired');
  });
});

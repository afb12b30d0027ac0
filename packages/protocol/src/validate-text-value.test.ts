import { describe, expect, it } from 'vitest';
import { MemcacheIllegalInputError } from './errors.js';
import { validateTextValue } from './validate-text-value.js';

describe('validateTextValue', () => {
  it('answers the length of the UTF-8 that is sent', () => {
    expect(validateTextValue('', 'set')).toBe(0);
    expect(validateTextValue('abc', 'set')).toBe(3);
    expect(validateTextValue('héllo', 'set')).toBe(6);
    expect(validateTextValue('\ud83d\ude00', 'set')).toBe(4);
  });

  it('refuses what is not text, a lone surrogate, and more bytes than allowed', () => {
    expect(() => validateTextValue(7 as unknown as string, 'set')).toThrow(MemcacheIllegalInputError);
    expect(() => validateTextValue('x\udbff', 'set')).toThrow(/set value holds a lone surrogate/);
    expect(validateTextValue('éé', 'set', 4)).toBe(4);
    expect(() => validateTextValue('ééé', 'set', 5)).toThrow(/6 bytes is above the limit of 5 bytes/);
  });
});

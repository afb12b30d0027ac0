import { describe, expect, it } from 'vitest';
import { describeError } from './describe-error.mjs';
import { withDeadline } from './with-deadline.mjs';

describe('withDeadline', () => {
  it('passes an answer through', async () => {
    await expect(withDeadline(Promise.resolve(7), 1000, 'x')).resolves.toBe(7);
  });

  it('rejects when nothing comes in time', async () => {
    await expect(withDeadline(new Promise(() => {}), 20, 'open memjs')).rejects.toThrow(
      'open memjs: no answer within 20 ms',
    );
  });
});

describe('describeError', () => {
  it('says something for errors without a message and for non-errors', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError(Object.assign(new Error(''), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(describeError({ reason: 'odd' })).toBe('{"reason":"odd"}');
    expect(describeError('plain')).toBe('plain');
  });
});

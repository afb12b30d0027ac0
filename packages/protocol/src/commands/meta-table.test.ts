import { describe, expect, expectTypeOf, it } from 'vitest';
import { MemcacheIllegalInputError, MemcacheProtocolError } from '../errors.js';
import { metaStatus } from '../meta-status.js';
import { readMetaFields } from '../read-meta-fields.js';
import type { MetaReply } from '../readers/meta-reader.js';
import type { Key } from '../types.js';
import { encodeMetaOptions } from './encode-meta-options.js';
import {
  type MetaArithmeticFlags,
  type MetaGetFlags,
  type MetaSetFlags,
  metaArithmeticTable,
  metaDeleteTable,
  metaGetTable,
  metaSetTable,
} from './meta-flags.js';
import type { MetaFieldsOf, MetaStatusOf } from './meta-table.js';

const reply = (code: MetaReply['code'], flags: Record<string, string>): MetaReply => ({
  code,
  flags: new Map(Object.entries(flags)),
  value: undefined,
});

describe('one table per meta command', () => {
  it('derives the option types from the table', () => {
    expectTypeOf<MetaGetFlags['cas']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<MetaGetFlags['touch']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<MetaGetFlags['opaque']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<MetaSetFlags['cas']>().toEqualTypeOf<bigint | number | undefined>();
    expectTypeOf<MetaSetFlags['mode']>().toEqualTypeOf<
      'set' | 'add' | 'replace' | 'append' | 'prepend' | undefined
    >();
    expectTypeOf<MetaArithmeticFlags['mode']>().toEqualTypeOf<'incr' | 'decr' | undefined>();
  });

  it('derives the result fields and statuses from the table', () => {
    expectTypeOf<MetaFieldsOf<typeof metaGetTable>>().toEqualTypeOf<{
      cas: bigint;
      flags: number;
      hit: boolean;
      key: Key;
      lastAccess: number;
      opaque: string;
      size: number;
      ttl: number;
    }>();
    expectTypeOf<MetaFieldsOf<typeof metaSetTable>>().toEqualTypeOf<{
      cas: bigint;
      key: Key;
      opaque: string;
    }>();
    expectTypeOf<MetaStatusOf<typeof metaSetTable>>().toEqualTypeOf<
      'stored' | 'not_stored' | 'exists' | 'not_found'
    >();
    expectTypeOf<MetaStatusOf<typeof metaDeleteTable>>().toEqualTypeOf<'deleted' | 'not_found' | 'exists'>();
  });

  it('writes the flags in table order and checks each option by its kind', () => {
    expect(encodeMetaOptions(metaGetTable, { touch: 30, value: true, cas: true, opaque: 'x' })).toBe(
      ' T30 c Ox v',
    );
    expect(encodeMetaOptions(metaSetTable, { mode: 'add', flags: 16, cas: 7n, returnCas: false })).toBe(
      ' C7 F16 ME',
    );
    const bad: Array<[string, () => string]> = [
      [
        'a string for a flag',
        () => encodeMetaOptions(metaSetTable, { quiet: 'false' as unknown as boolean }),
      ],
      ['a string ttl', () => encodeMetaOptions(metaSetTable, { ttl: '30' as unknown as number })],
      ['flags over 32 bits', () => encodeMetaOptions(metaSetTable, { flags: 2 ** 32 })],
      ['a negative cas', () => encodeMetaOptions(metaSetTable, { cas: -1 })],
      ['an unknown mode', () => encodeMetaOptions(metaArithmeticTable, { mode: 'mul' as 'incr' })],
      ['an opaque with a space', () => encodeMetaOptions(metaGetTable, { opaque: 'a b' })],
      [
        'options that are not an object',
        () => encodeMetaOptions(metaGetTable, null as unknown as MetaGetFlags),
      ],
    ];
    for (const [, encode] of bad) expect(encode).toThrow(MemcacheIllegalInputError);
  });

  it('reads the asked fields by their kinds, and only those', () => {
    const fields = readMetaFields(
      metaGetTable,
      reply('VA', {
        c: '18446744073709551615',
        f: '4294967295',
        h: '1',
        l: '12',
        t: '-1',
        s: '3',
        O: 'o',
        k: 'a',
      }),
      { cas: true, flags: true, hit: true, lastAccess: true, ttl: true, key: true, opaque: 'o' },
      'a',
    );
    expect(fields).toEqual({
      cas: 18446744073709551615n,
      flags: 4294967295,
      hit: true,
      lastAccess: 12,
      ttl: -1,
      key: 'a',
      opaque: 'o',
    });
    expect(readMetaFields(metaSetTable, reply('HD', { c: '9' }), { returnCas: true }, 'k')).toEqual({
      cas: 9n,
    });
    expect(readMetaFields(metaArithmeticTable, reply('HD', { t: '5' }), { returnTtl: true }, 'k')).toEqual({
      ttl: 5,
    });
  });

  it('refuses malformed returned flags with MemcacheProtocolError', () => {
    const cases: Array<[Record<string, string>, MetaGetFlags]> = [
      [{ c: '12x' }, { cas: true }],
      [{ f: '4294967296' }, { flags: true }],
      [{ h: '2' }, { hit: true }],
      [{ t: 'soon' }, { ttl: true }],
      [{ s: '1'.repeat(30) }, { size: true }],
    ];
    for (const [flags, options] of cases) {
      expect(() => readMetaFields(metaGetTable, reply('HD', flags), options, 'k')).toThrow(
        MemcacheProtocolError,
      );
    }
  });

  it('checks the returned key against the key sent', () => {
    expect(() => readMetaFields(metaGetTable, reply('HD', { k: 'other' }), { key: true }, 'mine')).toThrow(
      MemcacheProtocolError,
    );
    expect(() => readMetaFields(metaGetTable, reply('HD', { t: '1' }), { key: true }, 'mine')).toThrow(
      /out of step/,
    );
    const bytes = new Uint8Array([0x61, 0x62]);
    expect(readMetaFields(metaGetTable, reply('HD', { k: 'ab' }), { key: true }, bytes).key).toBe(bytes);
    expect(
      readMetaFields(metaGetTable, reply('HD', { k: 'bWluZQ==' }), { key: true, base64: true }, 'mine'),
    ).toEqual({
      key: 'mine',
    });
  });

  it('maps return codes to statuses through the table', () => {
    expect(metaStatus(metaSetTable, reply('NS', {}), 'ms')).toBe('not_stored');
    expect(metaStatus(metaArithmeticTable, reply('VA', {}), 'ma')).toBe('ok');
    expect(() => metaStatus(metaDeleteTable, reply('NS', {}), 'md')).toThrow(MemcacheProtocolError);
  });
});

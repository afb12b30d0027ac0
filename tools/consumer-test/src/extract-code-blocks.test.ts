import { describe, expect, it } from 'vitest';
import { extractCodeBlocks } from './extract-code-blocks.js';

describe('extractCodeBlocks', () => {
  const text = [
    '# Title', //                        1
    '```ts', //                          2
    "const a = 'one';", //               3
    '```', //                            4
    '<!-- not-run: a signature -->', //  5
    '', //                               6
    '```ts', //                          7
    'declare const b: number;', //       8
    '```', //                            9
    '```sh', //                          10
    'echo ```ts', //                     11
    '```', //                            12
    'Text.', //                          13
    '```ts', //                          14
    '```', //                            15
  ].join('\n');

  it('finds the blocks of the language with their line and the reason a block is not run', () => {
    expect(extractCodeBlocks('doc.md', text)).toEqual([
      { document: 'doc.md', line: 2, code: "const a = 'one';", notRun: undefined },
      { document: 'doc.md', line: 7, code: 'declare const b: number;', notRun: 'a signature' },
      { document: 'doc.md', line: 14, code: '', notRun: undefined },
    ]);
  });

  it('takes other languages when asked', () => {
    expect(extractCodeBlocks('doc.md', text, 'sh').map((block) => block.code)).toEqual(['echo ```ts']);
  });
});

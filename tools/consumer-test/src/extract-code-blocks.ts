export interface CodeBlock {
  /** The document, relative to the repository root. */
  document: string;
  /** The 1-based line of the opening fence. */
  line: number;
  code: string;
  /** Why the block is not run, from a `<!-- not-run: reason -->` comment right above it. */
  notRun: string | undefined;
}

const FENCE = /^```(\w*)\s*$/;
const NOT_RUN = /^<!--\s*not-run:\s*(.+?)\s*-->$/;

/**
 * The fenced code blocks of one language in a markdown document, so the documentation's
 * examples can be compiled and run instead of trusted.
 */
export function extractCodeBlocks(document: string, text: string, language = 'ts'): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  let previous = '';
  for (let index = 0; index < lines.length; index++) {
    const opening = FENCE.exec(lines[index]!);
    if (opening === null) {
      if (lines[index]!.trim() !== '') previous = lines[index]!.trim();
      continue;
    }
    const start = index;
    const body: string[] = [];
    while (++index < lines.length && !/^```\s*$/.test(lines[index]!)) body.push(lines[index]!);
    if (opening[1] === language) {
      blocks.push({ document, line: start + 1, code: body.join('\n'), notRun: NOT_RUN.exec(previous)?.[1] });
    }
    previous = '';
  }
  return blocks;
}

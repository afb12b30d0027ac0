/** C0 controls but tab and newline, DEL, and the C1 controls (U+0080–U+009F). */
function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f);
}

/**
 * Text from a server (stat names and values, its version, its error lines) as the terminal may
 * show it: control characters as `\xNN`, so a hostile or broken server cannot send escape
 * sequences that retitle the window, clear the screen or recolour what follows.
 */
export function printable(text: string): string {
  let shown = '';
  let from = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (!isControl(code)) continue;
    shown += text.slice(from, index) + `\\x${code.toString(16).padStart(2, '0')}`;
    from = index + 1;
  }
  return from === 0 ? text : shown + text.slice(from);
}

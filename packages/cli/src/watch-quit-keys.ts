/** The part of a TTY input stream that raw key reading needs. */
interface KeyInput {
  isTTY?: boolean;
  setRawMode(raw: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

function isKeyInput(input: unknown): input is KeyInput {
  const candidate = input as Partial<KeyInput> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.isTTY === true &&
    typeof candidate.setRawMode === 'function' &&
    typeof candidate.on === 'function'
  );
}

/**
 * Calls `onQuit` on `q` or Ctrl-C from a terminal (in raw mode Ctrl-C arrives as a byte, not
 * as SIGINT), and on SIGINT and SIGTERM otherwise. Returns the undo, which gives the terminal
 * back in the mode it was in so the shell is not left raw.
 */
export function watchQuitKeys(input: unknown, onQuit: () => void): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const signal of signals) process.on(signal, onQuit);
  const keys = isKeyInput(input) ? input : undefined;
  const onData = (chunk: Buffer | string) => {
    const text = chunk.toString();
    if (text.includes('q') || text.includes('Q') || text.includes('\x03')) onQuit();
  };
  if (keys !== undefined) {
    keys.setRawMode(true);
    keys.on('data', onData);
    keys.resume();
  }
  return () => {
    for (const signal of signals) process.off(signal, onQuit);
    if (keys !== undefined) {
      keys.off('data', onData);
      keys.setRawMode(false);
      keys.pause();
    }
  };
}

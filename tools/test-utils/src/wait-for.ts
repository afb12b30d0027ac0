/**
 * Polls `check` every `interval` ms until it returns true or `timeout` ms pass; resolves whether
 * it did. For end-to-end checks of what settles in the background (a regenerated page).
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  { timeout = 20_000, interval = 200 }: { timeout?: number; interval?: number } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

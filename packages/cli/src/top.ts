import { Client, type ClientOptions } from '@mc/client';
import { renderTopView } from './render-top-view.js';
import { type StatsSample, serverRow } from './server-row.js';

export interface TopOptions {
  servers: string[];
  /** Milliseconds between frames, and so the longest a frame waits for a server's answer. */
  interval: number;
  /** Frames to draw before returning; undefined: until `signal` aborts. */
  refreshes?: number | undefined;
  /** Options for each server's client (timeouts, TLS, …). */
  client?: ClientOptions | undefined;
  /** Redraw in place (alternate screen, cursor hidden) rather than print frame after frame. */
  screen: boolean;
  signal: AbortSignal;
}

const ENTER_SCREEN = '\x1b[?1049h\x1b[?25l';
const LEAVE_SCREEN = '\x1b[?25h\x1b[?1049l';
const CLEAR = '\x1b[H\x1b[2J';
/** What a frame gets for a server whose answer had not come when the next frame was due. */
const late: unique symbol = Symbol('late');

/** Resolves at `time` (a performance.now() reading), or at once when `signal` aborts. */
function until(time: number, signal: AbortSignal): { done: Promise<void>; cancel(): void } {
  let cancel = () => {};
  const done = new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, Math.max(0, time - performance.now()));
    signal.addEventListener('abort', finish, { once: true });
    cancel = finish;
  });
  return { done, cancel };
}

/**
 * `memcli top`: asks every server for `stats` each interval and draws what changed. Frames are
 * due every interval counted from the first one, and each waits for the servers' answers only
 * until the next is due: a server that is down or frozen shows as unreachable on its line while
 * the others keep updating, and cannot stretch the interval for everyone.
 */
export async function top(options: TopOptions, output: { write(chunk: string): unknown }): Promise<void> {
  const servers = [...new Set(options.servers)];
  const connect = (server: string) => new Client(server, options.client);
  const clients = servers.map(connect);
  const previous = new Map<string, StatsSample>();
  if (options.screen) output.write(ENTER_SCREEN);
  try {
    let due = performance.now();
    for (let frame = 1; !options.signal.aborted; frame++) {
      const deadline = until(due + options.interval, options.signal);
      const samples = await Promise.all(
        clients.map((client) =>
          Promise.race([
            client.stats().then(
              (stats): StatsSample => ({ at: Date.now(), stats }),
              (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
            ),
            deadline.done.then((): typeof late => late),
          ]),
        ),
      );
      deadline.cancel();
      if (options.signal.aborted) break;
      const rows = servers.map((server, index) => {
        let sample = samples[index]!;
        if (sample === late) {
          sample = new Error(`no reply from ${server} within ${options.interval} ms`);
          // Its connection still waits on the unanswered request: start the next frame afresh.
          const stuck = clients[index]!;
          stuck.close({ force: true }).catch(() => {});
          clients[index] = connect(server);
        }
        const row = serverRow(server, sample, previous.get(server));
        if (sample instanceof Error) previous.delete(server);
        else previous.set(server, sample);
        return row;
      });
      const clock = new Date().toTimeString().slice(0, 8);
      const heading =
        `memcli top: ${servers.length} server${servers.length === 1 ? '' : 's'}, ` +
        `every ${options.interval / 1000} s, ${clock}${options.screen ? ' (q quits)' : ''}`;
      const view = renderTopView(rows, heading);
      output.write(options.screen ? CLEAR + view : `${view}\n`);
      if (options.refreshes !== undefined && frame >= options.refreshes) break;
      // The next frame is due an interval after this one was; after a stall of more than an
      // interval (a suspended process), start again from now rather than rush through the backlog.
      due += options.interval;
      const now = performance.now();
      if (due + options.interval <= now) due = now;
      await until(due, options.signal).done;
    }
  } finally {
    if (options.screen) output.write(LEAVE_SCREEN);
    // Nothing waits on a reply any more, so a frozen server's request need not be waited out.
    await Promise.all(clients.map((client) => client.close({ force: true }).catch(() => {})));
  }
}

import { Client, type ClientOptions } from '@mc/client';
import { renderTopView } from './render-top-view.js';
import { type StatsSample, serverRow } from './server-row.js';

export interface TopOptions {
  servers: string[];
  /** Milliseconds between frames. */
  interval: number;
  /** Frames to draw before returning; undefined: until `signal` aborts. */
  refreshes?: number | undefined;
  /** Options for each server's client (timeouts, TLS, …). */
  client?: ClientOptions;
  /** Redraw in place (alternate screen, cursor hidden) rather than print frame after frame. */
  screen: boolean;
  signal: AbortSignal;
}

const ENTER_SCREEN = '\x1b[?1049h\x1b[?25l';
const LEAVE_SCREEN = '\x1b[?25h\x1b[?1049l';
const CLEAR = '\x1b[H\x1b[2J';

function pause(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, milliseconds);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * `memcli top`: asks every server for `stats` each interval and draws what changed. Each
 * server has a client of its own, so one that is down or slow shows as unreachable on its
 * line while the others keep updating.
 */
export async function top(options: TopOptions, output: { write(chunk: string): unknown }): Promise<void> {
  const servers = [...new Set(options.servers)];
  const clients = servers.map((server) => new Client(server, options.client));
  const previous = new Map<string, StatsSample>();
  if (options.screen) output.write(ENTER_SCREEN);
  try {
    for (let frame = 1; !options.signal.aborted; frame++) {
      const samples = await Promise.all(
        clients.map((client) =>
          client.stats().then(
            (stats): StatsSample => ({ at: Date.now(), stats }),
            (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
          ),
        ),
      );
      const rows = servers.map((server, index) => {
        const sample = samples[index]!;
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
      await pause(options.interval, options.signal);
    }
  } finally {
    if (options.screen) output.write(LEAVE_SCREEN);
    await Promise.all(clients.map((client) => client.close().catch(() => {})));
  }
}

/**
 * Helpers for specs that start their own servers (support/cluster.ts, support/own-app.ts): a
 * free loopback port, waiting for a server to answer, and the end of its log for failure
 * messages.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** A free TCP port on 127.0.0.1, none of `taken`. */
export async function freePort(taken: number[] = []): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const found = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(found));
      });
    });
    if (!taken.includes(port)) return port;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `url` until it answers below 500, or throws after `timeoutMs` with `why()`. */
export async function waitUntilUp(url: string, timeoutMs: number, why: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { redirect: 'manual' });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() >= deadline) throw new Error(`${url} did not come up within ${timeoutMs} ms: ${why()}`);
    await sleep(100);
  }
}

/** The last `lines` lines of a log file, for failure messages. */
export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * A Sluice with accounts of a spec's own: `target/release/sluice` (the binary the config's
 * servers run) in `local` mode on a free port with a fresh SQLite data dir and its own set-up
 * token, pointed at the shared fake upstream. For specs that need an administrator without
 * touching the config's accounts app, whose first sign-up accounts.spec.ts must make itself
 * (a11y.spec.ts runs before it). Started in `beforeAll`, stopped in `afterAll`
 * (`usePrivateAccountsApp`); its log stays in the folder printed on a failed start.
 */
import { test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { E2E_API_KEY } from './constants';
import { fakeUrl } from './env';

const repoRoot = path.resolve(__dirname, '..', '..');
const binary = path.resolve(repoRoot, process.env.SLUICE_E2E_BIN ?? 'target/release/sluice');

/** A running private app. */
export interface PrivateApp {
  /** Its origin, e.g. http://127.0.0.1:41999 */
  url: string;
  /** The set-up token its first sign-up (the administrator) presents. */
  adminToken: string;
}

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `url` until it answers below 500, or throws after `timeoutMs` with `why()`. */
async function waitUntilUp(url: string, timeoutMs: number, why: () => string): Promise<void> {
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

/**
 * Starts the app before the file's first test and stops it after its last; returns a getter
 * (the app exists only once `beforeAll` ran).
 */
export function usePrivateAccountsApp(label: string): () => PrivateApp {
  let app: PrivateApp | null = null;
  let child: ChildProcess | null = null;
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    const port = await freePort();
    const dir = path.join(tmpdir(), 'sluice-e2e', `${label}-${port}-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    const adminToken = `${label}-setup-${port}-${Date.now()}`;
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: 'target/site',
      LEPTOS_OUTPUT_NAME: 'sluice',
      LEPTOS_ENV: 'PROD',
      SLUICE_DATA_DIR: path.join(dir, 'data'),
      SLUICE_AUTH: 'local',
      SLUICE_SIGNUP: 'approval',
      SLUICE_ADMIN_TOKEN: adminToken,
      OPENAI_BASE_URL: `${fakeUrl()}/v1`,
      OPENAI_API_KEY: E2E_API_KEY,
      SLUICE_DETECT_OLLAMA: 'false',
      SLUICE_MESSAGES_PER_MINUTE: '0',
      SLUICE_IP_REQUESTS_PER_MINUTE: '0',
      SLUICE_CONCURRENT_STREAMS: '0',
      SLUICE_PAGE_LOADS_PER_MINUTE: '0',
      SLUICE_SIGN_UP_ATTEMPTS: '0',
      RUST_LOG: process.env.RUST_LOG ?? 'warn',
    };
    // SQLite in `dir`, whatever the run's environment names for other servers.
    delete env.SLUICE_DATABASE_URL;
    delete env.SLUICE_REDIS_URL;
    delete env.SLUICE_CONFIG;
    const log = path.join(dir, 'sluice.log');
    const fd = openSync(log, 'a');
    child = spawn(binary, [], { cwd: repoRoot, env, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const url = `http://127.0.0.1:${port}`;
    await waitUntilUp(`${url}/sign-in`, 60_000, () => {
      let text = '(no log)';
      try {
        text = readFileSync(log, 'utf8').split('\n').slice(-30).join('\n');
      } catch {
        // nothing written yet
      }
      return `the end of ${log}:\n${text}`;
    });
    app = { url, adminToken };
  });
  test.afterAll(async () => {
    const running = child;
    child = null;
    app = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });
  return () => {
    if (!app) throw new Error('the private accounts app is not running (beforeAll failed?)');
    return app;
  };
}

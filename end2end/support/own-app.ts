/**
 * A Sluice of a spec's own: one release server (`target/release/sluice`; single-user `off`
 * mode on loopback unless `env` says otherwise) on a fresh SQLite data dir and a free port,
 * pointed at the fake upstream the config started. For specs whose page must not show what
 * other specs left behind (the screenshot references of visual.spec.ts: the sidebar lists
 * exactly that spec's chats), or that need an administrator of their own (a11y.spec.ts:
 * `usePrivateAccountsApp`, the config's accounts app has its first sign-up made by
 * accounts.spec.ts).
 *
 * `useOwnApp(label)` in a file's top level starts it before the file's first test and stops it
 * after the last; its log stays in the temporary folder failures name.
 */
import { test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { E2E_API_KEY } from './constants';
import { fakeUrl } from './env';
import { freePort, tail, waitUntilUp } from './processes';

const repoRoot = path.resolve(__dirname, '..', '..');
const binary = path.resolve(repoRoot, process.env.SLUICE_E2E_BIN ?? 'target/release/sluice');

/** A running app of one spec file. */
export interface OwnApp {
  /** Its origin, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Its data dir and log. */
  dir: string;
}

/** Starts an app labelled `label` (in its folder's name) with `env` added to its environment. */
async function start(label: string, env: Record<string, string>): Promise<{ app: OwnApp; child: ChildProcess }> {
  const port = await freePort();
  const dir = path.join(tmpdir(), 'sluice-e2e', `own-${label}-${port}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const log = path.join(dir, 'sluice.log');
  const fd = openSync(log, 'a');
  const base = { ...(process.env as Record<string, string>) };
  // SQLite in `dir`, whatever the run's environment names for the other projects' servers.
  delete base.SLUICE_DATABASE_URL;
  delete base.SLUICE_REDIS_URL;
  delete base.SLUICE_CONFIG;
  const child = spawn(binary, [], {
    cwd: repoRoot,
    stdio: ['ignore', fd, fd],
    env: {
      ...base,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: 'target/site',
      LEPTOS_OUTPUT_NAME: 'sluice',
      LEPTOS_ENV: 'PROD',
      SLUICE_DATA_DIR: path.join(dir, 'data'),
      OPENAI_BASE_URL: `${fakeUrl()}/v1`,
      OPENAI_API_KEY: E2E_API_KEY,
      SLUICE_DETECT_OLLAMA: 'false',
      SLUICE_MESSAGES_PER_MINUTE: '0',
      SLUICE_IP_REQUESTS_PER_MINUTE: '0',
      SLUICE_CONCURRENT_STREAMS: '0',
      SLUICE_PAGE_LOADS_PER_MINUTE: '0',
      SLUICE_SIGN_UP_ATTEMPTS: '0',
      SLUICE_DEMO_TTFT_MS: '200',
      SLUICE_TURN_GRACE_SECS: '5',
      RUST_LOG: process.env.RUST_LOG ?? 'warn',
      ...env,
    },
  });
  closeSync(fd);
  const app = { url: `http://127.0.0.1:${port}`, dir };
  await waitUntilUp(`${app.url}/`, 60_000, () => `the end of ${log}:\n${tail(log)}`).catch((error) => {
    child.kill('SIGKILL');
    throw error;
  });
  return { app, child };
}

/**
 * Starts the file's own app in `beforeAll` and stops it in `afterAll`; returns a getter (the
 * app exists only once `beforeAll` ran).
 */
export function useOwnApp(label: string, env: Record<string, string> = {}): () => OwnApp {
  let running: { app: OwnApp; child: ChildProcess } | null = null;
  const kill = () => running?.child.kill('SIGKILL');
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    running = await start(label, env);
    process.once('exit', kill);
  });
  test.afterAll(async () => {
    const child = running?.child;
    running = null;
    process.off('exit', kill);
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  });
  return () => {
    if (!running) throw new Error('the app is not running (useOwnApp starts it in beforeAll)');
    return running.app;
  };
}

/** An app of a spec's own with accounts (`local`, sign-up needs approval). */
export interface PrivateApp extends OwnApp {
  /** The set-up token its first sign-up (the administrator) presents. */
  adminToken: string;
}

/** `useOwnApp` with accounts: its first sign-up presents the returned app's `adminToken`. */
export function usePrivateAccountsApp(label: string): () => PrivateApp {
  const adminToken = `${label}-setup-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const app = useOwnApp(label, { SLUICE_AUTH: 'local', SLUICE_SIGNUP: 'approval', SLUICE_ADMIN_TOKEN: adminToken });
  return () => ({ ...app(), adminToken });
}

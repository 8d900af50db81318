/**
 * Playwright configuration for the Sluice end-to-end suite.
 *
 * Starts three servers from the repository root (`cwd: '..'`):
 *   1. the fake OpenAI-compatible upstream (`sluice-fake-upstream`),
 *   2. the Sluice app itself, pointed at the fake with a known secret key (single-user `off`
 *      mode on loopback: no sign-in), and
 *   3. a second Sluice with accounts (`SLUICE_AUTH=local`, `SLUICE_SIGNUP=approval`) and its
 *      own fresh data dir, for accounts.spec.ts; its first sign-up presents the set-up token
 *      given as `SLUICE_ADMIN_TOKEN` (exported to the specs as SLUICE_E2E_ADMIN_TOKEN).
 *   4. and 5. when `SLUICE_TEST_DATABASE_URL` names a PostgreSQL server (`make test-e2e` runs
 *      Playwright under tools/with-postgres.sh, which starts a throwaway one): the same two
 *      apps again, each on a fresh database created on that server with `psql`, for the
 *      `postgres` project, which runs history.spec.ts and accounts.spec.ts once more (the
 *      `sqlite` project runs every spec). Without it the `postgres` project is left out with
 *      a message, or the run fails under `CI=true`.
 *
 * The `phone` project runs the main flows (flows.spec.ts) and the screenshots (visual.spec.ts)
 * again on a 390×844 touch viewport; the `sqlite` project runs them on the desktop one.
 * `npx playwright test tests/visual.spec.ts --update-snapshots` (`make screenshots`) rewrites
 * the references in end2end/screenshots/ that README shows.
 *
 * The `cluster` project (tests/cluster/, issue 23) starts its own servers from its specs
 * (support/cluster.ts: three replicas on a fresh PostgreSQL database and Redis key prefix,
 * behind nginx, once per spec file) and shares only the fake upstream with the others. It needs
 * `SLUICE_TEST_DATABASE_URL` and `SLUICE_TEST_REDIS_URL` (`make test-e2e` runs Playwright under
 * tools/with-redis.sh and tools/with-postgres.sh) and /usr/sbin/nginx; without them it is left
 * out with a message, or the run fails under `CI=true`. The other projects ignore tests/cluster/.
 *
 * Ports are picked once, in the runner process, and stored in `process.env` so that every
 * worker process (which re-evaluates this file) sees the same values.
 *
 * Environment knobs (all optional):
 *   SLUICE_E2E_APP_PORT / SLUICE_E2E_FAKE_PORT / SLUICE_E2E_AUTH_PORT  fixed ports instead of free ones
 *   SLUICE_E2E_PG_APP_PORT / SLUICE_E2E_PG_AUTH_PORT   the same for the PostgreSQL-backed apps
 *   SLUICE_E2E_BIN        path of the release binary, relative to the repo root (default target/release/sluice)
 *   SLUICE_E2E_FAKE_BIN   path of the fake upstream (default target/release/sluice-fake-upstream)
 *   SLUICE_E2E_CHROMIUM   browser executable (default /usr/bin/chromium)
 *   SLUICE_E2E_WORKERS    worker count (default 1: the suite measures timing on a 2-core machine)
 */
import { defineConfig } from '@playwright/test';
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { missingPrerequisite } from './support/cluster';
import { E2E_API_KEY } from './support/constants';
import { sharedPath } from './support/shared-fixtures';

/** Asks the OS for a free TCP port on 127.0.0.1 (synchronously, so the config stays synchronous). */
function freePort(): string {
  const script =
    "const s=require('net').createServer();" +
    "s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close();});";
  return execSync(`"${process.execPath}" -e "${script}"`, { encoding: 'utf8' }).trim();
}

/**
 * `process.env[name]`, first set (unless it is) to a free port none of `taken` (env var
 * names) holds.
 */
function pickPort(name: string, taken: string[]): string {
  let port = process.env[name];
  if (!port) {
    port = freePort();
    while (taken.some((other) => process.env[other] === port)) port = freePort();
    process.env[name] = port;
  }
  return port;
}

const appPort = pickPort('SLUICE_E2E_APP_PORT', []);
const fakePort = pickPort('SLUICE_E2E_FAKE_PORT', ['SLUICE_E2E_APP_PORT']);
const authPort = pickPort('SLUICE_E2E_AUTH_PORT', ['SLUICE_E2E_APP_PORT', 'SLUICE_E2E_FAKE_PORT']);
const appUrl = `http://127.0.0.1:${appPort}`;
const fakeUrl = `http://127.0.0.1:${fakePort}`;
const authUrl = `http://127.0.0.1:${authPort}`;
/** Read by the specs (support/env.ts): the fake's origin (its /_records lives at the root). */
process.env.SLUICE_E2E_APP_URL = appUrl;
process.env.SLUICE_E2E_FAKE_URL = fakeUrl;
process.env.SLUICE_E2E_AUTH_URL = authUrl;

const repoRoot = path.resolve(__dirname, '..');
const binary = process.env.SLUICE_E2E_BIN ?? 'target/release/sluice';
/** The scripted upstream, its own binary (crates/sluice-fake-upstream), built by `make build`. */
const fakeBinary = process.env.SLUICE_E2E_FAKE_BIN ?? 'target/release/sluice-fake-upstream';
/** The fake's recorded streams (`--fixtures`), absent outside CI: the specs that need them skip. */
const fixturesDir = sharedPath('fixtures/provider-streams');
const fixturesArg = fixturesDir ? ` --fixtures ${path.relative(repoRoot, fixturesDir)}` : '';

/** A fresh database per run, so every run starts with no conversations. */
if (!process.env.SLUICE_E2E_DATA_DIR) {
  process.env.SLUICE_E2E_DATA_DIR = path.join(tmpdir(), 'sluice-e2e', `data-${appPort}-${Date.now()}`);
}
const dataDir = process.env.SLUICE_E2E_DATA_DIR;
/** The accounts server's own fresh database: its first sign-up creates the admin. */
if (!process.env.SLUICE_E2E_AUTH_DATA_DIR) {
  process.env.SLUICE_E2E_AUTH_DATA_DIR = path.join(tmpdir(), 'sluice-e2e', `auth-${authPort}-${Date.now()}`);
}
const authDataDir = process.env.SLUICE_E2E_AUTH_DATA_DIR;
/** The accounts server's set-up token (the first sign-up must present it). */
if (!process.env.SLUICE_E2E_ADMIN_TOKEN) {
  process.env.SLUICE_E2E_ADMIN_TOKEN = `e2e-setup-${authPort}-${Date.now()}`;
}
const adminToken = process.env.SLUICE_E2E_ADMIN_TOKEN;

/**
 * The PostgreSQL server the `postgres` project's apps store into (a database each), or
 * undefined: then that project is left out (with a message), or under `CI=true` the run fails.
 */
const postgresServer = process.env.SLUICE_TEST_DATABASE_URL || undefined;
if (!postgresServer) {
  const why =
    'SLUICE_TEST_DATABASE_URL is not set: run `make test-e2e` (it starts a throwaway PostgreSQL ' +
    'with tools/with-postgres.sh) or set it to a PostgreSQL server the tests may create databases on';
  if (process.env.CI) throw new Error(`the postgres project cannot run: ${why}`);
  if (!process.env.SLUICE_E2E_PG_SKIP_SAID) {
    process.env.SLUICE_E2E_PG_SKIP_SAID = '1';
    console.warn(`skipping the postgres project (history and accounts specs on PostgreSQL): ${why}`);
  }
}

/**
 * Creates a fresh database on `server` with `psql` and sets `process.env[name]` to its URL,
 * once (in the runner; the workers inherit the variable).
 */
function freshDatabase(server: string, name: string, label: string): string {
  if (!process.env[name]) {
    const database = `sluice_e2e_${label}_${process.env.SLUICE_E2E_APP_PORT}_${Date.now()}`;
    try {
      execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', server, '-c', `CREATE DATABASE ${database}`], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (error) {
      const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || String(error);
      throw new Error(
        `cannot create the e2e database ${database} on SLUICE_TEST_DATABASE_URL with psql ` +
          `(Debian: postgresql-client): ${detail}`,
      );
    }
    const url = new URL(server);
    url.pathname = `/${database}`;
    process.env[name] = url.toString();
  }
  return process.env[name]!;
}

const taken = ['SLUICE_E2E_APP_PORT', 'SLUICE_E2E_FAKE_PORT', 'SLUICE_E2E_AUTH_PORT'];
const pgAppPort = postgresServer ? pickPort('SLUICE_E2E_PG_APP_PORT', taken) : '';
const pgAuthPort = postgresServer ? pickPort('SLUICE_E2E_PG_AUTH_PORT', [...taken, 'SLUICE_E2E_PG_APP_PORT']) : '';
const pgAppUrl = `http://127.0.0.1:${pgAppPort}`;
const pgAuthUrl = `http://127.0.0.1:${pgAuthPort}`;

/** Why the `cluster` project cannot run here (then it is left out), or null. */
const clusterMissing = missingPrerequisite();
if (clusterMissing) {
  if (process.env.CI) throw new Error(`the cluster project cannot run: ${clusterMissing}`);
  if (!process.env.SLUICE_E2E_CLUSTER_SKIP_SAID) {
    process.env.SLUICE_E2E_CLUSTER_SKIP_SAID = '1';
    console.warn(`skipping the cluster project (three replicas behind nginx): ${clusterMissing}`);
  }
}

/** The specs the `phone` project runs again on a phone viewport (the main flows, the screenshots). */
const phoneSpecs = /[\\/](flows|visual)\.spec\.ts$/;

/** The cluster specs start their own replicas; only the `cluster` project runs them. */
const clusterSpecs = /[\\/]cluster[\\/][^\\/]+\.spec\.ts$/;

const workers = Number(process.env.SLUICE_E2E_WORKERS ?? '1');

/**
 * The OpenAI Responses provider has no conventional env var, so it comes from a config file
 * written here with the fake's port (the other families are configured by env vars below).
 */
// Not under test-results/: Playwright empties that folder before the servers start.
const configDir = path.join(tmpdir(), 'sluice-e2e');
mkdirSync(configDir, { recursive: true });
const configFile = path.join(configDir, `sluice.${appPort}.toml`);
writeFileSync(
  configFile,
  [
    '[[providers]]',
    'id = "responses"',
    'kind = "openai_responses"',
    `base_url = "${fakeUrl}/v1"`,
    'api_key_env = "OPENAI_API_KEY"',
    'models = [',
    '  "fake-fixture-openai-responses__reasoning-summary-deltas__pydantic-ai",',
    '  "fake-fixture-openai-responses__function-call-args__pydantic-ai",',
    '  "fake-fixture-openai-responses__error-rate-limit__prism",',
    ']',
    '',
  ].join('\n'),
);

/** The environment of a Sluice app server listening on `port` with its data in `data`. */
function appEnv(port: string, data: string): Record<string, string> {
  return {
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    SLUICE_DATA_DIR: data,
    LEPTOS_SITE_ROOT: 'target/site',
    LEPTOS_OUTPUT_NAME: 'sluice',
    LEPTOS_ENV: 'PROD',
    OPENAI_BASE_URL: `${fakeUrl}/v1`,
    OPENAI_API_KEY: E2E_API_KEY,
    ANTHROPIC_BASE_URL: fakeUrl,
    ANTHROPIC_API_KEY: E2E_API_KEY,
    ANTHROPIC_MODELS: [
      'fake-fixture-anthropic-messages__thinking-signature__pydantic-ai',
      'fake-fixture-anthropic-messages__tool-use-input-json-ping__anthropic-sdk-python',
      'fake-fixture-anthropic-messages__max-tokens-incomplete-json__anthropic-sdk-python',
    ].join(','),
    // Gemini and Ollama list their models from the fake (exercises discovery).
    GEMINI_BASE_URL: fakeUrl,
    GEMINI_API_KEY: E2E_API_KEY,
    OLLAMA_HOST: fakeUrl,
    SLUICE_DETECT_OLLAMA: 'false',
    SLUICE_CONFIG: configFile,
    // The suite sends far more messages per minute than a person; the limits have their
    // own integration tests and limits.spec.ts checks how the page shows a 429.
    SLUICE_MESSAGES_PER_MINUTE: '0',
    SLUICE_IP_REQUESTS_PER_MINUTE: '0',
    SLUICE_CONCURRENT_STREAMS: '0',
    SLUICE_PAGE_LOADS_PER_MINUTE: '0',
    SLUICE_DEMO_TTFT_MS: '200',
    // Long enough for a reload to resume an answer, short enough for stop.spec.ts to see a
    // closed tab's answer end (the default is 30 s).
    SLUICE_TURN_GRACE_SECS: '5',
    RUST_LOG: process.env.RUST_LOG ?? 'warn',
  };
}

/** The accounts app's own settings: its first sign-up (the admin) presents the set-up token. */
const accountsEnv = {
  SLUICE_AUTH: 'local',
  SLUICE_SIGNUP: 'approval',
  SLUICE_ADMIN_TOKEN: adminToken,
};

/** The two apps again, each on a fresh PostgreSQL database, for the `postgres` project. */
const postgresServers = postgresServer
  ? [
      {
        name: 'sluice-postgres',
        command: binary,
        cwd: '..',
        url: `${pgAppUrl}/`,
        reuseExistingServer: false,
        timeout: 60_000,
        stdout: 'ignore' as const,
        stderr: 'pipe' as const,
        env: {
          ...appEnv(pgAppPort, `${dataDir}-pg`),
          SLUICE_DATABASE_URL: freshDatabase(postgresServer, 'SLUICE_E2E_PG_APP_DATABASE_URL', 'app'),
        },
      },
      {
        name: 'sluice-postgres-accounts',
        command: binary,
        cwd: '..',
        url: `${pgAuthUrl}/sign-in`,
        reuseExistingServer: false,
        timeout: 60_000,
        stdout: 'ignore' as const,
        stderr: 'pipe' as const,
        env: {
          ...appEnv(pgAuthPort, `${authDataDir}-pg`),
          ...accountsEnv,
          SLUICE_DATABASE_URL: freshDatabase(postgresServer, 'SLUICE_E2E_PG_AUTH_DATABASE_URL', 'auth'),
        },
      },
    ]
  : [];

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers,
  reporter: [['list']],
  /** Per test; streams take a few seconds, the XSS spec raises its own limit. */
  timeout: 60_000,
  expect: {
    timeout: 15_000,
    // Screenshot references (visual.spec.ts) are committed in end2end/screenshots/ and shown
    // in README. Fonts are the app's own (public/fonts), so another machine renders the same
    // glyphs; the tolerance absorbs anti-aliasing differences between Chromium builds.
    toHaveScreenshot: {
      maxDiffPixelRatio: 0.01,
      threshold: 0.25,
      animations: 'disabled',
      caret: 'hide',
      scale: 'css',
      // Relative times change with the clock: hidden while a screenshot is taken.
      stylePath: path.join(__dirname, 'support', 'screenshot.css'),
    },
  },
  snapshotPathTemplate: '{testDir}/../screenshots/{arg}{ext}',
  outputDir: './test-results',
  use: {
    baseURL: appUrl,
    browserName: 'chromium',
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    launchOptions: {
      executablePath: process.env.SLUICE_E2E_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  /**
   * Which apps a spec talks to comes from its project's metadata (support/env.ts): `sqlite`
   * runs every spec on the first apps, `postgres` the history and accounts specs on the
   * PostgreSQL-backed ones, `cluster` the specs of tests/cluster/ on their own replicas.
   */
  projects: [
    // The desktop layout (Playwright's default 1280×720 viewport): every spec.
    { name: 'sqlite', testIgnore: clusterSpecs, metadata: { appUrl, authUrl, layout: 'desktop' } },
    // A 390×844 touch phone: the main flows and the screenshots again in the phone layout.
    {
      name: 'phone',
      testMatch: phoneSpecs,
      use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 },
      metadata: { appUrl, authUrl, layout: 'phone' },
    },
    ...(postgresServer
      ? [
          {
            name: 'postgres',
            testMatch: /(history|accounts)\.spec\.ts$/,
            testIgnore: clusterSpecs,
            use: { baseURL: pgAppUrl },
            metadata: { appUrl: pgAppUrl, authUrl: pgAuthUrl },
          },
        ]
      : []),
    ...(clusterMissing
      ? []
      : [
          {
            name: 'cluster',
            testMatch: clusterSpecs,
            // Three replicas, nginx and a reload or a failover per test: more time than one app.
            timeout: 120_000,
            // The service worker (public/sw.js) re-fetches app-shell files from its own
            // context, where a page's pin header (support/cluster.ts `pin`) does not reach:
            // those requests would land on any replica and break "served only by r1" checks.
            use: { serviceWorkers: 'block' },
          },
        ]),
  ],
  webServer: [
    {
      name: 'fake-upstream',
      command:
        `${fakeBinary} --addr 127.0.0.1:${fakePort}` +
        ` --require-key ${E2E_API_KEY}${fixturesArg}`,
      cwd: '..',
      // Playwright accepts any status in 200..403 as "up", so a 401 for a missing key is fine.
      url: `${fakeUrl}/v1/models`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      name: 'sluice',
      command: binary,
      cwd: '..',
      url: `${appUrl}/`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: appEnv(appPort, dataDir),
    },
    {
      name: 'sluice-accounts',
      command: binary,
      cwd: '..',
      // `/` answers 303 to /sign-in without a session; the sign-in page itself is a 200.
      url: `${authUrl}/sign-in`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: { ...appEnv(authPort, authDataDir), ...accountsEnv },
    },
    ...postgresServers,
  ],
});

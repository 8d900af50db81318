/**
 * The cluster project's servers (issue 23 "Replicas"): three release replicas of Sluice
 * (`target/release/sluice`, the binary the other projects use) sharing one fresh PostgreSQL
 * database and one fresh Redis key prefix, behind Debian's nginx as a round-robin balancer
 * with no affinity. Unlike the other projects' apps these are started by the specs (a spec
 * kills an owner with SIGKILL and restarts it), once per spec file: `useCluster(options)` in a
 * file's top level starts them before its first test and stops everything after its last.
 *
 * - Replicas `r1`, `r2`, `r3` listen on free loopback ports, `SLUICE_REPLICA_ID` = their
 *   name, accounts mode (`SLUICE_AUTH=local`, open sign-up, the first sign-up presents
 *   `adminToken`), pointed at the fake upstream the config started.
 * - nginx (`/usr/sbin/nginx -p DIR -c DIR/nginx.conf -g 'daemon off;'`) listens on a free
 *   port: round-robin over the three (no `ip_hash`), HTTP/1.1 to the replicas, no buffering and
 *   hour-long timeouts (answers are SSE), `Host` passed through (the replicas check it), and
 *   `X-Sluice-Upstream: $upstream_addr` on every response so a spec can tell which replica
 *   served a request (`replicaOf`).
 * - A request carrying `X-Sluice-Replica: r2` goes to that replica only (an nginx `map`), so a
 *   spec can make the worst case happen on purpose (a reload on another replica than the last,
 *   Stop on a replica that does not own the answer): `pin(page, 'r2')` sets it on every request
 *   of a page, streaming ones included; requests without it are balanced round-robin.
 *
 * Logs (each replica's stderr, nginx's error and access logs) stay in the cluster's temporary
 * folder, whose path failures print.
 */
import { test, type BrowserContext, type Page } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { E2E_API_KEY } from './constants';
import { fakeUrl } from './env';
import { freePort, tail, waitUntilUp } from './processes';

/** The replicas' names, also their `SLUICE_REPLICA_ID`. */
export const REPLICA_NAMES = ['r1', 'r2', 'r3'] as const;
export type ReplicaName = (typeof REPLICA_NAMES)[number];

/** The request header nginx routes on (`pin`), and the response header naming the upstream. */
export const PIN_HEADER = 'x-sluice-replica';
export const UPSTREAM_HEADER = 'x-sluice-upstream';

/**
 * How long a dead owner's lease lasts before another replica takes its answers over
 * (`SLUICE_CLUSTER_LEASE_MS`; the default is 10 s, the bound 15 s).
 */
export const LEASE_MS = 3_000;

/** Debian's nginx, installed by `make test-tools`. */
export const NGINX = process.env.SLUICE_E2E_NGINX ?? '/usr/sbin/nginx';

const repoRoot = path.resolve(__dirname, '..', '..');
const binary = path.resolve(repoRoot, process.env.SLUICE_E2E_BIN ?? 'target/release/sluice');

/** What a spec file may change about its replicas. */
export interface ClusterOptions {
  /** A short name for the database, key prefix and folder (letters, digits, `_`). */
  label: string;
  /** Extra environment for every replica (e.g. small limits), over the defaults. */
  env?: Record<string, string>;
}

/** One replica: its name, port and process. */
export interface Replica {
  name: ReplicaName;
  port: number;
  /** Its own origin, bypassing nginx. */
  url: string;
  /** `127.0.0.1:PORT`, as nginx's `$upstream_addr` names it. */
  addr: string;
  process: ChildProcess | null;
}

/**
 * Why the cluster project cannot run here, or null: it needs the throwaway PostgreSQL and
 * Redis of `make test-e2e` (tools/with-postgres.sh, tools/with-redis.sh) and nginx.
 */
export function missingPrerequisite(): string | null {
  if (!process.env.SLUICE_TEST_DATABASE_URL) {
    return 'SLUICE_TEST_DATABASE_URL is not set (run under tools/with-postgres.sh, as `make test-e2e` does)';
  }
  if (!process.env.SLUICE_TEST_REDIS_URL) {
    return 'SLUICE_TEST_REDIS_URL is not set (run under tools/with-redis.sh, as `make test-e2e` does)';
  }
  if (!existsSync(NGINX)) return `${NGINX} is missing (\`make test-tools\` installs Debian's nginx)`;
  return null;
}

/** Runs `psql -c sql` against `server` (a PostgreSQL URL). */
function psql(server: string, sql: string): void {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', server, '-c', sql], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

export class Cluster {
  /** nginx's origin: what a browser would be given. */
  readonly url: string;
  readonly replicas: Replica[];
  /** The first sign-up's set-up token. */
  readonly adminToken: string;
  /** Logs and nginx's files. */
  readonly dir: string;
  private readonly nginxPort: number;
  private readonly databaseUrl: string;
  private readonly databaseName: string;
  private readonly keyPrefix: string;
  private readonly extraEnv: Record<string, string>;
  private nginx: ChildProcess | null = null;
  /** Removes the worker-exit handler that kills the servers (once they are stopped). */
  private forget: () => void = () => {};

  private constructor(options: ClusterOptions, ports: number[]) {
    const stamp = `${Date.now()}`;
    this.dir = path.join(tmpdir(), 'sluice-e2e', `cluster-${options.label}-${stamp}`);
    this.nginxPort = ports[3];
    this.url = `http://127.0.0.1:${this.nginxPort}`;
    this.replicas = REPLICA_NAMES.map((name, i) => ({
      name,
      port: ports[i],
      url: `http://127.0.0.1:${ports[i]}`,
      addr: `127.0.0.1:${ports[i]}`,
      process: null,
    }));
    this.adminToken = `cluster-setup-${stamp}`;
    this.databaseName = `sluice_e2e_cluster_${options.label}_${stamp}`;
    const server = new URL(process.env.SLUICE_TEST_DATABASE_URL!);
    this.databaseUrl = (() => {
      const url = new URL(server.toString());
      url.pathname = `/${this.databaseName}`;
      return url.toString();
    })();
    this.keyPrefix = `sluice-e2e-${options.label}-${stamp}`;
    this.extraEnv = options.env ?? {};
  }

  /** Creates the database, starts the replicas (r1 first: it migrates) and nginx. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    const ports: number[] = [];
    for (let i = 0; i < 4; i++) ports.push(await freePort(ports));
    const cluster = new Cluster(options, ports);
    // Should the worker die without running afterAll, its servers must not outlive it.
    const killAll = () => cluster.children().forEach((child) => child.kill('SIGKILL'));
    process.once('exit', killAll);
    cluster.forget = () => process.off('exit', killAll);
    mkdirSync(path.join(cluster.dir, 'nginx-temp'), { recursive: true });
    psql(process.env.SLUICE_TEST_DATABASE_URL!, `CREATE DATABASE ${cluster.databaseName}`);
    try {
      await cluster.startReplica('r1');
      await Promise.all([cluster.startReplica('r2'), cluster.startReplica('r3')]);
      await cluster.startNginx();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** A replica by name. */
  replica(name: ReplicaName): Replica {
    return this.replicas.find((replica) => replica.name === name)!;
  }

  /**
   * The replica that served a response, from its `X-Sluice-Upstream` (`127.0.0.1:PORT`, or
   * a list when nginx tried several: the last one answered).
   */
  replicaOf(upstream: string | null | undefined): ReplicaName {
    const last = (upstream ?? '').split(',').pop()!.trim();
    const found = this.replicas.find((replica) => replica.addr === last);
    if (!found) throw new Error(`X-Sluice-Upstream ${JSON.stringify(upstream)} names no replica of this cluster`);
    return found.name;
  }

  /** The replicas other than `name`. */
  others(name: ReplicaName): ReplicaName[] {
    return REPLICA_NAMES.filter((other) => other !== name);
  }

  /** The environment of replica `name`. */
  private env(replica: Replica): Record<string, string> {
    return {
      ...(process.env as Record<string, string>),
      LEPTOS_SITE_ADDR: replica.addr,
      LEPTOS_SITE_ROOT: 'target/site',
      LEPTOS_OUTPUT_NAME: 'sluice',
      LEPTOS_ENV: 'PROD',
      SLUICE_DATA_DIR: path.join(this.dir, `data-${replica.name}`),
      SLUICE_DATABASE_URL: this.databaseUrl,
      SLUICE_REDIS_URL: process.env.SLUICE_TEST_REDIS_URL!,
      SLUICE_REDIS_KEY_PREFIX: this.keyPrefix,
      SLUICE_REPLICA_ID: replica.name,
      SLUICE_CLUSTER_LEASE_MS: String(LEASE_MS),
      SLUICE_AUTH: 'local',
      SLUICE_SIGNUP: 'open',
      SLUICE_ADMIN_TOKEN: this.adminToken,
      // nginx passes the browser's Host (127.0.0.1:<nginx port>) and appends X-Forwarded-For.
      SLUICE_ALLOWED_HOSTS: '127.0.0.1',
      SLUICE_TRUSTED_PROXIES: '127.0.0.1',
      OPENAI_BASE_URL: `${fakeUrl()}/v1`,
      OPENAI_API_KEY: E2E_API_KEY,
      SLUICE_DETECT_OLLAMA: 'false',
      SLUICE_MESSAGES_PER_MINUTE: '0',
      SLUICE_IP_REQUESTS_PER_MINUTE: '0',
      SLUICE_CONCURRENT_STREAMS: '0',
      SLUICE_PAGE_LOADS_PER_MINUTE: '0',
      SLUICE_SIGN_UP_ATTEMPTS: '0',
      SLUICE_TURN_GRACE_SECS: '5',
      RUST_LOG: process.env.RUST_LOG ?? 'warn',
      ...this.extraEnv,
    };
  }

  /** Starts replica `name` (again, after `kill`) and waits until it serves /sign-in. */
  async startReplica(name: ReplicaName): Promise<void> {
    const replica = this.replica(name);
    if (replica.process) throw new Error(`replica ${name} is already running`);
    const log = path.join(this.dir, `${name}.log`);
    const fd = openSync(log, 'a');
    const child = spawn(binary, [], { cwd: repoRoot, env: this.env(replica), stdio: ['ignore', fd, fd] });
    closeSync(fd);
    replica.process = child;
    child.once('exit', () => {
      if (replica.process === child) replica.process = null;
    });
    await waitUntilUp(`${replica.url}/sign-in`, 60_000, () => {
      const exited = replica.process === null ? ' (it exited)' : '';
      return `replica ${name}${exited}; the end of ${log}:\n${tail(log)}`;
    });
  }

  /**
   * Sends `signal` to replica `name` (SIGKILL: a crash, no clean-up) and waits until it has
   * exited.
   */
  async kill(name: ReplicaName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.replica(name).process;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  }

  /** Whether replica `name` is running. */
  isRunning(name: ReplicaName): boolean {
    return this.replica(name).process !== null;
  }

  /** The nginx configuration: round-robin over the replicas, `X-Sluice-Replica` pins. */
  private nginxConf(): string {
    const temp = path.join(this.dir, 'nginx-temp');
    const servers = this.replicas.map((r) => `    server ${r.addr};`).join('\n');
    const pinned = this.replicas
      .map((r) => `  upstream sluice_${r.name} {\n    server ${r.addr};\n    keepalive 8;\n  }`)
      .join('\n');
    const pins = this.replicas.map((r) => `    ${r.name} sluice_${r.name};`).join('\n');
    return `worker_processes 1;
error_log ${this.dir}/nginx-error.log warn;
pid ${this.dir}/nginx.pid;
events {
  worker_connections 1024;
}
http {
  access_log ${this.dir}/nginx-access.log;
  client_body_temp_path ${temp}/body;
  proxy_temp_path ${temp}/proxy;
  fastcgi_temp_path ${temp}/fastcgi;
  uwsgi_temp_path ${temp}/uwsgi;
  scgi_temp_path ${temp}/scgi;
  # Round-robin over every replica, no ip_hash, no affinity of any kind.
  upstream sluice_all {
${servers}
    keepalive 16;
  }
${pinned}
  # Tests may pin a request to one replica (X-Sluice-Replica: r2); others are balanced.
  map $http_x_sluice_replica $sluice_backend {
    default sluice_all;
${pins}
  }
  server {
    listen 127.0.0.1:${this.nginxPort};
    client_max_body_size 64m;
    location / {
      proxy_pass http://$sluice_backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      # Answers are server-sent events: pass every byte on at once, never time them out.
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
      add_header X-Sluice-Upstream $upstream_addr always;
    }
  }
}
`;
  }

  /** Starts nginx in the foreground (`daemon off`) and waits until it answers. */
  private async startNginx(): Promise<void> {
    const conf = path.join(this.dir, 'nginx.conf');
    writeFileSync(conf, this.nginxConf());
    const log = path.join(this.dir, 'nginx-error.log');
    const fd = openSync(path.join(this.dir, 'nginx.out'), 'a');
    // -e: the start-up error log (before the conf's error_log applies) goes to our folder too.
    const args = ['-p', this.dir, '-e', log, '-c', conf, '-g', 'daemon off;'];
    const child = spawn(NGINX, args, { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    this.nginx = child;
    child.once('exit', () => {
      if (this.nginx === child) this.nginx = null;
    });
    await waitUntilUp(`${this.url}/sign-in`, 20_000, () => `nginx; the end of ${log}:\n${tail(log)}`);
  }

  /** nginx and the replicas, those running. */
  private children(): ChildProcess[] {
    return [this.nginx, ...this.replicas.map((replica) => replica.process)].filter(
      (child): child is ChildProcess => child !== null,
    );
  }

  /** Stops nginx and every replica (SIGTERM, then SIGKILL after 10 s) and drops the database. */
  async stop(): Promise<void> {
    await Promise.all(
      this.children().map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    this.forget();
    try {
      psql(process.env.SLUICE_TEST_DATABASE_URL!, `DROP DATABASE IF EXISTS ${this.databaseName} WITH (FORCE)`);
    } catch {
      // The throwaway server goes away with the run anyway.
    }
  }
}

/**
 * Starts a cluster before the file's first test and stops it after its last; returns a
 * getter (the cluster exists only once `beforeAll` ran). The file's tests run in order in one
 * worker; each signs up its own user, so they do not depend on each other (after a failure
 * Playwright goes on in a new worker, which starts a fresh cluster).
 */
export function useCluster(options: ClusterOptions): () => Cluster {
  let cluster: Cluster | null = null;
  test.beforeAll(async () => {
    const missing = missingPrerequisite();
    if (missing) throw new Error(`the cluster project cannot run: ${missing}`);
    // Three replicas and nginx start (and migrate) within this.
    test.setTimeout(120_000);
    cluster = await Cluster.start(options);
    console.log(`cluster ${options.label}: nginx ${cluster.url}, logs in ${cluster.dir}`);
  });
  test.afterAll(async () => {
    test.setTimeout(60_000);
    await cluster?.stop();
    cluster = null;
  });
  return () => {
    if (!cluster) throw new Error('the cluster is not running (useCluster starts it in beforeAll)');
    return cluster;
  };
}

/** Sends every later request of `page` to replica `name` only (null: balanced again). */
export async function pin(page: Page, name: ReplicaName | null): Promise<void> {
  await page.setExtraHTTPHeaders(name ? { [PIN_HEADER]: name } : {});
}

/**
 * Signs up `name` through replica `via` (its own URL, not nginx) into `context`, whose
 * cookie jar then holds the session (cookies are per host, not per port, so nginx's origin
 * gets it too). The cluster's first sign-up becomes the admin with the set-up token.
 */
export async function signUpThrough(
  cluster: Cluster,
  context: BrowserContext,
  via: ReplicaName,
  name: string,
  password = 'cluster-password-1',
): Promise<void> {
  const response = await context.request.post(`${cluster.replica(via).url}/api/auth/sign_up`, {
    data: { name, password, setup_token: cluster.adminToken },
  });
  if (!response.ok()) {
    throw new Error(`sign-up of ${name} through ${via}: ${response.status()} ${await response.text()}`);
  }
}

/** One response seen through nginx: which replica served which request. */
export interface Served {
  method: string;
  path: string;
  status: number;
  replica: ReplicaName;
}

/**
 * Records every response of `page` that came through `cluster`'s nginx (it carries
 * `X-Sluice-Upstream`), in order; the returned array fills as the page makes requests.
 */
export function recordServed(page: Page, cluster: Cluster): Served[] {
  const served: Served[] = [];
  page.on('response', (response) => {
    const upstream = response.headers()[UPSTREAM_HEADER];
    if (!upstream) return;
    const url = new URL(response.url());
    served.push({
      method: response.request().method(),
      path: url.pathname,
      status: response.status(),
      replica: cluster.replicaOf(upstream),
    });
  });
  return served;
}

/** The replica that served `response` (through nginx). */
export function servedBy(cluster: Cluster, response: { headers(): Record<string, string> } | null): ReplicaName {
  if (!response) throw new Error('no response');
  return cluster.replicaOf(response.headers()[UPSTREAM_HEADER]);
}

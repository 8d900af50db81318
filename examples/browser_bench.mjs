// Browser benchmark for `make bench` (run from the repository root after `cargo leptos build
// --release`): `node examples/browser_bench.mjs --out BENCHMARKS.md [--loads 10]`.
//
// Starts the release binary twice (the fake upstream and the app, both on loopback ports),
// drives headless Chromium (/usr/bin/chromium, through the Playwright package in end2end/)
// and writes the `browser` section of BENCHMARKS.md:
//
// * Streaming: the `fake-bench` model streams a 10,000-token Markdown answer (prose, lists,
//   tables, code blocks, math) at 200 tokens/s. Main-thread busy time comes from the DevTools
//   Performance domain (`TaskDuration`, `ScriptDuration`, `LayoutDuration`,
//   `RecalcStyleDuration`), sampled at the first token and every 1,000 tokens of the fake's
//   schedule, so each decile's time per token is the growth of the counter over that decile.
//   A second, separately instrumented run records every animation frame (longest gap between
//   frames while streaming) and long tasks; it is kept apart so its sampling loop does not
//   count in the first run's busy time. Two controls: the finished page changed the least a
//   streaming update can change it (the floor), and a bare page changed the same way.
// * First load: wasm + js (+ css) gzipped sizes from target/site/pkg, and time to interactive
//   on loopback = navigation start to the `data-hydrated` marker the app sets after hydration,
//   over several cold loads (fresh browser context each). If tools/leptos-floor/measure.sh
//   has built the framework floor (a Leptos app with nothing of Sluice), its size is reported
//   next to the bundle's, so the framework's share of the first load is known.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem, platform } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const require = createRequire(path.resolve('end2end/package.json'));
const { chromium } = require('playwright-core');

const TOKENS = 10_000;
const TOKENS_PER_SECOND = 200;
const DECILE_MS = (TOKENS / 10 / TOKENS_PER_SECOND) * 1000;
const KEY = 'sk-bench-0123456789';
const BINARY = process.env.SLUICE_BENCH_BIN ?? 'target/release/sluice';
const CHROMIUM = process.env.SLUICE_E2E_CHROMIUM ?? '/usr/bin/chromium';

function options() {
  const args = process.argv.slice(2);
  const result = { out: 'BENCHMARKS.md', loads: 10 };
  for (let i = 0; i < args.length; i += 2) {
    const [name, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === '--out') result.out = value;
    else if (name === '--loads') result.loads = Number(value);
    else throw new Error(`unknown option ${name}`);
  }
  return result;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForHttp(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await sleep(100);
  }
}

/** Starts the fake upstream and the app; returns their URLs and a stop function. */
async function startServers() {
  const [fakePort, appPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sluice-browser-bench-'));
  const fake = spawn(BINARY, ['fake-upstream', '--addr', `127.0.0.1:${fakePort}`, '--require-key', KEY], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const app = spawn(BINARY, [], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      LEPTOS_SITE_ADDR: `127.0.0.1:${appPort}`,
      LEPTOS_SITE_ROOT: 'target/site',
      LEPTOS_OUTPUT_NAME: 'sluice',
      LEPTOS_ENV: 'PROD',
      SLUICE_DATA_DIR: dataDir,
      OPENAI_BASE_URL: `http://127.0.0.1:${fakePort}/v1`,
      OPENAI_API_KEY: KEY,
      OPENAI_MODELS: 'fake-bench',
      SLUICE_DETECT_OLLAMA: 'false',
      SLUICE_MESSAGES_PER_MINUTE: '0',
      SLUICE_IP_REQUESTS_PER_MINUTE: '0',
      SLUICE_CONCURRENT_STREAMS: '0',
      SLUICE_PAGE_LOADS_PER_MINUTE: '0',
      RUST_LOG: 'warn',
    },
  });
  const appUrl = `http://127.0.0.1:${appPort}`;
  await waitForHttp(`http://127.0.0.1:${fakePort}/v1/models`);
  await waitForHttp(`${appUrl}/`);
  const stop = async () => {
    for (const child of [app, fake]) child.kill('SIGTERM');
    await sleep(300);
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { appUrl, stop };
}

const ANSWER = 'article[data-role="assistant"]';

/** Opens the chat page, picks the bench model and returns the page once interactive. */
async function openChat(browser, appUrl, initScript) {
  const context = await browser.newContext({ baseURL: appUrl, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  if (initScript) await page.addInitScript(initScript);
  await page.goto('/');
  await page.waitForFunction(() => document.body?.dataset.hydrated === 'true');
  const picker = page.getByRole('combobox', { name: 'Model', exact: true });
  await picker.selectOption('openai/fake-bench');
  return { context, page };
}

async function send(page) {
  const composer = page.getByRole('textbox', { name: 'Message', exact: true });
  await composer.fill('Write the long benchmark answer.');
  await composer.press('Enter');
  await page.waitForSelector(`${ANSWER}[data-status="streaming"]`, { timeout: 30_000 });
}

const DONE = `${ANSWER}[data-status="done"]`;

/** Run A: main-thread busy time per decile from the Performance domain. */
async function measureBusyTime(browser, appUrl) {
  const { context, page } = await openChat(browser, appUrl);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  const sample = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const value = (name) => metrics.find((m) => m.name === name)?.value ?? 0;
    return {
      wall: performance.now(),
      task: value('TaskDuration') * 1000,
      script: value('ScriptDuration') * 1000,
      layout: (value('LayoutDuration') + value('RecalcStyleDuration')) * 1000,
    };
  };
  await send(page);
  const start = performance.now();
  const samples = [await sample()];
  for (let decile = 1; decile <= 10; decile++) {
    const due = start + decile * DECILE_MS;
    await sleep(Math.max(0, due - performance.now()));
    samples.push(await sample());
  }
  await page.waitForSelector(DONE, { timeout: 60_000 });
  const settled = await sample();
  const text = await page.locator(`${ANSWER} .markdown`).last().textContent();
  const floor = await measureFloor(page, sample);
  await context.close();
  return { samples, settled, renderedChars: text?.length ?? 0, floor };
}

/** How often the control run changes the page: the page's SSE merge gap (`merge_ms`). */
const FLOOR_UPDATE_MS = 40;
/** How long the control run lasts. */
const FLOOR_MS = 10_000;

/**
 * The control for run A: the same page (the finished answer, its styles, its scroll
 * following) changed the least a streaming update can change it — one word appended to the
 * answer's last block every `FLOOR_UPDATE_MS` — with no Markdown, no reactive graph, no
 * network. What this costs is the browser's own price per update on this machine, which no
 * renderer can go below at that cadence.
 */
async function measureFloor(page, sample) {
  await sleep(500);
  const before = await sample();
  await page.evaluate(
    ([selector, every, duration]) =>
      new Promise((done) => {
        const blocks = document.querySelectorAll(`${selector} .markdown > *`);
        const target = blocks[blocks.length - 1];
        const timer = setInterval(() => target.append(' word'), every);
        setTimeout(() => {
          clearInterval(timer);
          done();
        }, duration);
      }),
    [ANSWER, FLOOR_UPDATE_MS, FLOOR_MS],
  );
  const after = await sample();
  return {
    share: (after.task - before.task) / (after.wall - before.wall),
    script: (after.script - before.script) / (after.wall - before.wall),
    layout: (after.layout - before.layout) / (after.wall - before.wall),
  };
}

/**
 * The second control: a bare page (one paragraph, no app, no stylesheet) with the same
 * change, one word appended every `FLOOR_UPDATE_MS` while the window follows the end. What
 * this costs is the browser's price per update for any page on this machine, however small.
 */
async function measureBareFloor(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  await page.setContent('<!doctype html><html><body><p id="grow">Start</p></body></html>');
  const sample = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return { wall: performance.now(), task: (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000 };
  };
  await sleep(500);
  const before = await sample();
  await page.evaluate(
    ([every, duration]) =>
      new Promise((done) => {
        const target = document.getElementById('grow');
        const timer = setInterval(() => {
          target.append(' word');
          window.scrollTo(0, document.body.scrollHeight);
        }, every);
        setTimeout(() => {
          clearInterval(timer);
          done();
        }, duration);
      }),
    [FLOOR_UPDATE_MS, FLOOR_MS],
  );
  const after = await sample();
  await context.close();
  return (after.task - before.task) / (after.wall - before.wall);
}

/** Run B: animation frames and long tasks while streaming. */
async function measureFrames(browser, appUrl) {
  const init = () => {
    const w = window;
    w.__frames = [];
    w.__longTasks = [];
    const frame = (time) => {
      w.__frames.push(time);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    // One callback per batch of DOM changes (each render of the stream is one batch).
    w.__updates = [];
    new MutationObserver(() => w.__updates.push(performance.now())).observe(document, {
      subtree: true,
      childList: true,
      characterData: true,
    });
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__longTasks.push([entry.startTime, entry.duration]);
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // no long task API
    }
  };
  const { context, page } = await openChat(browser, appUrl, init);
  await send(page);
  const from = await page.evaluate(() => performance.now());
  await page.waitForSelector(DONE, { timeout: 120_000 });
  const to = await page.evaluate(() => performance.now());
  const { frames, longTasks, updates } = await page.evaluate(() => ({
    frames: window.__frames,
    longTasks: window.__longTasks,
    updates: window.__updates,
  }));
  await context.close();
  const gaps = [];
  for (let i = 1; i < frames.length; i++) {
    if (frames[i] >= from && frames[i] <= to) gaps.push(frames[i] - frames[i - 1]);
  }
  gaps.sort((a, b) => a - b);
  const during = longTasks.filter(([start]) => start >= from && start <= to);
  return {
    frames: gaps.length,
    longestFrame: gaps.at(-1) ?? NaN,
    p99Frame: gaps[Math.round(0.99 * (gaps.length - 1))] ?? NaN,
    slowFrames: gaps.filter((g) => g > 50).length,
    longTasks: during.length,
    longestTask: Math.max(0, ...during.map(([, d]) => d)),
    seconds: (to - from) / 1000,
    updates: updates.filter((at) => at >= from && at <= to).length,
  };
}

/** Time to interactive over `loads` cold loads. */
async function measureFirstLoad(browser, appUrl, loads) {
  const times = [];
  const domReady = [];
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext({ baseURL: appUrl });
    const page = await context.newPage();
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.body?.dataset.hydrated === 'true') {
          window.__interactive = performance.now();
          observer.disconnect();
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'] });
    });
    await page.goto('/');
    await page.waitForFunction(() => window.__interactive !== undefined);
    const result = await page.evaluate(() => ({
      interactive: window.__interactive,
      domReady: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? NaN,
    }));
    times.push(result.interactive);
    domReady.push(result.domReady);
    await context.close();
  }
  const sorted = (values) => [...values].sort((a, b) => a - b);
  const median = (values) => sorted(values)[Math.floor(values.length / 2)];
  return {
    loads,
    median: median(times),
    min: sorted(times)[0],
    max: sorted(times).at(-1),
    domReadyMedian: median(domReady),
  };
}

// Raw and gzip -9 size of one file.
function fileSize(dir, file) {
  const bytes = readFileSync(path.join(dir, file));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

function bundleSizes() {
  const pkg = 'target/site/pkg';
  // Built by tools/leptos-floor/measure.sh (`make bench` runs it first); absent otherwise.
  const floorPkg = 'tools/leptos-floor/target/pkg';
  const floor = existsSync(path.join(floorPkg, 'leptos_floor.opt.wasm'))
    ? { wasm: fileSize(floorPkg, 'leptos_floor.opt.wasm'), js: fileSize(floorPkg, 'leptos_floor.js') }
    : null;
  return {
    wasm: fileSize(pkg, 'sluice.wasm'),
    js: fileSize(pkg, 'sluice.js'),
    css: fileSize(pkg, 'sluice.css'),
    floor,
  };
}

// The framework floor's row and what it leaves to Sluice, or a note that it was not built.
function floorRows(sizes, gz) {
  if (!sizes.floor) {
    return ['', 'Framework floor not measured (run `tools/leptos-floor/measure.sh` first, as `make bench` does).'];
  }
  const { wasm, js } = sizes.floor;
  const floorGz = wasm.gzip + js.gzip;
  return [
    `| framework floor: \`tools/leptos-floor\` wasm + js | ${kib(wasm.raw + js.raw)} | ${kib(floorGz)} |`,
    '',
    `The floor is a Leptos 0.8 app built the same way with only what every Sluice page uses (router, meta, a server function, a keyed list; its js is not minified, about 1 KiB more gzipped than cargo-leptos would ship): ${kib(floorGz)} KiB of the first load are the framework's, the other **${kib(gz - floorGz)} KiB** are Sluice's components, Markdown (pulldown-cmark with its entity table, the highlighter, the TeX converter), serde_json and the erased views' hydration copies.`,
  ];
}

function writeSection(file, name, body) {
  const begin = `<!-- begin ${name} -->\n`;
  const end = `<!-- end ${name} -->\n`;
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\n';
  const section = `${begin}${body.trimEnd()}\n\n${end}`;
  const start = old.indexOf(begin);
  const stop = old.indexOf(end);
  const next =
    start >= 0 && stop > start
      ? old.slice(0, start) + section + old.slice(stop + end.length)
      : `${old.trimEnd()}\n\n${section}`;
  writeFileSync(file, next);
}

const kib = (bytes) => (bytes / 1024).toFixed(1);
const ms = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function report({ busy, bare, frames, load, sizes, browserVersion, load1 }) {
  const rows = [];
  let totalTask = 0;
  let totalScript = 0;
  let totalLayout = 0;
  const perToken = [];
  for (let decile = 1; decile <= 10; decile++) {
    const [a, b] = [busy.samples[decile - 1], busy.samples[decile]];
    const task = b.task - a.task;
    const script = b.script - a.script;
    const layout = b.layout - a.layout;
    const wall = b.wall - a.wall;
    totalTask += task;
    totalScript += script;
    totalLayout += layout;
    const tokens = TOKENS / 10;
    perToken.push(task / tokens);
    rows.push(
      `| ${decile} | ${ms((task / tokens) * 1000, 0)} | ${ms((script / tokens) * 1000, 0)} | ` +
        `${ms((layout / tokens) * 1000, 0)} | ${ms((task / wall) * 100, 2)} % |`,
    );
  }
  const first = busy.samples[0];
  const last = busy.samples[10];
  const wallAll = last.wall - first.wall;
  const tail = busy.settled.task - last.task;
  const ratio = perToken[9] / perToken[0];
  const gz = sizes.wasm.gzip + sizes.js.gzip;
  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  return [
    '## Browser (`examples/browser_bench.mjs`)',
    '',
    'Written by `make bench` (`node examples/browser_bench.mjs --out BENCHMARKS.md`) against the release build.',
    '',
    `- Machine: ${cpus().length} cores (${cpuModel}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${platform()}, 1-min load average ${load1.toFixed(2)} at the start; headless Chromium ${browserVersion}, 1280×900`,
    `- Answer: \`fake-bench\`, ${TOKENS.toLocaleString('en')} Markdown tokens (prose, nested lists, tables, Rust/Python code blocks, inline and display math) at ${TOKENS_PER_SECOND} tokens/s over loopback; ${busy.renderedChars.toLocaleString('en')} characters rendered`,
    '- Busy time = growth of the DevTools `Performance.getMetrics` counters (`TaskDuration` = all main-thread tasks; `ScriptDuration`; `LayoutDuration` + `RecalcStyleDuration`) over each decile of the token schedule, divided by its 1,000 tokens. Goals: total ≤ 3 % of a core, last decile ≤ 1.5 × the first.',
    '',
    '### Streaming: main-thread time per token',
    '',
    '| decile | task µs/token | script µs/token | layout+style µs/token | share of a core |',
    '|---:|---:|---:|---:|---:|',
    ...rows,
    `| **all** | **${ms((totalTask / TOKENS) * 1000, 0)}** | ${ms((totalScript / TOKENS) * 1000, 0)} | ${ms((totalLayout / TOKENS) * 1000, 0)} | **${ms((totalTask / wallAll) * 100, 2)} %** |`,
    '',
    `Last decile / first decile: **${ratio.toFixed(2)}×**. After the last token until \`done\` was shown: ${ms(tail, 0)} ms of main-thread time.`,
    '',
    `Frames (separate run with a \`requestAnimationFrame\` recorder, a long-task observer and a \`MutationObserver\` counting batches of DOM changes, ${ms(frames.seconds, 1)} s of streaming): ${frames.frames} frames, **longest frame ${ms(frames.longestFrame)} ms**, p99 ${ms(frames.p99Frame)} ms, ${frames.slowFrames} frames over 50 ms; ${frames.longTasks} long tasks (> 50 ms), longest ${ms(frames.longestTask)} ms; ${ms(frames.updates / frames.seconds, 1)} DOM updates/s.`,
    '',
    `Floor (control, same page after the answer finished): appending one word to the answer's last block every ${FLOOR_UPDATE_MS} ms for ${FLOOR_MS / 1000} s — the least a streaming update can do, with the app's scroll following and no Markdown, reactive or network work — costs **${ms(busy.floor.share * 100, 2)} % of a core** here (script ${ms(busy.floor.script * 100, 2)} %, layout+style ${ms(busy.floor.layout * 100, 2)} %). That is the browser's own price for updating this page at that cadence on this machine (headless, software rendering), below which no renderer can go: what Sluice adds on top of it is **${ms((totalTask / wallAll - busy.floor.share) * 100, 2)} points** (streaming total minus floor). A bare page (one paragraph, no app) changed the same way costs **${ms(bare * 100, 2)} %**: the browser's price for ${Math.round(1000 / FLOOR_UPDATE_MS)} updates a second of any page here.${busy.floor.share > 0.03 ? ' The 3 % goal is below the floor here.' : ''}${bare > 0.03 ? ' It is below even the bare page\'s cost.' : ''}`,
    '',
    '### First load',
    '',
    '| file | raw KiB | gzip -9 KiB |',
    '|---|---:|---:|',
    `| sluice.wasm | ${kib(sizes.wasm.raw)} | ${kib(sizes.wasm.gzip)} |`,
    `| sluice.js | ${kib(sizes.js.raw)} | ${kib(sizes.js.gzip)} |`,
    `| sluice.css | ${kib(sizes.css.raw)} | ${kib(sizes.css.gzip)} |`,
    `| **wasm + js** | ${kib(sizes.wasm.raw + sizes.js.raw)} | **${kib(gz)}** (goal ≤ 400) |`,
    ...floorRows(sizes, gz),
    '',
    `Time to interactive on loopback (navigation start → \`data-hydrated\`, set when hydration finished), ${load.loads} cold loads in fresh browser contexts: **median ${ms(load.median, 0)} ms** (min ${ms(load.min, 0)}, max ${ms(load.max, 0)}); DOMContentLoaded median ${ms(load.domReadyMedian, 0)} ms.`,
  ].join('\n');
}

async function main() {
  const { out, loads } = options();
  const load1 = loadavg()[0];
  const sizes = bundleSizes();
  const servers = await startServers();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    console.log('browser bench: first load');
    const load = await measureFirstLoad(browser, servers.appUrl, loads);
    console.log('browser bench: streaming (busy time), about 55 s');
    const busy = await measureBusyTime(browser, servers.appUrl);
    console.log('browser bench: streaming (frames), about 55 s');
    const frames = await measureFrames(browser, servers.appUrl);
    console.log('browser bench: bare-page control, about 11 s');
    const bare = await measureBareFloor(browser);
    const body = report({ busy, bare, frames, load, sizes, browserVersion: browser.version(), load1 });
    writeSection(out, 'browser', body);
    console.log(body);
  } finally {
    await browser.close();
    await servers.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// The web leaderboard at scale, in a real browser: stores a finished sweep of N trials with P curve points each
// (`embedsweeps bench leaderboard`, which also prints the CLI's timings), serves the web app on that storage, and
// times in headless Chromium the sweep page's first render (navigation → the ranked trials in the grid, the sweep
// read cold, after the app's own first page) and its refresh (a reload). Prints one JSON object: medians of RUNS reloads.
//
//   node bench/leaderboard_browser.mjs [--trials 1000] [--points 200] [--runs 5]
//
// Needs Chromium (apt-get install chromium; or CHROMIUM=/path/to/chrome) and `npm ci` (playwright-core).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, fallback) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : fallback; };
const [trials, points, runs] = [arg("trials", 1000), arg("points", 200), arg("runs", 5)];
const port = 5000 + Math.floor(Math.random() * 1000);
const median = values => { const s = [...values].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const round = seconds => Math.round(seconds * 1000) / 1000;

const json = join(mkdtempSync(join(tmpdir(), "embedsweeps-board-")), "cli.json");
execFileSync(join(root, "embedsweeps"), ["bench", "leaderboard", "--trials", `${trials}`, "--points", `${points}`, "--runs", `${runs}`, "--json", json],
  { stdio: ["ignore", "ignore", "inherit"] });
const cli = JSON.parse(readFileSync(json, "utf8"));

// The web app on the benchmark's storage prefix; it hosts a silo of its own (the benchmark's has stopped).
const web = spawn(join(root, "embedsweeps"), ["serve", "--urls", `http://127.0.0.1:${port}`],
  { env: { ...process.env, EMBEDSWEEPS__STORAGE__PREFIX: cli.storage_prefix }, stdio: ["ignore", "ignore", "inherit"], detached: true });
const stop = () => { try { process.kill(-web.pid, "SIGTERM"); } catch { /* already gone */ } };
process.on("SIGINT", () => { stop(); process.exit(130); });
try {
  for (let waited = 0; ; waited += 500) {
    try { if ((await fetch(`http://127.0.0.1:${port}/`)).ok) break; } catch { /* not up yet */ }
    if (waited > 300_000) throw new Error("the web app did not answer within 5 minutes");
    await new Promise(r => setTimeout(r, 500));
  }
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
  const page = await browser.newPage();
  const url = `http://127.0.0.1:${port}/sweeps/board-${trials}`;
  const rendered = async action => {
    const start = performance.now();
    await action();
    await page.locator('[data-testid="leaderboard"] a[href*="/trials/t-"]').first().waitFor({ timeout: 120_000 });
    return (performance.now() - start) / 1000;
  };
  // The app's own first page (JIT, the Blazor circuit) on a sweep that does not exist, so the next is this sweep's cold read.
  const appStart = performance.now();
  await page.goto(`http://127.0.0.1:${port}/sweeps/no-such-sweep`);
  await page.getByText("No sweep named").waitFor({ timeout: 120_000 });
  const appFirst = (performance.now() - appStart) / 1000;
  const first = await rendered(() => page.goto(url));
  const reloads = [];
  for (let i = 0; i < runs; i++) reloads.push(await rendered(() => page.reload()));
  const rows = await page.locator('[data-testid="leaderboard"] a[href*="/trials/t-"]').count();
  const version = browser.version();
  await browser.close();
  console.log(JSON.stringify({
    trials, points_per_trial: points, runs, browser: `chromium ${version}`,
    browser_seconds: {
      app_first_page: round(appFirst), first_render: round(first), refresh_median: round(median(reloads)),
      note: "app_first_page: the web app's first page after it starts (another sweep's); first_render: navigation to this sweep → its ranked trials in the grid, the experiment read cold; refresh: a reload",
    },
    rows_on_first_page: rows, cli: cli,
  }, null, 2));
} finally {
  stop();
}

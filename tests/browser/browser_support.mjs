// What the dashboard's browser scripts (drive_dashboard.mjs, dashboard_layout.mjs) share:
// starting Debian's chromium with playwright-core, checks that fail with a reason, waiting
// on a condition, watching a page for script errors, signing in and opening an alert, and
// screenshots.

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium } from "playwright-core";

export const TIMEOUT_MS = 30000;

export class Failure extends Error {}
export function check(condition, message) {
  if (!condition) throw new Failure(message);
}

// Polls `probe` until `accept(value)` holds; the last value goes into the failure.
export async function waitFor(what, probe, accept, timeout = TIMEOUT_MS) {
  const deadline = Date.now() + timeout;
  let value;
  for (;;) {
    value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      throw new Failure(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Headless chromium; `env` for its process (TZ=UTC: a machine whose clock is in UTC);
// `extraArgs` (a fake camera: checkin_scanner.mjs).
export function launchChromium(executablePath, env = undefined, extraArgs = []) {
  return chromium.launch({
    executablePath: executablePath || "/usr/bin/chromium",
    headless: true,
    env: env ? { ...process.env, ...env } : undefined,
    // Root in a container has no user namespaces for the sandbox; the rest keeps chromium
    // off the network it would otherwise call at start (this machine's is closed).
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
           ...extraArgs],
  });
}

// Collects a page's script errors and console errors into `problems`. The returned state:
// `navigations` counts main-frame navigations; set `dropping` while the test cuts the
// network, when failed loads are expected; set `refusing` while the test makes the daemon
// refuse a form (a 400, 403, 404 or 409 the page shows is expected, and the browser logs it).
export function watchPage(page, who, problems) {
  const state = { navigations: 0, dropping: false, refusing: false };
  page.on("framenavigated", (frame) => { if (frame === page.mainFrame()) state.navigations++; });
  page.on("pageerror", (error) => problems.push(`${who}: script error: ${error.message}`));
  page.on("console", (message) => {
    // A refused sign-in's or a signed-out page's 401 is logged by the browser and expected; a policy violation
    // (an inline script or style) or a script error is not.
    const text = message.text();
    const expected = /status of 401/.test(text) ||
                     (state.refusing && /status of (400|403|404|409)/.test(text)) ||
                     (state.dropping && /^Failed to load resource: net::ERR_/.test(text));
    if (message.type() === "error" && !expected) problems.push(`${who}: console: ${text}`);
  });
  return state;
}

// `session`: the session cookie of an account the test signed in by code
// (tests/support/sign_in.h); the page gets it as after its own sign-in form, which
// sign_in_by_code.mjs drives.
export async function signInAndOpen(page, url, session, alertId, who) {
  await page.context().addCookies([{ name: "tocsin_session", value: session, url, httpOnly: true,
                                     sameSite: "Strict" }]);
  await page.goto(`${url}/`);
  const choice = `#alerts-list button[data-alert="${alertId}"]`;
  await page.waitForSelector(choice, { timeout: TIMEOUT_MS });
  await page.click(choice);
  await page.waitForSelector('#connection[data-state="live"]', { timeout: TIMEOUT_MS });
  check(await page.isVisible("#board-view"), `${who}: the alert's board is not shown`);
}

// The sign-in codes the daemon's file SMS gateway (its JSON lines in `smsFile`) has sent to
// `mobile` (E.164) so far, oldest first: what the person reads on their phone.
export async function codesSent(smsFile, mobile) {
  let text = "";
  try { text = await readFile(smsFile, "utf8"); } catch { return []; }
  const codes = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    const message = JSON.parse(line);
    if (message.to !== mobile) continue;
    const match = /(?:code de connexion est|sign-in code is) ([0-9]{6})/.exec(message.text);
    if (match) codes.push(match[1]);
  }
  return codes;
}

// Saves a PNG under `dir` and names it on stdout ("SCREENSHOT <path>") for the test.
export async function screenshot(page, dir, name, fullPage = false) {
  const file = path.join(dir, name);
  await page.screenshot({ path: file, fullPage });
  console.log(`SCREENSHOT ${file}`);
}

// Runs `body(browser, problems)` and reports on stdout: "PASS", or "FAIL: <why>" with a
// full-page screenshot of every open page (failure-N.png) and exit code 1.
export async function runChecks(browser, artifactsDir, body) {
  const problems = [];
  try {
    await body(browser, problems);
    check(problems.length === 0, problems.join("; "));
    console.log("PASS");
  } catch (error) {
    console.log(`FAIL: ${error instanceof Failure ? error.message : error.stack || error}`);
    for (const [index, context] of browser.contexts().entries()) {
      for (const page of context.pages()) {
        await screenshot(page, artifactsDir, `failure-${index}.png`, true).catch(() => {});
      }
    }
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}

// axe-core's WCAG 2.1 A and AA rules on the page as it is now (labels, names, contrast,
// ARIA, landmarks...): each violation goes into `problems` with the elements it names.
// Run through the DevTools protocol (page.evaluate), which the page's strict CSP does not
// apply to, so the page is checked as served.
let axeSource = null;
export async function checkAccessibility(page, who, problems) {
  if (!axeSource) {
    const require = createRequire(import.meta.url);
    axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  }
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
      id: v.id, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  for (const v of violations) {
    problems.push(`${who}: accessibility: ${v.id} (${v.help}) at ${v.targets.join(", ")}`);
  }
}

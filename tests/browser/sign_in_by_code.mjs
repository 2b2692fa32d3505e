// A coordinator signs in to the dashboard by a one-time code, in a real browser (Debian's
// chromium, headless, driven by playwright-core), against a real tocsind that
// tests/integration/dashboard_sign_in_browser_test.cpp started with an alert sent to a
// synthetic roster. The code arrives by SMS through the daemon's file gateway: this script
// reads it from that file, as the coordinator reads their phone. Run as
//   node sign_in_by_code.mjs '<json settings>'
// Settings: url, chromium, artifacts_dir, strings_module (daemon/dashboard/strings.js),
// alert_id, sms_file, mobile (E.164, as the gateway writes it), typed_mobile (as a person
// types it), region (the coordinator's region's display name).
//
// At 390 px and 1280 px, in French and in English: a wrong code is refused with a message
// in the page's language; the right one signs in; the alert's turnout for the region shows
// and equals the server's; a reload keeps the session; signing out (the last time: on all
// devices, from the list of alerts) ends it (the cookie no longer opens anything). The
// sign-in form and the board pass axe-core's WCAG 2.1 AA rules. Stdout: SCREENSHOT <path> lines, then PASS or FAIL: <why>.

import { mkdir } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { TIMEOUT_MS, check, checkAccessibility, codesSent, launchChromium, runChecks, screenshot,
         waitFor, watchPage } from "./browser_support.mjs";

const settings = JSON.parse(process.argv[2] || "{}");
const { STRINGS } = await import(pathToFileURL(settings.strings_module).href);

// The codes the gateway has sent to the coordinator's mobile so far, oldest first.
const codesSentToTheCoordinator = () => codesSent(settings.sms_file, settings.mobile);

const tiles = (page) => page.$$eval("#tiles [data-tile]", (nodes) => Object.fromEntries(
    nodes.map((node) => [node.dataset.tile, Number(node.querySelector(".tile-value").dataset.value)])));

// What the server answers this page's session (the cookie goes with the page's fetch).
const fetchFromPage = (page, route) => page.evaluate(async (path) => {
  const response = await fetch(path, { credentials: "same-origin" });
  return { status: response.status, body: response.ok ? await response.json() : null };
}, route);

async function boardShowsTheRegion(page, who) {
  await page.waitForSelector('#connection[data-state="live"]', { timeout: TIMEOUT_MS });
  const turnout = await fetchFromPage(page, `/v1/alerts/${encodeURIComponent(settings.alert_id)}/turnout`);
  check(turnout.status === 200, `${who}: the turnout answered ${turnout.status}`);
  check(turnout.body.total.targeted > 0, `${who}: the region has no targeted member`);
  await waitFor(`${who}'s tiles to equal the server's`, () => tiles(page),
                (shown) => shown.targeted === turnout.body.total.targeted &&
                           shown.no_answer === turnout.body.total.no_answer);
  const header = await page.textContent("#who");
  check(header.includes(settings.region), `${who}: the header "${header}" does not name ${settings.region}`);
}

async function signInByCode(browser, { width, height, locale, lang }, problems, index, everywhere) {
  const who = `coordinator ${lang} ${width}px`;
  const t = STRINGS[lang];
  const context = await browser.newContext({
    viewport: { width, height }, locale, isMobile: width < 500, hasTouch: width < 500 });
  const page = await context.newPage();
  watchPage(page, who, problems);
  await page.goto(`${settings.url}/`);
  await page.waitForSelector("#address", { state: "visible", timeout: TIMEOUT_MS });
  check(await page.getAttribute("html", "lang") === lang, `${who}: the page is not in ${lang}`);
  check(await page.textContent("#address-form label") === t.address_label, `${who}: address label`);
  check(await page.isHidden("#token"), `${who}: a token field is still offered`);
  await screenshot(page, settings.artifacts_dir, `sign-in-${lang}-${width}.png`);
  await checkAccessibility(page, `${who}, the sign-in form`, problems);

  const before = (await codesSentToTheCoordinator()).length;
  await page.fill("#address", settings.typed_mobile);
  await page.click("#address-form button[type=submit]");
  await page.waitForSelector("#code", { state: "visible", timeout: TIMEOUT_MS });
  check((await page.textContent("#code-sent")).includes(settings.typed_mobile),
        `${who}: the page does not say where the code went`);
  const codes = await waitFor(`${who}: the code's SMS`, codesSentToTheCoordinator, (sent) => sent.length > before);
  const code = codes[codes.length - 1];
  await screenshot(page, settings.artifacts_dir, `sign-in-code-${lang}-${width}.png`);

  if (index === 0) {
    // A wrong code: refused, said in the page's language, and the form stays.
    await page.fill("#code", code === "000000" ? "111111" : "000000");
    await page.click("#code-form button[type=submit]");
    await waitFor(`${who}: the refusal`, () => page.textContent("#signin-message"),
                  (text) => text === t.code_refused);
    check(await page.isVisible("#code-form"), `${who}: a refused code left the code form`);
  }
  await page.fill("#code", code);
  await page.click("#code-form button[type=submit]");
  const choice = `#alerts-list button[data-alert="${settings.alert_id}"]`;
  await page.waitForSelector(choice, { timeout: TIMEOUT_MS });

  // The cookie: HttpOnly (the page's script cannot read it) and SameSite=Strict.
  const cookies = await context.cookies();
  const session = cookies.find((cookie) => cookie.name === "tocsin_session");
  check(session && session.httpOnly && session.sameSite === "Strict",
        `${who}: the session cookie is ${JSON.stringify(session)}`);
  check(!(await page.evaluate(() => document.cookie)).includes("tocsin_session"),
        `${who}: the page's script can read the session cookie`);

  await page.click(choice);
  await boardShowsTheRegion(page, who);
  await screenshot(page, settings.artifacts_dir, `signed-in-${lang}-${width}.png`);
  await checkAccessibility(page, `${who}, the alert's board`, problems);

  // A reload keeps the session and the open alert.
  await page.reload();
  await boardShowsTheRegion(page, `${who} after a reload`);
  check(await page.isHidden("#signin-view"), `${who}: a reload asked to sign in again`);

  if (everywhere) {
    // From the list of alerts: every session of the account ends.
    await page.click("#back");
    await page.waitForSelector("#signout-everywhere", { state: "visible", timeout: TIMEOUT_MS });
    check(await page.textContent("#signout-everywhere") === t.signout_everywhere, `${who}: the button's words`);
    await page.click("#signout-everywhere");
  } else {
    await page.click("#signout");
  }
  await page.waitForSelector("#address", { state: "visible", timeout: TIMEOUT_MS });
  const after = await fetchFromPage(page, "/v1/status");
  check(after.status === 401, `${who}: after signing out the status answered ${after.status}`);
  // The old cookie, sent again by hand, opens nothing either.
  const replay = await fetch(`${settings.url}/v1/status`,
                             { headers: { Cookie: `tocsin_session=${session.value}` } });
  check(replay.status === 401, `${who}: the signed-out cookie replayed got ${replay.status}`);
  await context.close();
}

await mkdir(settings.artifacts_dir, { recursive: true });
await runChecks(await launchChromium(settings.chromium), settings.artifacts_dir,
                async (browser, problems) => {
  const runs = [
    { width: 390, height: 844, locale: "fr-CA", lang: "fr" },
    { width: 1280, height: 800, locale: "en-CA", lang: "en" },
    { width: 390, height: 844, locale: "en-CA", lang: "en" },
    { width: 1280, height: 800, locale: "fr-CA", lang: "fr" },
  ];
  for (const [index, run] of runs.entries()) {
    await signInByCode(browser, run, problems, index, index === runs.length - 1);
  }
});

// An admin manages accounts from the console's page of accounts, in a real browser (Debian's
// chromium, headless, driven by playwright-core), against a real tocsind that
// tests/integration/accounts_admin_browser_test.cpp started with a roster imported and
// three accounts signed in by code. Run as
//   node accounts_admin.mjs '<json settings>'
// Settings: url, chromium, artifacts_dir, strings_module (daemon/dashboard/strings.js),
// admin_session, coordinator_session (session cookies), coordinator_name, region (one the
// roster has), misspelt (that region misspelt).
//
// At 390 px in French and 1280 px in English: the admin reaches the page from the list of
// alerts; a coordinator account for a misspelt region is refused with the daemon's
// did-you-mean beside the regions field and nothing is created; spelt right it is created
// and listed. In the first run the admin disables the signed-in coordinator, whose session
// then opens nothing. A coordinator sees no administration link, and the page says it is
// for admins. The page passes axe-core's WCAG 2.1 AA rules. Stdout: SCREENSHOT <path> lines, then PASS or FAIL: <why>.

import { mkdir } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { TIMEOUT_MS, check, checkAccessibility, launchChromium, runChecks, screenshot, waitFor,
         watchPage } from "./browser_support.mjs";

const settings = JSON.parse(process.argv[2] || "{}");
const { STRINGS } = await import(pathToFileURL(settings.strings_module).href);

const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => values[name]);

// What the server answers this page's session.
const fetchFromPage = (page, route) => page.evaluate(async (path) => {
  const response = await fetch(path, { credentials: "same-origin" });
  return { status: response.status, body: response.ok ? await response.json() : null };
}, route);

async function openAs(browser, session, { width, height, locale }, who, problems) {
  const context = await browser.newContext({
    viewport: { width, height }, locale, isMobile: width < 500, hasTouch: width < 500 });
  await context.addCookies([{ name: "tocsin_session", value: session, url: settings.url,
                              httpOnly: true, sameSite: "Strict" }]);
  const page = await context.newPage();
  const watch = watchPage(page, who, problems);
  return { context, page, watch };
}

async function coordinatorIsKeptOut(browser, problems) {
  const who = "coordinator";
  const t = STRINGS.fr;
  const { context, page } = await openAs(browser, settings.coordinator_session,
                                         { width: 390, height: 844, locale: "fr-CA" }, who, problems);
  await page.goto(`${settings.url}/`);
  await page.waitForSelector("#alerts-view", { state: "visible", timeout: TIMEOUT_MS });
  check(await page.isHidden("#admin-nav"), `${who}: the administration link is shown`);
  await page.goto(`${settings.url}/#admin/accounts`);
  await waitFor(`${who}: the page's refusal`, () => page.textContent("#accounts-message"),
                (text) => text === t.accounts_admin_only);
  check(await page.isHidden("#account-form"), `${who}: the form is offered`);
  check(await page.$$eval("#accounts-list li", (items) => items.length) === 0,
        `${who}: accounts are listed`);
  await context.close();
}

async function manageAccounts(browser, run, problems, index) {
  const { lang } = run;
  const who = `admin ${lang} ${run.width}px`;
  const t = STRINGS[lang];
  const { context, page, watch } = await openAs(browser, settings.admin_session, run, who, problems);
  await page.goto(`${settings.url}/`);
  await page.waitForSelector("#admin-nav", { state: "visible", timeout: TIMEOUT_MS });
  await page.click('#admin-nav a[href="#admin/accounts"]');
  await page.waitForSelector("#accounts-view", { state: "visible", timeout: TIMEOUT_MS });
  await waitFor(`${who}: the list of accounts`,
                () => page.$$eval("#accounts-list .account-name", (nodes) => nodes.map((n) => n.textContent)),
                (names) => names.includes(settings.coordinator_name));
  const before = await fetchFromPage(page, "/v1/accounts");

  // A misspelt region: the daemon's did-you-mean, beside the field, and nothing created.
  const name = `Marie Roy ${lang}`;
  await page.fill("#account-name", name);
  await page.selectOption("#account-role", "coordinator");
  await page.waitForSelector("#account-regions", { state: "visible", timeout: TIMEOUT_MS });
  await page.fill("#account-regions", settings.misspelt);
  await page.fill("#account-mobile", `514 555-01${20 + index}`);
  watch.refusing = true;
  await page.click("#account-create");
  const refusal = await waitFor(`${who}: the refusal`, () => page.textContent("#account-form-message"),
                                (text) => text.includes("did you mean"));
  check(refusal.startsWith(fill(t.error_refused, { error: "" })), `${who}: the refusal reads "${refusal}"`);
  check(refusal.includes(`"${settings.region}"`), `${who}: the refusal names no region: "${refusal}"`);
  check(await page.getAttribute("#account-regions", "aria-invalid") === "true",
        `${who}: the regions field is not marked`);
  check(await page.evaluate(() => document.activeElement?.id) === "account-regions",
        `${who}: the focus is not on the regions field`);
  const unchanged = await fetchFromPage(page, "/v1/accounts");
  check(unchanged.body.accounts.length === before.body.accounts.length,
        `${who}: a refused account was created`);
  await screenshot(page, settings.artifacts_dir, `accounts-refused-${lang}-${run.width}.png`);
  await checkAccessibility(page, `${who}, a refusal shown`, problems);
  watch.refusing = false;

  // Spelt right: created and listed.
  await page.fill("#account-regions", settings.region);
  await page.click("#account-create");
  await waitFor(`${who}: the creation`, () => page.textContent("#account-form-message"),
                (text) => text === fill(t.account_created, { name }));
  check(await page.getAttribute("#account-regions", "aria-invalid") === null,
        `${who}: the regions field is still marked`);
  const listed = await page.$$eval("#accounts-list .account-name", (nodes) => nodes.map((n) => n.textContent));
  check(listed.includes(name), `${who}: ${name} is not listed: ${listed}`);
  const after = await fetchFromPage(page, "/v1/accounts");
  const created = after.body.accounts.find((account) => account.name === name);
  check(created && created.role === "coordinator" && created.regions[0] === settings.region &&
        created.mobile === `+1514555${String(120 + index).padStart(4, "0")}`,
        `${who}: the server has ${JSON.stringify(created)}`);

  if (index === 0) {
    // Disabling the signed-in coordinator ends their session at once.
    page.once("dialog", (dialog) => dialog.accept());
    await page.click(`#accounts-list button[aria-label="${fill(t.account_disable_label, { name: settings.coordinator_name })}"]`);
    await waitFor(`${who}: the disabled badge`,
                  () => page.$eval(`#accounts-list [data-disabled="true"] .account-name`, (n) => n.textContent)
                            .catch(() => ""),
                  (text) => text === settings.coordinator_name);
    const replay = await fetch(`${settings.url}/v1/status`,
                               { headers: { Cookie: `tocsin_session=${settings.coordinator_session}` } });
    check(replay.status === 401, `${who}: the disabled coordinator's session got ${replay.status}`);
  }
  await screenshot(page, settings.artifacts_dir, `accounts-${lang}-${run.width}.png`, true);
  await checkAccessibility(page, `${who}, the list`, problems);
  await context.close();
}

await mkdir(settings.artifacts_dir, { recursive: true });
await runChecks(await launchChromium(settings.chromium), settings.artifacts_dir,
                async (browser, problems) => {
  await coordinatorIsKeptOut(browser, problems);
  const runs = [
    { width: 390, height: 844, locale: "fr-CA", lang: "fr" },
    { width: 1280, height: 800, locale: "en-CA", lang: "en" },
  ];
  for (const [index, run] of runs.entries()) await manageAccounts(browser, run, problems, index);
});

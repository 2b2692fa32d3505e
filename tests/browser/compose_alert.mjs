// An officer composes an alert in the console, in a real browser (Debian's chromium,
// headless, driven by playwright-core), against a real tocsind that
// tests/integration/dashboard_compose_browser_test.cpp started with a synthetic roster of a
// few thousand members. Run as
//   node compose_alert.mjs '<json settings>'
// Settings: url, chromium, artifacts_dir, strings_module (daemon/dashboard/strings.js),
// zoned_time_module (daemon/dashboard/zoned_time.js), sms_file, mobile (the executive's,
// E.164, as the gateway writes it), typed_mobile, admin_mobile, admin_typed_mobile (an admin
// named "Ginette Roy"), time_zone (the daemon's config).
//
// At 390 px and 1280 px, in French and in English, an executive signs in by a code read from
// the SMS gateway's output, opens "New alert", picks the emergency assembly (the form fills
// from its template), picks a date and a time (the page shows back the RFC 3339 time in the
// union's zone), picks two regions (the live count is the server's), types a third one
// misspelt ("region:estri": flagged beside the audience with the did-you-mean, "create"
// disabled), fixes it, unticks "fold accents", types "ê" in the English SMS (the counter turns
// UCS-2 naming "ê"), taps "fold accents" (back to GSM-7), creates the draft and lands on
// #alert=ID, whose stored alert is what was composed; the last one opens #new&from=ID and
// finds the form filled with it; the second picks a region by keyboard first and removes it.
// Then an admin, at 390 px in French and 1280 px in English,
// opens #admin/templates, empties the strike vote's title (refused beside the field, nothing
// saved) and saves a new one. The officer's actions (clicks, fields
// filled, choices made) are counted and printed: "ACTIONS <lang> <width> <n> (<list>)".
// Stdout: SCREENSHOT <path> lines, ACTIONS lines, then PASS or FAIL: <why>.

import { mkdir } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { TIMEOUT_MS, check, checkAccessibility, codesSent, launchChromium, runChecks, screenshot,
         waitFor, watchPage } from "./browser_support.mjs";

const settings = JSON.parse(process.argv[2] || "{}");
const { STRINGS } = await import(pathToFileURL(settings.strings_module).href);
const { toRfc3339 } = await import(pathToFileURL(settings.zoned_time_module).href);


const fetchFromPage = (page, route) => page.evaluate(async (path) => {
  const response = await fetch(path, { credentials: "same-origin" });
  return { status: response.status, body: response.ok ? await response.json() : null };
}, route);

// The officer's hands: every click, fill and choice goes through here and is counted.
function hands(page) {
  const done = [];
  return {
    done,
    click: async (selector) => { done.push(`click ${selector}`); await page.click(selector); },
    fill: async (selector, value) => { done.push(`fill ${selector}`); await page.fill(selector, value); },
    choose: async (selector, value) => { done.push(`choose ${selector}`); await page.selectOption(selector, value); },
    untick: async (selector) => { done.push(`untick ${selector}`); await page.uncheck(selector); },
  };
}

const text = (page, selector) => page.textContent(selector);
const attribute = (page, selector, name) => page.getAttribute(selector, name);

// A page at that size and language, signed in by the code the gateway sent to `mobile`.
async function signedIn(browser, { width, height, locale, lang }, problems, who, mobile, typedMobile) {
  const context = await browser.newContext({
    viewport: { width, height }, locale, isMobile: width < 500, hasTouch: width < 500 });
  const page = await context.newPage();
  watchPage(page, who, problems);
  const person = hands(page);
  await page.goto(`${settings.url}/`);
  await page.waitForSelector("#address", { state: "visible", timeout: TIMEOUT_MS });
  if (await page.getAttribute("html", "lang") !== lang) await page.click("#lang-switch");
  const before = (await codesSent(settings.sms_file, mobile)).length;
  await person.fill("#address", typedMobile);
  await person.click("#address-form button[type=submit]");
  await page.waitForSelector("#code", { state: "visible", timeout: TIMEOUT_MS });
  const codes = await waitFor(`${who}: the code's SMS`, () => codesSent(settings.sms_file, mobile), (sent) => sent.length > before);
  await person.fill("#code", codes[codes.length - 1]);
  await person.click("#code-form button[type=submit]");
  return { context, page, person };
}

async function compose(browser, run, problems, duplicate, keyboard) {
  const { width, lang } = run;
  const who = `officer ${lang} ${width}px`;
  const t = STRINGS[lang];
  const started = Date.now();
  const { context, page, person: officer } =
    await signedIn(browser, run, problems, who, settings.mobile, settings.typed_mobile);
  await page.waitForSelector("#alerts-new", { state: "visible", timeout: TIMEOUT_MS });
  check(await page.isHidden("#alerts-templates"), `${who}: an executive is offered the templates`);
  check(await text(page, "#alerts-new") === t.compose_new, `${who}: the new alert link's words`);

  // A kind: the form fills from its template.
  await officer.click("#alerts-new");
  await page.waitForSelector("#compose-kind-pick", { state: "visible", timeout: TIMEOUT_MS });
  await officer.choose("#compose-kind-pick", "EMERGENCY_ASSEMBLY");
  await page.waitForSelector("#compose-form", { state: "visible", timeout: TIMEOUT_MS });
  const template = (await fetchFromPage(page, "/v1/templates/emergency-assembly")).body.alert;
  check(await page.inputValue("#compose-title") === template.title, `${who}: the title is not the template's`);
  check(await page.inputValue("#compose-en-sms") === template.messages.en.sms, `${who}: the English SMS is not the template's`);
  check(await page.getAttribute("label[for=compose-date]", "for") === "compose-date", `${who}: the date has no label`);
  check((await page.evaluate(() => location.hash)) === "#new&kind=emergency-assembly", `${who}: the hash`);

  // The date and time, on the union's clock, whatever the browser's zone.
  const day = new Date(Date.now() + 40 * 86400000).toISOString().slice(0, 10);
  await officer.fill("#compose-date", day);
  await officer.fill("#compose-time", "10:00");
  const expected = toRfc3339(day, "10:00", settings.time_zone);
  await waitFor(`${who}: the time shown back`, () => text(page, "#compose-when-echo"),
                (shown) => shown.includes(expected));

  if (keyboard) {
    // By keyboard (not counted below): arrows on the closed list only browse it, Enter adds
    // the region shown, and its chip's × removes it.
    const second = await page.$eval("#compose-pick-region", (select) => select.options[2].value);
    await page.focus("#compose-pick-region");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    check(await page.inputValue("#compose-audience") === "", `${who}: arrows on the list added a region`);
    await page.keyboard.press("Enter");
    await waitFor(`${who}: Enter adding the region shown`, () => page.inputValue("#compose-audience"),
                  (value) => value === `region:${second}`);
    await page.focus("#compose-picks .chip-remove");
    await page.keyboard.press("Enter");
    await waitFor(`${who}: the chip removed`, () => page.inputValue("#compose-audience"), (value) => value === "");
  }

  // Two regions picked from the lists: the count beside the audience is the server's.
  await officer.choose("#compose-pick-region", "montreal");
  await officer.choose("#compose-pick-region", "mauricie");
  const picked = "(region:montreal OR region:mauricie)";
  check(await page.inputValue("#compose-audience") === picked, `${who}: the picks made ${await page.inputValue("#compose-audience")}`);
  const two = (await fetchFromPage(page, `/v1/members:count?audience=${encodeURIComponent(picked)}`)).body;
  await waitFor(`${who}: the live count of two regions`, () => attribute(page, "#compose-audience-count", "data-members"),
                (members) => Number(members) === Number(two.members));

  // A third region typed, misspelt: flagged beside the audience with the did-you-mean, and
  // "create" stays disabled.
  await officer.fill("#compose-audience", "(region:montreal OR region:mauricie OR region:estri)");
  const flagged = await waitFor(`${who}: the misspelt region flagged`, () => text(page, "#compose-audience-error"),
                                (shown) => shown.includes('"estri"') && shown.includes('"Estrie"'));
  check(await page.isDisabled("#compose-create"), `${who}: create is enabled with "${flagged}"`);
  check((await attribute(page, "#compose-audience", "aria-describedby")).includes("compose-audience-error"),
        `${who}: the audience's error is not tied to it`);
  check(await attribute(page, "#compose-audience", "aria-invalid") === "true", `${who}: the audience is not marked invalid`);
  await screenshot(page, settings.artifacts_dir, `compose-misspelt-${lang}-${width}.png`);
  await checkAccessibility(page, `${who}, the form with an error`, problems);

  // Fixed: no problem left, a few thousand members.
  const audience = "(region:montreal OR region:mauricie OR region:estrie)";
  await officer.fill("#compose-audience", audience);
  const three = (await fetchFromPage(page, `/v1/members:count?audience=${encodeURIComponent(audience)}`)).body;
  check(Number(three.members) >= 1500, `${who}: the audience has only ${three.members} members`);
  await waitFor(`${who}: the count of three regions`, () => attribute(page, "#compose-audience-count", "data-members"),
                (members) => Number(members) === Number(three.members));
  check(await text(page, "#compose-audience-error") === "", `${who}: the fixed audience is still flagged`);

  // The SMS counter: "ê" forces UCS-2 (named), one tap on "fold accents" brings GSM-7 back.
  await officer.untick("#compose-fold-accents");
  await waitFor(`${who}: the English SMS in GSM-7`, () => attribute(page, "#compose-en-sms-counter", "data-encoding"),
                (encoding) => encoding === "gsm7");
  const sms = `${await page.inputValue("#compose-en-sms")} Bring your tuque, it will be a fête!`;
  await officer.fill("#compose-en-sms", sms);
  const ucs2 = await waitFor(`${who}: the counter turning UCS-2`, () => text(page, "#compose-en-sms-counter"),
                             (shown) => shown.includes("UCS-2") && shown.includes("ê"));
  check(ucs2.includes(t.compose_counter_forced.split("{")[0].trim()), `${who}: the counter "${ucs2}" does not say why`);
  check(await page.isVisible("#compose-en-fold"), `${who}: no fold accents button`);
  await screenshot(page, settings.artifacts_dir, `compose-ucs2-${lang}-${width}.png`);
  await officer.click("#compose-en-fold");
  await waitFor(`${who}: the counter back to GSM-7`, () => attribute(page, "#compose-en-sms-counter", "data-encoding"),
                (encoding) => encoding === "gsm7");
  check(await page.isChecked("#compose-fold-accents"), `${who}: fold accents is not set`);
  check(!(await text(page, "#compose-en-sms-counter")).includes("UCS-2"), `${who}: the counter still says UCS-2`);

  // Create: enabled once the daemon's answer for this very form has no problem.
  await page.waitForSelector("#compose-create:not([disabled])", { timeout: TIMEOUT_MS });
  await screenshot(page, settings.artifacts_dir, `compose-ready-${lang}-${width}.png`, true);
  await officer.click("#compose-create");
  const hash = await waitFor(`${who}: landing on the new alert`, () => page.evaluate(() => location.hash),
                             (value) => /^#alert=[a-z0-9]{16}$/.test(value));
  const id = hash.slice("#alert=".length);
  const stored = (await fetchFromPage(page, `/v1/alerts/${id}`)).body.alert;
  check(stored.state === "DRAFT", `${who}: the alert is ${stored.state}`);
  check(stored.kind === "EMERGENCY_ASSEMBLY", `${who}: the kind is ${stored.kind}`);
  check(stored.eventTime === expected, `${who}: the event time is ${stored.eventTime}, not ${expected}`);
  check(stored.expiresAt === expected, `${who}: the expiry is ${stored.expiresAt}, not the event's time`);
  check(stored.audience === audience, `${who}: the audience is ${stored.audience}`);
  check(stored.foldAccents === true, `${who}: fold accents was not stored`);
  check(stored.messages.en.sms === sms, `${who}: the English SMS stored is ${stored.messages.en.sms}`);
  check(stored.pickupPoints.length === template.pickupPoints.length, `${who}: the pickup points were lost`);
  check(stored.waves.length === template.waves.length, `${who}: the waves were lost`);
  await page.waitForSelector("#board-view", { state: "visible", timeout: TIMEOUT_MS });
  await screenshot(page, settings.artifacts_dir, `compose-created-${lang}-${width}.png`);

  if (duplicate) {
    // "Duplicate as new draft" (a link of the alert's page): the form holds the alert.
    await page.evaluate((alertId) => { location.hash = `new&from=${alertId}`; }, id);
    const heading = t.compose_title_duplicate.replace("{title}", stored.title);
    await waitFor(`${who}: the duplicate's form`, () => page.textContent("#compose-heading"),
                  (shown) => shown === heading);
    await page.waitForSelector("#compose-form", { state: "visible", timeout: TIMEOUT_MS });
    check(await page.inputValue("#compose-audience") === audience, `${who}: the duplicate's audience`);
    check(await page.inputValue("#compose-date") === day, `${who}: the duplicate's date`);
    check(await page.inputValue("#compose-en-sms") === sms, `${who}: the duplicate's English SMS`);
    check(await page.isHidden("#compose-kind-row"), `${who}: a duplicate offers another kind`);
    await page.waitForSelector("#compose-create:not([disabled])", { timeout: TIMEOUT_MS });
  }

  console.log(`ACTIONS ${lang} ${width} ${officer.done.length} in ${((Date.now() - started) / 1000).toFixed(1)} s (${officer.done.join(", ")})`);
  await context.close();
}

// An admin edits a kind's template: an empty title is refused beside the field and nothing
// is saved; fixed, it is saved.
async function editTemplate(browser, run, problems) {
  const { width, lang } = run;
  const who = `admin ${lang} ${width}px`;
  const t = STRINGS[lang];
  const started = Date.now();
  const { context, page, person: admin } =
    await signedIn(browser, run, problems, who, settings.admin_mobile, settings.admin_typed_mobile);
  await page.waitForSelector("#alerts-templates", { state: "visible", timeout: TIMEOUT_MS });
  await admin.click("#alerts-templates");
  await page.waitForSelector("#template-kind", { state: "visible", timeout: TIMEOUT_MS });
  await admin.choose("#template-kind", "STRIKE_VOTE");
  const stored = async () => (await fetchFromPage(page, "/v1/templates/strike-vote")).body;
  const before = await stored();
  await waitFor(`${who}: the strike vote's title`, () => page.inputValue("#template-title"),
                (value) => value === before.alert.title);
  check(await page.isHidden("#template-date"), `${who}: a template has a date`);
  check(await page.isHidden("#template-audience"), `${who}: a template has an audience`);

  await admin.fill("#template-title", "");
  await admin.click("#template-save");
  await waitFor(`${who}: the empty title refused beside it`, () => page.textContent("#template-title-error"),
                (shown) => shown.includes("is required"));
  check(await page.getAttribute("#template-message", "data-tone") === "error", `${who}: the refusal is not said`);
  // The browser logs the refused PUT's 400 as a console error: expected here, and only here.
  const refusedLoad = `${who}: console: Failed to load resource: the server responded with a status of 400 (Bad Request)`;
  await waitFor(`${who}: the refused PUT logged`, () => problems.includes(refusedLoad), (seen) => seen);
  problems.splice(problems.indexOf(refusedLoad), 1);
  // (Byte for byte in AlertTemplates.APutWithProblemsNamesEachFieldAndStoresNothing; a map's
  // JSON order may differ between two answers.)
  const afterRefusal = await stored();
  check(afterRefusal.alert.title === before.alert.title && afterRefusal.updatedAtUnix === before.updatedAtUnix &&
        afterRefusal.updatedBy === before.updatedBy,
        `${who}: a refused template was saved: ${JSON.stringify(afterRefusal).slice(0, 300)}`);
  await screenshot(page, settings.artifacts_dir, `template-refused-${lang}-${width}.png`);

  const title = `Vote de grève (${lang} ${width})`;
  await admin.fill("#template-title", title);
  await admin.click("#template-save");
  await waitFor(`${who}: the template saved`, () => page.textContent("#template-message"),
                (shown) => shown === t.template_saved);
  const after = await stored();
  check(after.alert.title === title, `${who}: the stored title is ${after.alert.title}`);
  check(after.updatedBy === "Ginette Roy", `${who}: saved by ${after.updatedBy}`);
  check(await page.textContent("#template-title-error") === "", `${who}: the fixed title is still flagged`);
  await screenshot(page, settings.artifacts_dir, `template-saved-${lang}-${width}.png`);
  await checkAccessibility(page, `${who}, the templates page`, problems);
  console.log(`ACTIONS admin ${lang} ${width} ${admin.done.length} in ${((Date.now() - started) / 1000).toFixed(1)} s (${admin.done.join(", ")})`);
  await context.close();
}

await mkdir(settings.artifacts_dir, { recursive: true });
await runChecks(await launchChromium(settings.chromium, { TZ: "UTC" }), settings.artifacts_dir,
                async (browser, problems) => {
  const runs = [
    { width: 390, height: 844, locale: "fr-CA", lang: "fr" },
    { width: 1280, height: 800, locale: "en-CA", lang: "en" },
    { width: 390, height: 844, locale: "en-CA", lang: "en" },
    { width: 1280, height: 800, locale: "fr-CA", lang: "fr" },
  ];
  for (const [index, run] of runs.entries()) {
    await compose(browser, run, problems, index === runs.length - 1, index === 1);
  }
  await editTemplate(browser, runs[0], problems);
  await editTemplate(browser, runs[1], problems);
});

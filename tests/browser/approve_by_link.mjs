// Two officers approve an alert from their phones, in a real browser (Debian's chromium,
// headless, playwright-core), against a real tocsind that
// tests/integration/console_approval_browser_test.cpp started with a roster of a few
// thousand members and an approval threshold below it. Sign-in codes and the approval
// link arrive by SMS through the daemon's file gateway: this script reads them from that
// file, as the officers read their phones. Run as  node approve_by_link.mjs '<json settings>'
// Settings: url, chromium, artifacts_dir, strings_module, sms_file, a_mobile, b_mobile,
// alert_json (the second draft, which A creates through the API), members (the roster's
// size).
//
// Officer A (390 px, French) signs in, composes an emergency assembly from its template
// for every member (the SMS counter turns UCS-2 at an "ê" and back after "fold accents"),
// asks approval; officer B (390 px,
// English) opens the link from the SMS, signs in, sees the preview, approves; A's page shows
// it without a reload; A sends (the confirmation names the audience size); the turnout
// moves. Then a second draft: A sends themself a test (to A's mobile only), and B declines
// it with a reason, which A's page shows live. The
// officers' actions (clicks, fields filled) are counted and printed; screenshots of each
// step, and of both pages at laptop width in the other language.
// Stdout: ACTIONS lines, SCREENSHOT <path> lines, then PASS or FAIL: <why>.

import { readFile, mkdir } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { TIMEOUT_MS, check, launchChromium, runChecks, screenshot, waitFor, watchPage }
  from "./browser_support.mjs";

const settings = JSON.parse(process.argv[2] || "{}");
const { STRINGS } = await import(pathToFileURL(settings.strings_module).href);
const shot = (page, name) => screenshot(page, settings.artifacts_dir, name, true);

// The texts the gateway has sent to `mobile` so far, oldest first.
async function textsTo(mobile) {
  let text = "";
  try { text = await readFile(settings.sms_file, "utf8"); } catch { return []; }
  return text.split("\n").filter(Boolean).map((line) => JSON.parse(line))
      .filter((message) => message.to === mobile).map((message) => message.text);
}

// An officer's page, with their clicks and fields filled counted.
function officer(page, name) {
  const who = { page, name, clicks: 0, fills: 0 };
  who.click = async (selector) => { who.clicks++; await page.click(selector); };
  who.fill = async (selector, value) => { who.fills++; await page.fill(selector, value); };
  // A choice in a list or a box ticked counts as a click.
  who.choose = async (selector, value) => { who.clicks++; await page.selectOption(selector, value); };
  who.untick = async (selector) => { who.clicks++; await page.uncheck(selector); };
  return who;
}

async function signIn(who, mobile, lang) {
  const { page } = who;
  await page.waitForSelector("#address", { state: "visible", timeout: TIMEOUT_MS });
  const before = (await textsTo(mobile)).length;
  await who.fill("#address", mobile);
  await who.click("#address-form button[type=submit]");
  await page.waitForSelector("#code", { state: "visible", timeout: TIMEOUT_MS });
  const texts = await waitFor(`${who.name}: the code's SMS`, () => textsTo(mobile), (t) => t.length > before);
  const code = /(?:code de connexion est|sign-in code is) ([0-9]{6})/.exec(texts[texts.length - 1])?.[1];
  check(code, `${who.name}: no code in ${texts[texts.length - 1]}`);
  await who.fill("#code", code);
  await who.click("#code-form button[type=submit]");
  check(await page.getAttribute("html", "lang") === lang, `${who.name}: the page is not in ${lang}`);
}

const stateShown = (page, root) =>
  page.getAttribute(`${root} [data-role=state]`, "data-state").catch(() => null);

async function newContext(browser, width, lang, storageState) {
  return browser.newContext({
    viewport: { width, height: width < 500 ? 844 : 800 }, locale: lang === "fr" ? "fr-CA" : "en-CA",
    isMobile: width < 500, hasTouch: width < 500, storageState });
}

async function setLanguage(page, lang) {
  await page.evaluate((value) => localStorage.setItem("tocsin.lang", value), lang);
}

// The approval link (its hash route) in the newest SMS to `mobile` after `before` texts.
async function linkFor(mobile, before, alertId, who) {
  const texts = await waitFor(`${who}: the SMS asking approval`, () => textsTo(mobile),
                              (t) => t.length > before && t[t.length - 1].includes("#approve="));
  const match = /#approve=([a-z0-9]{16})&exp=([0-9]+)&sig=([A-Za-z0-9_-]+)/.exec(texts[texts.length - 1]);
  check(match && match[1] === alertId, `${who}: the SMS's link is for another alert: ${texts[texts.length - 1]}`);
  check(texts[texts.length - 1].includes(`${settings.url}/#approve=`), `${who}: the link is not the console's`);
  return match[0];
}

// Officer A composes an emergency assembly from its template for every member: a date and
// a time, the audience (its live count the server's), the French SMS typed with an "ê" that
// turns the counter UCS-2, "fold accents" that turns it back; then creates the draft.
async function compose(A) {
  const { page } = A;
  const t = STRINGS.fr;
  await A.click("#alerts-new");
  await page.waitForSelector("#compose-kind-pick", { state: "visible", timeout: TIMEOUT_MS });
  await A.choose("#compose-kind-pick", "EMERGENCY_ASSEMBLY");
  await page.waitForSelector("#compose-form", { state: "visible", timeout: TIMEOUT_MS });
  const day = new Date(Date.now() + 20 * 86400000).toISOString().slice(0, 10);
  await A.fill("#compose-date", day);
  await A.fill("#compose-time", "19:00");
  await waitFor("officer A: the time shown back", () => page.textContent("#compose-when-echo"),
                (shown) => shown.includes(`${day}T19:00:00`));
  await A.fill("#compose-audience", "all");
  await waitFor("officer A: the live count", () => page.getAttribute("#compose-audience-count", "data-members"),
                (members) => Number(members) === settings.members);
  const counter = "#compose-fr-sms-counter";
  await A.untick("#compose-fold-accents");
  await A.fill("#compose-fr-sms", "{first_name}, assemblée d'urgence {event_time} devant {place}. " +
                                  "Autobus : {pickup}. Réponds OUI ou NON {code}, ou {rsvp_link}");
  await waitFor("officer A: the French SMS in GSM-7", () => page.getAttribute(counter, "data-encoding"),
                (encoding) => encoding === "gsm7");
  await A.fill("#compose-fr-sms", `${await page.inputValue("#compose-fr-sms")} Ce sera une fête!`);
  const ucs2 = await waitFor("officer A: the counter turning UCS-2", () => page.textContent(counter),
                             (shown) => shown.includes("UCS-2") && shown.includes("ê"));
  check(ucs2.includes(t.compose_counter_forced.split("{")[0].trim()), `officer A: the counter "${ucs2}" does not say why`);
  await shot(page, "a-compose-ucs2-fr-390.png");
  await A.click("#compose-fr-fold");
  await waitFor("officer A: the counter back to GSM-7", () => page.getAttribute(counter, "data-encoding"),
                (encoding) => encoding === "gsm7");
  await page.waitForSelector("#compose-create:not([disabled])", { timeout: TIMEOUT_MS });
  await shot(page, "a-compose-ready-fr-390.png");
  await A.click("#compose-create");
  const hash = await waitFor("officer A: landing on the new draft", () => page.evaluate(() => location.hash),
                             (value) => /^#alert=[a-z0-9]{16}$/.test(value));
  return hash.slice("#alert=".length);
}

async function createDraft(page) {
  return page.evaluate(async (json) => {
    const response = await fetch("/v1/alerts", { method: "POST", body: json, credentials: "same-origin",
                                                 headers: { "Content-Type": "application/json" } });
    return (await response.json()).alert.id;
  }, settings.alert_json);
}

await mkdir(settings.artifacts_dir, { recursive: true });
await runChecks(await launchChromium(settings.chromium), settings.artifacts_dir,
                async (browser, problems) => {
  const started = Date.now();
  const fr = STRINGS.fr;
  const en = STRINGS.en;
  const contextA = await newContext(browser, 390, "fr");
  const contextB = await newContext(browser, 390, "en");
  const A = officer(await contextA.newPage(), "officer A");
  const B = officer(await contextB.newPage(), "officer B");
  const watchA = watchPage(A.page, A.name, problems);
  watchPage(B.page, B.name, problems);
  await B.page.addInitScript(() => {
    if (!localStorage.getItem("tocsin.lang")) localStorage.setItem("tocsin.lang", "en");
  });
  await A.page.addInitScript(() => {
    if (!localStorage.getItem("tocsin.lang")) localStorage.setItem("tocsin.lang", "fr");
  });

  // ---- A signs in and has a draft for a few thousand members ----
  await A.page.goto(`${settings.url}/`);
  await signIn(A, settings.a_mobile, "fr");
  await A.page.waitForSelector("#alerts-view:not([hidden])", { timeout: TIMEOUT_MS });
  const alertId = await compose(A);
  await A.page.waitForSelector('#alert-panel [data-action="request-approval"]', { timeout: TIMEOUT_MS });
  const audience = Number(await A.page.getAttribute("#alert-panel [data-role=audience]", "data-members"));
  check(audience === settings.members, `officer A: the preview says ${audience} members, not ${settings.members}`);
  check(await A.page.isVisible("#alert-panel [data-sms=fr]"), "officer A: no French SMS in the preview");
  await shot(A.page, "a-draft-fr-390.png");

  // ---- A asks approval: B's phone gets the link ----
  const bTexts = (await textsTo(settings.b_mobile)).length;
  await A.click('#alert-panel [data-action="request-approval"]');
  await waitFor("officer A: the request's answer", () => A.page.textContent("#alert-panel [data-role=action-message]"),
                (text) => text.includes("SMS"));
  check(!(await A.page.isVisible('#alert-panel [data-action="approve"]')),
        "officer A: the creator is offered to approve a large alert");
  await shot(A.page, "a-approval-requested-fr-390.png");
  const hash = await linkFor(settings.b_mobile, bTexts, alertId, B.name);

  // A refusal the test asks for: the browser logs its 400 or 403, which is no problem here.
  const expectingRefusal = async (run) => {
    const before = problems.length;
    await run();
    const kept = problems.slice(before).filter((p) => !/status of 40[03]/.test(p));
    problems.splice(before, problems.length - before, ...kept);
  };

  // ---- the link opened by its creator: refused, in A's language, nothing offered ----
  await A.page.goto(`${settings.url}/${hash}`);
  await expectingRefusal(() =>
    A.page.waitForSelector("#approve-panel [data-role=refusal]", { timeout: TIMEOUT_MS }));
  check((await A.page.textContent("#approve-panel [data-role=refusal]")).startsWith(fr.refused_creator),
        "officer A: the creator's refusal is not said in French");
  check(!(await A.page.isVisible('#approve-panel [data-action="approve"]')), "officer A: approve offered on own link");
  await shot(A.page, "a-own-link-refused-fr-390.png");
  await A.page.goto(`${settings.url}/#alert=${alertId}`);
  await A.page.waitForSelector('#alert-panel [data-role=state][data-state="DRAFT"]', { timeout: TIMEOUT_MS });
  await A.page.evaluate(() => { window.__sameDocument = true; });

  // ---- B opens the link, signs in, sees the preview, approves ----
  await B.page.goto(`${settings.url}/${hash}`);  // following the link: not counted as a click
  await signIn(B, settings.b_mobile, "en");
  await B.page.waitForSelector('#approve-panel [data-action="approve"]', { timeout: TIMEOUT_MS });
  check(await B.page.evaluate(() => location.hash.startsWith("#approve=")), "officer B: sign-in lost the link");
  check(await B.page.isVisible("#approve-panel [data-role=preview]"), "officer B: no preview");
  check(await B.page.isVisible("#approve-panel [data-sms=en]"), "officer B: no English SMS in the preview");
  check((await B.page.textContent("#approve-panel [data-role=approval]")).includes("Anne"),
        "officer B: the page does not say who asked");
  await shot(B.page, "b-approval-page-en-390.png");
  // A forged link is refused before anything changes.
  await B.page.goto(`${settings.url}/${hash.replace(/sig=(.)/, (m, c) => `sig=${c === "A" ? "B" : "A"}`)}`);
  await expectingRefusal(() =>
    B.page.waitForSelector("#approve-panel [data-role=refusal]", { timeout: TIMEOUT_MS }));
  check((await B.page.textContent("#approve-panel [data-role=refusal]")).includes("not valid"),
        "officer B: a forged link is not refused clearly");
  await shot(B.page, "b-forged-link-en-390.png");
  await B.page.goto(`${settings.url}/${hash}`);
  await B.page.waitForSelector('#approve-panel [data-action="approve"]', { timeout: TIMEOUT_MS });
  await B.click('#approve-panel [data-action="approve"]');
  await waitFor("officer B: approved", () => stateShown(B.page, "#approve-panel"), (s) => s === "APPROVED");
  await shot(B.page, "b-approved-en-390.png");

  // ---- A's page shows it without a reload, A sends ----
  const navigations = watchA.navigations;
  await waitFor("officer A: the approval, live", () => stateShown(A.page, "#alert-panel"), (s) => s === "APPROVED");
  check(await A.page.evaluate(() => window.__sameDocument === true) && watchA.navigations === navigations,
        "officer A: the page was reloaded to show the approval");
  check((await A.page.textContent("#alert-panel [data-role=approval]")).includes("Bruno"),
        "officer A: the page does not say who approved");
  await A.click('#alert-panel [data-action="send"]');
  const formatted = await A.page.evaluate((n) => new Intl.NumberFormat("fr-CA").format(n), settings.members);
  const question = await A.page.textContent("#alert-panel [data-role=confirm-text]");
  check(question === fr.confirm_send.replace("{count}", formatted),
        `officer A: the confirmation "${question}" does not name ${formatted} members`);
  await shot(A.page, "a-confirm-send-fr-390.png");
  await A.click('#alert-panel [data-confirm="yes"]');
  await waitFor("officer A: the turnout moving", () => A.page.getAttribute('#tiles [data-tile="sent"] .tile-value', "data-value"),
                (value) => Number(value) > 0);
  await shot(A.page, "a-sending-fr-390.png");
  console.log(`ACTIONS compose-approve-send (sign-ins included): A clicks=${A.clicks} fills=${A.fills}; B clicks=${B.clicks} fills=${B.fills}`);
  const counted = { a: [A.clicks, A.fills], b: [B.clicks, B.fills] };

  // ---- a correction to those who said yes: the daemon's refusal beside the form, then a draft ----
  await A.page.waitForSelector('#alert-panel [data-action="followup"]', { timeout: TIMEOUT_MS });
  await A.page.click('#alert-panel [data-action="followup"]');
  await A.page.selectOption("#followup-group", "yes");
  await expectingRefusal(async () => {
    await A.page.click("#alert-panel [data-role=followup-form] button[type=submit]");
    await waitFor("officer A: the follow-up's refusal",
                  () => A.page.getAttribute("#alert-panel [data-role=action-message]", "data-tone"),
                  (tone) => tone === "error");
  });
  await A.page.fill("#followup-fr", "CHANGEMENT DE LIEU : rendez-vous au parc Jarry, même heure.");
  await A.page.click("#alert-panel [data-role=followup-form] button[type=submit]");
  // The follow-up's own page opens: a draft to approve and send.
  await waitFor("officer A: the follow-up's page", () => A.page.evaluate(() => location.hash),
                (value) => value.startsWith("#alert=") && value !== `#alert=${alertId}`);
  await waitFor("officer A: the follow-up, a draft", () => stateShown(A.page, "#alert-panel"), (s) => s === "DRAFT");
  await shot(A.page, "a-followup-fr-390.png");

  // ---- a second draft, declined with a reason, live on A's page ----
  const second = await createDraft(A.page);
  await A.page.evaluate((id) => { location.hash = `alert=${id}`; }, second);
  await A.page.waitForSelector('#alert-panel [data-action="request-approval"]', { timeout: TIMEOUT_MS });
  // "Send me a test": the rendered SMS to A's own mobile, and to nobody else.
  const aBefore = (await textsTo(settings.a_mobile)).length;
  const bBeforeTest = (await textsTo(settings.b_mobile)).length;
  await A.page.click('#alert-panel [data-action="test"]');
  const aTexts = await waitFor("officer A: the test SMS", () => textsTo(settings.a_mobile),
                               (texts) => texts.length > aBefore);
  check(aTexts[aTexts.length - 1].includes("[TEST]"), `officer A: the test SMS reads "${aTexts[aTexts.length - 1]}"`);
  await waitFor("officer A: the test said sent", () => A.page.textContent("#alert-panel [data-role=action-message]"),
                (text) => text.includes("SMS"));
  check((await textsTo(settings.b_mobile)).length === bBeforeTest, "officer B got officer A's test");
  const before = (await textsTo(settings.b_mobile)).length;
  await A.click('#alert-panel [data-action="request-approval"]');
  const secondHash = await linkFor(settings.b_mobile, before, second, B.name);
  await B.page.goto(`${settings.url}/${secondHash}`);
  await B.page.waitForSelector('#approve-panel [data-action="decline"]', { timeout: TIMEOUT_MS });
  await B.click('#approve-panel [data-action="decline"]');
  await B.fill("#decline-reason", "Wrong date: the assembly is on Sunday");
  await shot(B.page, "b-decline-en-390.png");
  await B.click("#approve-panel [data-role=decline-form] button[type=submit]");
  await waitFor("officer A: the refusal, live", () => A.page.textContent("#alert-panel [data-role=approval]").catch(() => ""),
                (text) => text.includes("Wrong date: the assembly is on Sunday"));
  check(await stateShown(A.page, "#alert-panel") === "DRAFT", "officer A: a declined alert left the draft state");
  await shot(A.page, "a-declined-fr-390.png");
  const trail = await A.page.$$eval("#alert-panel [data-role=trail] li", (items) => items.map((li) => li.dataset.action));
  check(JSON.stringify(trail) === JSON.stringify(["alert.create", "alert.test", "alert.approval_requested", "alert.decline"]),
        `officer A: the trail reads ${JSON.stringify(trail)}`);
  console.log(`ACTIONS decline: A clicks=${A.clicks - counted.a[0]} fills=${A.fills - counted.a[1]}; ` +
              `B clicks=${B.clicks - counted.b[0]} fills=${B.fills - counted.b[1]}`);

  // ---- the history: newest first, with the first alert's members and state ----
  await A.page.evaluate(() => { location.hash = ""; });
  await A.page.waitForSelector(`#alerts-list [data-alert="${alertId}"]`, { timeout: TIMEOUT_MS });
  const rows = await A.page.$$eval("#alerts-list [data-alert]", (nodes) => nodes.map((n) => n.dataset.alert));
  check(rows[0] === second && rows[1] === alertId, `officer A: the history's order is ${JSON.stringify(rows)}`);
  const numbers = await A.page.textContent(`#alerts-list [data-alert="${alertId}"] [data-role=numbers]`);
  check(numbers.includes(formatted), `officer A: the history's line "${numbers}" does not name ${formatted} members`);
  check(numbers.includes(fr.history_coming.replace("{count}", "0")),
        `officer A: the history's line "${numbers}" does not say how many people are coming`);
  check(await A.page.isVisible("#alerts-new"), "officer A: no New alert button");
  check(await A.page.getAttribute("#alerts-new", "href") === "#new", "officer A: New alert does not lead to #new");
  await shot(A.page, "a-history-fr-390.png");

  // ---- laptop width, in the other language: A's alert page, B's approval page ----
  for (const [context, name, lang, path, root] of [
      [contextA, "a-alert-page", "en", `#alert=${alertId}`, "#alert-panel"],
      [contextB, "b-approval-page", "fr", secondHash, "#approve-panel"]]) {
    const laptop = await newContext(browser, 1280, lang, await context.storageState());
    const page = await laptop.newPage();
    watchPage(page, `${name} at 1280 px`, problems);
    await page.goto(`${settings.url}/`);
    await setLanguage(page, lang);
    await page.goto(`${settings.url}/${path}`);
    await page.reload();
    await page.waitForSelector(`${root} [data-role=state]`, { timeout: TIMEOUT_MS });
    check(await page.getAttribute("html", "lang") === lang, `${name} at 1280 px: not in ${lang}`);
    const words = lang === "en" ? en : fr;
    check((await page.textContent(`${root} [data-role=state]`)).startsWith(words.alert_state_line.split("{")[0]),
          `${name} at 1280 px: the state line is not in ${lang}`);
    await shot(page, `${name}-${lang}-1280.png`);
    await page.evaluate(() => { location.hash = ""; });
    await page.waitForSelector(`#alerts-list [data-alert="${alertId}"]`, { timeout: TIMEOUT_MS });
    await shot(page, `${name.slice(0, 1)}-history-${lang}-1280.png`);
    await laptop.close();
  }
  console.log(`ELAPSED ${Date.now() - started} ms`);
});

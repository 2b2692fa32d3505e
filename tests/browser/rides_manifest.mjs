// A coordinator runs the event day's rides and bus manifests from the console, in a real
// browser (Debian's chromium, headless, driven by playwright-core), against a real tocsind
// that tests/integration/rides_manifest_browser_test.cpp started with an alert answered by
// SMS (drivers OUI AUTO 1, riders OUI BUS from a pickup point no bus runs from) and seats held
// on two buses of another pickup point. Run as
//   node rides_manifest.mjs '<json settings>'
// Settings: url, chromium, artifacts_dir, strings_module (daemon/dashboard/strings.js),
// coordinator_session, alert_id, pickup (the pickup point with buses), pickup_name, buses,
// seated (member ids holding seats, each {id, last_name, bus}).
//
// At 390 px and 1280 px, in French and English: from the alert's page the coordinator opens
// the rides, confirms the first proposal through the dialog that names who will receive
// whose number, and sees it move to the confirmed matches; opens the manifest from the
// alert's page, sees a table per bus, downloads its CSV (the file has the seated members),
// then, as printed, sees no bar and no buttons, names in large type and one bus per page
// (the PDF chromium prints has one page per bus). Each page passes axe-core's WCAG 2.1 AA
// rules. Stdout: CONFIRMED <driver> lines, SCREENSHOT <path> lines, then PASS or FAIL: <why>.

import { mkdir, readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { TIMEOUT_MS, check, checkAccessibility, launchChromium, runChecks, screenshot, waitFor,
         watchPage } from "./browser_support.mjs";

const settings = JSON.parse(process.argv[2] || "{}");
const { STRINGS } = await import(pathToFileURL(settings.strings_module).href);

const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => values[name]);

async function openAs(browser, { width, height, locale }, who, problems) {
  const context = await browser.newContext({
    viewport: { width, height }, locale, isMobile: width < 500, hasTouch: width < 500, acceptDownloads: true });
  await context.addCookies([{ name: "tocsin_session", value: settings.coordinator_session, url: settings.url,
                              httpOnly: true, sameSite: "Strict" }]);
  const page = await context.newPage();
  watchPage(page, who, problems);
  return { context, page };
}

const count = (page, selector) => page.$$eval(selector, (nodes) => nodes.length);

async function confirmAProposal(page, run, who, problems) {
  const t = STRINGS[run.lang];
  await page.goto(`${settings.url}/#alert=${encodeURIComponent(settings.alert_id)}`);
  await page.waitForSelector('[data-role="rides-link"]', { timeout: TIMEOUT_MS });
  await page.click('[data-role="rides-link"]');
  await page.waitForSelector("#rides-view", { state: "visible", timeout: TIMEOUT_MS });
  await page.waitForSelector("#rides-proposals, [data-role=rides-proposals-empty]", { timeout: TIMEOUT_MS });
  const proposals = await count(page, '#rides-proposals [data-role="proposal"]');
  const matches = await count(page, '#rides-matches [data-role="match"]');
  check(proposals > 0, `${who}: no proposal to confirm`);
  check(await page.isVisible("#rides-drivers") && await page.isVisible("#rides-riders"),
        `${who}: the drivers' and riders' tables are not shown`);
  await checkAccessibility(page, `${who}, the rides`, problems);
  await screenshot(page, settings.artifacts_dir, `rides-${run.lang}-${run.width}.png`, true);

  // The dialog names who will receive whose number, as the daemon proposed it.
  const rides = await page.evaluate(async (route) => (await fetch(route, { credentials: "same-origin" })).json(),
                                    `/v1/alerts/${encodeURIComponent(settings.alert_id)}/rides`);
  const proposal = rides.proposals[0];
  const names = new Map([...rides.drivers, ...rides.riders].map((p) => [p.memberId, p.firstName]));
  const expected = fill(t.rides_confirm_dialog, { driver: names.get(proposal.driver),
                                                  riders: proposal.riders.map((id) => names.get(id)).join(", ") });
  const first = page.locator('#rides-proposals [data-role="proposal"]').first();
  const driverId = await first.locator("button").getAttribute("data-driver");
  check(driverId === proposal.driver, `${who}: the first proposal shown is not the daemon's first`);
  let dialogText = "";
  page.once("dialog", (dialog) => { dialogText = dialog.message(); dialog.accept(); });
  await first.locator("button").click();
  const escape = (text) => text.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&");
  const said = new RegExp(`^${escape(fill(t.rides_confirmed, { id: "MATCHID", count: proposal.riders.length + 1 }))
      .replace("MATCHID", "R[0-9]+")}$`);
  await waitFor(`${who}: the confirmation`, () => page.textContent("#ride-page-message"), (text) => said.test(text));
  check(dialogText === expected, `${who}: the dialog reads "${dialogText}", not "${expected}"`);
  await waitFor(`${who}: the match confirmed`, () => count(page, '#rides-matches [data-role="match"]'),
                (n) => n === matches + 1);
  check(await count(page, '#rides-proposals [data-role="proposal"]') === proposals - 1,
        `${who}: the proposal is still offered`);
  console.log(`CONFIRMED ${driverId}`);
  await checkAccessibility(page, `${who}, a match confirmed`, problems);
  await screenshot(page, settings.artifacts_dir, `rides-confirmed-${run.lang}-${run.width}.png`, true);
}

async function takeAManifest(page, run, who, problems) {
  const t = STRINGS[run.lang];
  await page.goto(`${settings.url}/#alert=${encodeURIComponent(settings.alert_id)}`);
  const link = `[data-role="manifest-link"][data-pickup="${settings.pickup}"]`;
  await page.waitForSelector(link, { timeout: TIMEOUT_MS });
  check(await page.textContent(link) === fill(t.event_day_manifest, { pickup: settings.pickup_name }),
        `${who}: the manifest link reads "${await page.textContent(link)}"`);
  await page.click(link);
  await page.waitForSelector("#manifest-view .bus-sheet", { timeout: TIMEOUT_MS });
  check(await count(page, ".bus-sheet") === settings.buses, `${who}: not one table per bus`);
  for (const seated of settings.seated) {
    const bus = await page.$eval(`tr[data-member="${seated.id}"]`, (row) => row.closest(".bus-sheet").dataset.bus);
    check(Number(bus) === seated.bus, `${who}: ${seated.id} is on bus ${bus}, not ${seated.bus}`);
    const name = await page.$eval(`tr[data-member="${seated.id}"] td.name`, (cell) => cell.textContent);
    check(name === seated.last_name, `${who}: ${seated.id}'s last name reads "${name}"`);
  }
  await checkAccessibility(page, `${who}, the manifest`, problems);
  await screenshot(page, settings.artifacts_dir, `manifest-${run.lang}-${run.width}.png`, true);

  // "Download CSV": the file the browser saves has every seated member.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#manifest-csv")]);
  const csv = await readFile(await download.path(), "utf8");
  check(csv.startsWith("bus,member_id,last_name,first_name,mobile,"), `${who}: the CSV starts "${csv.slice(0, 60)}"`);
  for (const seated of settings.seated) {
    check(csv.includes(`\r\n${seated.bus},${seated.id},`), `${who}: ${seated.id} is not in the CSV`);
  }
  check(download.suggestedFilename().endsWith("-manifest.csv"), `${who}: saved as ${download.suggestedFilename()}`);
  await waitFor(`${who}: the download said`, () => page.textContent("#manifest-message"),
                (text) => text.startsWith(t.manifest_downloaded.split("{")[0]));

  // As printed: no bar, no buttons, names large enough for a clipboard, one bus per page.
  await page.emulateMedia({ media: "print" });
  const printed = await page.evaluate(() => {
    const shown = (node) => node && getComputedStyle(node).display !== "none";
    const sheets = [...document.querySelectorAll(".bus-sheet")];
    return {
      bar: shown(document.querySelector(".top-bar")),
      buttons: [...document.querySelectorAll("#manifest-view button")].filter(shown).length,
      nameSize: parseFloat(getComputedStyle(document.querySelector(".manifest-table td.name")).fontSize),
      breaks: sheets.slice(1).map((sheet) => getComputedStyle(sheet).breakBefore),
    };
  });
  check(!printed.bar, `${who}: the console's bar is printed`);
  check(printed.buttons === 0, `${who}: ${printed.buttons} button(s) printed`);
  check(printed.nameSize >= 20, `${who}: names print at ${printed.nameSize}px`);
  check(printed.breaks.length === settings.buses - 1 && printed.breaks.every((b) => b === "page"),
        `${who}: buses do not each start a page: ${printed.breaks}`);
  await screenshot(page, settings.artifacts_dir, `manifest-print-${run.lang}-${run.width}.png`, true);
  const pdf = await page.pdf({ format: "Letter" });
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
  check(pages === settings.buses, `${who}: the printed manifest has ${pages} page(s) for ${settings.buses} buses`);
  await page.emulateMedia({ media: "screen" });
}

await mkdir(settings.artifacts_dir, { recursive: true });
await runChecks(await launchChromium(settings.chromium), settings.artifacts_dir,
                async (browser, problems) => {
  const runs = [
    { width: 390, height: 844, locale: "fr-CA", lang: "fr" },
    { width: 1280, height: 800, locale: "en-CA", lang: "en" },
    { width: 1280, height: 800, locale: "fr-CA", lang: "fr" },
    { width: 390, height: 844, locale: "en-CA", lang: "en" },
  ];
  for (const run of runs) {
    const who = `coordinator ${run.lang} ${run.width}px`;
    const { context, page } = await openAs(browser, run, who, problems);
    await confirmAProposal(page, run, who, problems);
    await takeAManifest(page, run, who, problems);
    await context.close();
  }
});

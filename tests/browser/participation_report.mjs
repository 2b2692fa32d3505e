// The participation report in the console (report.js), in Debian's chromium, as an executive
// and a coordinator would use it after an assembly. Run by
// tests/integration/reports_browser_test.cpp (ReportsBrowser) as
//   node participation_report.mjs '<json settings>'
// Settings: url, chromium, artifacts_dir, alert_id, alert_code, executive_session,
// coordinator_session (session cookies of accounts the test signed in by code), totals
// {targeted, yes, present, present_self, no_show} (the executive's), coordinator_targeted,
// csv_file (a file holding the report's CSV as the API gives it to the executive),
// locals_csv_header (its header line, without the CRLF).
//
// For fr and en, at 390 px and 1280 px: from the list of alerts, the alert's "Report" link
// opens #report=ID; its totals are the API's; the tables by region, sector, local and job
// title are there, each scrolls sideways inside its box at 390 px with its first column in
// place; a column heading sorts its table; axe finds nothing; "Download CSV" saves the API's
// CSV byte for byte. Then #reports/locals from the list's link: the locals table and its
// CSV. The coordinator sees their one region. The alert's own page links to its report.
// Screenshots report-<lang>-<width>.png, locals-<lang>-<width>.png. Prints PASS or FAIL.

import { mkdir, readFile } from "node:fs/promises";
import { check, checkAccessibility, launchChromium, runChecks, screenshot, TIMEOUT_MS, waitFor,
         watchPage } from "./browser_support.mjs";

const settings = JSON.parse(process.argv[2] || "{}");
const VIEWPORTS = { 390: { width: 390, height: 844 }, 1280: { width: 1280, height: 800 } };
const digits = (text) => Number(String(text).replace(/[^0-9]/g, ""));

async function newPage(browser, lang, width, session, who, problems) {
  const phone = width === 390;
  const context = await browser.newContext({
    viewport: VIEWPORTS[width], locale: lang === "fr" ? "fr-CA" : "en-CA", acceptDownloads: true,
    ...(phone ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
  });
  await context.addCookies([{ name: "tocsin_session", value: session, url: settings.url, httpOnly: true,
                              sameSite: "Strict" }]);
  const page = await context.newPage();
  watchPage(page, who, problems);
  return page;
}

async function downloadCsv(page, who) {
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: TIMEOUT_MS }),
                                        page.click("#report-csv")]);
  const file = await download.path();
  check(file, `${who}: the download failed: ${await download.failure()}`);
  return { name: download.suggestedFilename(), text: await readFile(file, "utf8") };
}

// A table that is wider than its box scrolls inside it, and its first column stays put.
async function checkScrolls(page, tableId, who) {
  const box = `#${tableId}`;
  const sizes = await page.$eval(box, (table) => {
    const scroller = table.closest(".table-scroll");
    return { scroll: scroller.scrollWidth, client: scroller.clientWidth, page: document.documentElement.scrollWidth,
             viewport: window.innerWidth };
  });
  check(sizes.page <= sizes.viewport, `${who}: the page is wider than the screen: ${JSON.stringify(sizes)}`);
  if (sizes.scroll <= sizes.client) return false;
  const before = await page.$eval(`${box} tbody th`, (th) => th.getBoundingClientRect().left);
  await page.$eval(box, (table) => { table.closest(".table-scroll").scrollLeft = 200; });
  const after = await page.$eval(`${box} tbody th`, (th) => th.getBoundingClientRect().left);
  check(Math.abs(after - before) < 1, `${who}: the first column moved from ${before} to ${after} when ${tableId} scrolled`);
  await page.$eval(box, (table) => { table.closest(".table-scroll").scrollLeft = 0; });
  return true;
}

async function checkReport(page, lang, width, who, problems) {
  await page.goto(`${settings.url}/`);
  const link = `#alerts-list a[data-report="${settings.alert_id}"]`;
  await page.waitForSelector(link, { timeout: TIMEOUT_MS });
  await page.click(link);
  await page.waitForSelector('[data-role="report-totals"]', { timeout: TIMEOUT_MS });
  check(page.url().endsWith(`#report=${settings.alert_id}`), `${who}: the link opened ${page.url()}`);
  const heading = await page.textContent("#report-heading");
  check(heading.includes(settings.alert_code), `${who}: the heading "${heading}" does not name ${settings.alert_code}`);
  for (const [measure, value] of Object.entries(settings.totals)) {
    const shown = await page.textContent(`[data-measure="${measure}"] .tile-value`);
    check(digits(shown) === value, `${who}: ${measure} shows "${shown}", the API says ${value}`);
  }
  for (const table of ["report-regions", "report-sectors", "report-locals", "report-job_titles"]) {
    check(await page.isVisible(`#${table}`), `${who}: no table ${table}`);
  }
  const scrolled = await checkScrolls(page, "report-locals", who);
  if (width === 390) check(scrolled, `${who}: the locals table does not scroll sideways at 390 px`);

  // Sorting by "present", most first; the merged small groups stay last.
  await page.click('#report-locals [data-sort="present"]');
  await waitFor(`${who}: sorted by present`,
                () => page.$eval('#report-locals th[data-column="present"]', (th) => th.getAttribute("aria-sort")),
                (sort) => sort === "descending");
  const present = await page.$$eval('#report-locals tbody tr:not([data-key="*"]) td[data-column="present"]',
                                    (cells) => cells.map((cell) => Number(cell.textContent.replace(/[^0-9]/g, ""))));
  check(present.every((value, i) => i === 0 || present[i - 1] >= value), `${who}: not sorted: ${present}`);
  const last = await page.$eval("#report-locals tbody tr:last-child", (row) => row.dataset.key);
  check(last === "*", `${who}: the merged groups are not last after sorting (${last})`);

  await checkAccessibility(page, who, problems);
  await screenshot(page, settings.artifacts_dir, `report-${lang}-${width}.png`, true);
  const csv = await downloadCsv(page, who);
  check(csv.text === await readFile(settings.csv_file, "utf8"), `${who}: the CSV downloaded differs from the API's:\n${csv.text.slice(0, 300)}`);
  check(csv.name === `tocsin-${settings.alert_code}-report.csv`, `${who}: the file is named ${csv.name}`);
  await waitFor(`${who}: the download said`, () => page.textContent("#report-message"),
                (text) => text.includes(csv.name));

  // Across alerts, from the list's link.
  await page.goto(`${settings.url}/#`);
  await page.waitForSelector("#alerts-locals", { state: "visible", timeout: TIMEOUT_MS });
  await page.click("#alerts-locals");
  await page.waitForSelector("#report-locals-table tbody tr", { timeout: TIMEOUT_MS });
  const alerts = await page.$$eval('[data-role="locals-alerts"] a', (links) => links.map((a) => a.getAttribute("href")));
  check(alerts.length === 1 && alerts[0] === `#report=${settings.alert_id}`, `${who}: the locals page lists ${alerts}`);
  await checkScrolls(page, "report-locals-table", who);
  await checkAccessibility(page, `${who} locals`, problems);
  await screenshot(page, settings.artifacts_dir, `locals-${lang}-${width}.png`, true);
  const locals = await downloadCsv(page, `${who} locals`);
  check(locals.text.startsWith(settings.locals_csv_header), `${who}: the locals CSV starts "${locals.text.slice(0, 80)}"`);
}

async function checkCoordinator(browser, problems) {
  const who = "coordinator en 390";
  const page = await newPage(browser, "en", 390, settings.coordinator_session, who, problems);
  // From the alert's own page: a coordinator's link is in the event day's panel, below
  // their pickup points.
  await page.goto(`${settings.url}/#alert=${settings.alert_id}`);
  const link = '#event-day-slot a[data-role="report-link"]';
  await page.waitForSelector(link, { state: "visible", timeout: TIMEOUT_MS });
  await page.click(link);
  await page.waitForSelector('[data-role="report-totals"]', { timeout: TIMEOUT_MS });
  const regions = await page.$$eval("#report-regions tbody tr", (rows) => rows.length);
  check(regions === 1, `${who}: ${regions} regions shown, not the coordinator's one`);
  const targeted = await page.textContent('[data-measure="targeted"] .tile-value');
  check(digits(targeted) === settings.coordinator_targeted,
        `${who}: targeted shows "${targeted}", not ${settings.coordinator_targeted}`);
  await checkAccessibility(page, who, problems);
  await screenshot(page, settings.artifacts_dir, "report-coordinator-en-390.png", true);
}

const browser = await launchChromium(settings.chromium);
await runChecks(browser, settings.artifacts_dir, async (_, problems) => {
  await mkdir(settings.artifacts_dir, { recursive: true });
  for (const lang of ["fr", "en"]) {
    for (const width of [390, 1280]) {
      const who = `executive ${lang} ${width}`;
      const page = await newPage(browser, lang, width, settings.executive_session, who, problems);
      await checkReport(page, lang, width, who, problems);
      await page.context().close();
    }
  }
  await checkCoordinator(browser, problems);
});

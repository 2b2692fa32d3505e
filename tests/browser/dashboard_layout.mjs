// The dashboard as a coordinator sees it on a phone at a bus stop, and as an executive on
// a laptop, in Debian's chromium on a machine whose clock is in UTC (TZ=UTC, and the
// contexts' time zone UTC) while the union's is America/Toronto. Run by
// tests/integration/dashboard_browser_test.cpp (DashboardBrowserLayout) as
//   node dashboard_layout.mjs '<json settings>'
// Settings: url, chromium, artifacts_dir, alert_id, executive_session, coordinator_session
// (the session cookies of two accounts the test signed in by code), alert_region {key, name}
// (the one region the alert went to; the coordinator's account holds its key), other_region {key, name} (the coordinator's other region, left out of the
// alert), pickups {id: {needed, capacity, over}}, region_counts {yes, coming, bus_seats} (of
// the alert region), event_time {fr, en} (the event's time of day in the union's zone),
// utc_time {fr, en} (the same in UTC: must not show). The alert's gateways send no receipts.
//
// For each language, checks and screenshots (dashboard-<who>-<lang>-<390|1366>.png):
//   - the coordinator's pickup points (seats needed / capacity) and their regions' yes and
//     coming are in the first screen at 390x844, above the tiles, without any scroll;
//   - the event time is the union's, the header names regions by name, not by key;
//   - "delivered" is not shown as a number, a note says the gateway sends no receipts;
//   - ride-list buttons only for the region the alert went to;
//   - every table fits its box or scrolls sideways with its first column staying put.
// Prints "SCREENSHOT <path>" lines, then PASS, or "FAIL: <why>" (exit 1).

import { mkdir } from "node:fs/promises";
import { check, launchChromium, runChecks, screenshot, signInAndOpen, waitFor, watchPage }
    from "./browser_support.mjs";

const settings = JSON.parse(process.argv[2] || "{}");
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };
const RECEIPTS_NOTE = { fr: "n'envoie pas d'accusés de réception", en: "no receipts from this gateway" };

const localeOf = (lang) => (lang === "fr" ? "fr-CA" : "en-CA");

async function newPage(browser, lang, viewport, phone, who, problems) {
  const context = await browser.newContext({
    viewport, locale: localeOf(lang), timezoneId: "UTC",
    ...(phone ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
  });
  const page = await context.newPage();
  watchPage(page, who, problems);
  // The test means something only if the browser itself is in UTC.
  const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  check(zone === "UTC", `${who}: the browser's time zone is ${zone}, not UTC`);
  return page;
}

// The event time shown in the alert's head is the union's, not the browser's.
async function checkEventTime(page, lang, who) {
  const when = await page.textContent("#alert-when");
  check(when.includes(settings.event_time[lang]) && !when.includes(settings.utc_time[lang]),
        `${who}: the event time reads "${when}", not ${settings.event_time[lang]} (America/Toronto)`);
  check(when.includes("2030"), `${who}: the event's date is missing from "${when}"`);
}

// No receipts from the gateway: no "delivered" tile or column, a note instead.
async function checkNoReceipts(page, lang, who) {
  check(!(await page.isVisible('[data-tile="delivered"]')), `${who}: a delivered tile is shown without receipts`);
  check(await page.isVisible("#receipts-note"), `${who}: no note that the gateway sends no receipts`);
  const note = await page.textContent("#receipts-note");
  check(note.includes(RECEIPTS_NOTE[lang]), `${who}: the receipts note says "${note}"`);
  const columns = await page.$$eval('table th[data-column="delivered"], table td[data-column="delivered"]',
                                    (cells) => cells.filter((cell) => cell.offsetParent !== null).length);
  check(columns === 0, `${who}: ${columns} delivered cells are shown without receipts`);
}

async function checkRideButtons(page, who) {
  const regions = await page.$$eval("#rides button[data-region]", (nodes) => nodes.map((n) => n.dataset.region));
  check(JSON.stringify(regions) === JSON.stringify([settings.alert_region.key]),
        `${who}: ride-list buttons for ${JSON.stringify(regions)}, the alert went to ${settings.alert_region.key} only`);
}

// Nothing sticks out of the page sideways; a table wider than its box scrolls inside it,
// its first column staying at the box's left edge.
async function checkTables(page, who) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(overflow <= 0, `${who}: the page is ${overflow} px too wide`);
  const boxes = await page.$$(".table-scroll");
  for (const box of boxes) {
    if (!(await box.isVisible())) continue;
    const result = await box.evaluate((node) => {
      const table = node.querySelector("table");
      const first = table.tBodies[0]?.rows[0]?.cells[0];
      if (!first || node.scrollWidth <= node.clientWidth) return { id: table.id, scrolls: false };
      const before = first.getBoundingClientRect().left;
      node.scrollLeft = node.scrollWidth;
      const after = first.getBoundingClientRect().left;
      const last = table.tBodies[0].rows[0].cells[table.tBodies[0].rows[0].cells.length - 1];
      const lastVisible = last.getBoundingClientRect().right <= node.getBoundingClientRect().right + 1;
      node.scrollLeft = 0;
      return { id: table.id, scrolls: true, moved: after - before, lastVisible,
               scrollable: getComputedStyle(node).overflowX };
    });
    if (!result.scrolls) continue;
    check(result.scrollable === "auto", `${who}: #${result.id} is wider than its box and does not scroll`);
    check(Math.abs(result.moved) <= 1, `${who}: #${result.id}'s first column moved ${result.moved} px when scrolled`);
    check(result.lastVisible, `${who}: #${result.id}'s last column cannot be scrolled into view`);
  }
}

async function coordinatorPages(browser, lang, problems) {
  const who = `coordinator (${lang})`;
  const page = await newPage(browser, lang, PHONE, true, who, problems);
  await signInAndOpen(page, settings.url, settings.coordinator_session, settings.alert_id, who);

  // The answers are in: seats needed against capacity at each pickup point.
  const pickups = await waitFor(`${who}: the pickup points' seats`,
      () => page.$$eval("#pickups-table tr[data-pickup]", (rows) => Object.fromEntries(rows.map((row) =>
          [row.dataset.pickup, { needed: Number(row.dataset.needed), capacity: Number(row.dataset.capacity),
                                 over: row.dataset.over === "true" }]))),
      (shown) => Object.entries(settings.pickups).every(([id, expected]) =>
          JSON.stringify(shown[id]) === JSON.stringify(expected)));
  const mine = await page.$$eval(`#mine-table tr[data-key="${settings.alert_region.key}"] td[data-column]`,
      (cells) => Object.fromEntries(cells.map((cell) => [cell.dataset.column, Number(cell.dataset.value)])));
  check(JSON.stringify(mine) === JSON.stringify(settings.region_counts),
        `${who}: the region's yes, coming and bus seats at the top are ${JSON.stringify(mine)}`);

  // First thing on the phone: the block is in the first screen, above the tiles, unscrolled.
  check(await page.evaluate(() => window.scrollY) === 0, `${who}: the page opened scrolled`);
  const block = await page.locator("#pickups-section").boundingBox();
  check(block && block.y >= 0 && block.y + block.height <= PHONE.height,
        `${who}: the pickup block is at ${JSON.stringify(block)}, not within the first ${PHONE.height} px`);
  const tiles = await page.locator("#tiles").boundingBox();
  check(tiles.y >= block.y + block.height, `${who}: the tiles come before the pickup block`);
  // Each pickup point's seats are readable without scrolling sideways.
  const seats = await page.$$eval('#pickups-table td[data-column="seats"]',
                                  (cells) => cells.map((cell) => cell.getBoundingClientRect().right));
  check(seats.length === Object.keys(pickups).length && seats.every((right) => right <= PHONE.width),
        `${who}: seats columns end at ${JSON.stringify(seats)} px on a ${PHONE.width} px screen`);

  // The header names the coordinator's regions as the roster does, not by their keys.
  const header = await page.textContent("#who");
  for (const region of [settings.alert_region, settings.other_region]) {
    check(header.includes(region.name), `${who}: the header "${header}" does not name ${region.name}`);
    if (region.key !== region.name) {
      check(!header.includes(region.key), `${who}: the header "${header}" shows the key ${region.key}`);
    }
  }
  await checkEventTime(page, lang, who);
  await checkNoReceipts(page, lang, who);
  await checkRideButtons(page, who);
  await checkTables(page, who);
  await screenshot(page, settings.artifacts_dir, `dashboard-coordinator-${lang}-390.png`);
  await screenshot(page, settings.artifacts_dir, `dashboard-coordinator-${lang}-390-full.png`, true);

  await page.setViewportSize(LAPTOP);
  const wide = await page.locator("#pickups-section").boundingBox();
  check(wide.y + wide.height <= LAPTOP.height, `${who}: at ${LAPTOP.width} px the pickup block ends at ${wide.y + wide.height}`);
  await checkTables(page, `${who} at ${LAPTOP.width} px`);
  await screenshot(page, settings.artifacts_dir, `dashboard-coordinator-${lang}-1366.png`);
  await page.context().close();
}

async function executivePages(browser, lang, problems) {
  const who = `executive (${lang})`;
  const page = await newPage(browser, lang, LAPTOP, false, who, problems);
  await signInAndOpen(page, settings.url, settings.executive_session, settings.alert_id, who);
  await waitFor(`${who}: the answers`, () => page.getAttribute('[data-tile="yes"] .tile-value', "data-value"),
                (value) => Number(value) === settings.region_counts.yes);
  // An executive compares regions: the tiles first, the pickup points with the tables.
  check(!(await page.isVisible("#mine-scroll")), `${who}: a coordinator's block is shown to an executive`);
  const tiles = await page.locator("#tiles").boundingBox();
  const block = await page.locator("#pickups-section").boundingBox();
  check(tiles.y < block.y, `${who}: the pickup points come before the tiles`);
  await checkEventTime(page, lang, who);
  await checkNoReceipts(page, lang, who);
  await checkRideButtons(page, who);
  await checkTables(page, who);
  await screenshot(page, settings.artifacts_dir, `dashboard-executive-${lang}-1366.png`);

  await page.setViewportSize(PHONE);
  await checkTables(page, `${who} at ${PHONE.width} px`);
  await screenshot(page, settings.artifacts_dir, `dashboard-executive-${lang}-390.png`);
  await page.context().close();
}

await mkdir(settings.artifacts_dir, { recursive: true });
await runChecks(await launchChromium(settings.chromium, { TZ: "UTC" }), settings.artifacts_dir,
                async (browser, problems) => {
  for (const lang of ["fr", "en"]) {
    await coordinatorPages(browser, lang, problems);
    await executivePages(browser, lang, problems);
  }
});

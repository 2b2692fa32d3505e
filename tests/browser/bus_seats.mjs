// Bus seats on the live board, in a real browser (Debian's chromium, headless, driven by
// playwright-core), against a real tocsind that tests/integration/seats_browser_test.cpp
// started: an alert whose pickup point MTL has one bus of 3 seats, five members who
// answered OUI BUS MTL (3 seated, 2 waiting). Run as
//   node bus_seats.mjs '<json settings>'
// Settings: url, chromium, artifacts_dir, strings_module, alert_id, coordinator_session (a
// coordinator of MTL's region), executive_session.
//
// The coordinator, on a 390 px phone in French, sees MTL full with 2 waiting, taps "Ajouter
// un autobus", confirms, and sees the waitlist gone and a seat free without reloading; the
// executive, at 1280 px in English, sees the new count and adds another bus. Each page
// passes axe-core's WCAG 2.1 AA rules. Stdout: SCREENSHOT lines, then PASS or FAIL: <why>.

import { pathToFileURL } from "node:url";
import { TIMEOUT_MS, check, checkAccessibility, launchChromium, runChecks, screenshot,
         signInAndOpen, waitFor, watchPage } from "./browser_support.mjs";

const settings = JSON.parse(process.argv[2] || "{}");
const { STRINGS } = await import(pathToFileURL(settings.strings_module).href);
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => values[name]);

const RUNS = [
  { lang: "fr", width: 390, height: 844, locale: "fr-CA", session: "coordinator_session",
    before: { seats: "3 / 3", waiting: 2, buses: 1 }, after: { seats: "5 / 6", free: 1, buses: 2 } },
  { lang: "en", width: 1280, height: 800, locale: "en-CA", session: "executive_session",
    before: { seats: "5 / 6", free: 1, buses: 2 }, after: { seats: "5 / 9", free: 4, buses: 3 } },
];

// The row of MTL as the person sees it: seats cell and status cell.
const row = (page) => page.$eval('#pickups-table tr[data-pickup="MTL"]', (tr) => ({
  seats: tr.querySelector('[data-column="seats"]').textContent,
  status: tr.querySelector('[data-column="status"]').textContent }));

// As the person reads it, singular and plural included ("1 place libre · 2 autobus").
function statusText(t, expected) {
  const buses = fill(expected.buses === 1 ? t.pickup_bus_count : t.pickup_buses_count, { n: String(expected.buses) });
  if (expected.waiting) return fill(t.pickup_waitlist, { waiting: String(expected.waiting), buses });
  const free = fill(expected.free === 1 ? t.pickup_seat_free : t.pickup_seats_free, { n: String(expected.free) });
  return fill(t.pickup_free, { free, buses });
}

async function addBus(browser, run, problems) {
  const who = `${run.lang} ${run.width}px`;
  const t = STRINGS[run.lang];
  const context = await browser.newContext({ viewport: { width: run.width, height: run.height },
                                             locale: run.locale, isMobile: run.width < 500,
                                             hasTouch: run.width < 500 });
  const page = await context.newPage();
  watchPage(page, who, problems);
  await page.addInitScript((lang) => localStorage.setItem("tocsin.lang", lang), run.lang);
  await signInAndOpen(page, settings.url, settings[run.session], settings.alert_id, who);
  const expected = (state) => `${state.seats} | ${statusText(t, state)}`;
  await waitFor(`${who}: MTL before`, async () => { const r = await row(page); return `${r.seats} | ${r.status}`; },
                (text) => text === expected(run.before));
  // On a phone the waiting count and the button are within reach without scrolling sideways.
  if (run.before.waiting) {
    check(await page.isVisible('#pickups-table tr[data-pickup="MTL"] th .pickup-note'),
          `${who}: the waiting count is not in the first column`);
  }
  const button = await page.$('#pickups-table button[data-add-bus="MTL"]');
  check(button, `${who}: no add-bus button`);
  const box = await button.boundingBox();
  check(box && box.x >= 0 && box.x + box.width <= run.width, `${who}: the add-bus button is off screen (${JSON.stringify(box)})`);
  await checkAccessibility(page, who, problems);
  await screenshot(page, settings.artifacts_dir, `seats-${run.lang}-${run.width}-before.png`);

  let asked = "";
  page.once("dialog", async (dialog) => { asked = dialog.message(); await dialog.accept(); });
  if (run.width < 500) await button.tap(); else await button.click();
  await waitFor(`${who}: MTL after the bus (live, no reload)`,
                async () => { const r = await row(page); return `${r.seats} | ${r.status}`; },
                (text) => text === expected(run.after));
  check(asked.includes("MTL") || asked.includes("Terminus"), `${who}: the confirmation did not name the pickup point: ${asked}`);
  await waitFor(`${who}: the message`, () => page.textContent("#board-message"),
                (text) => text.length > 0);
  await screenshot(page, settings.artifacts_dir, `seats-${run.lang}-${run.width}-after.png`);
  await context.close();
}

const browser = await launchChromium(settings.chromium);
await runChecks(browser, settings.artifacts_dir, async (_, problems) => {
  for (const run of RUNS) await addBus(browser, run, problems);
});

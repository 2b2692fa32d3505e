// The check-in scanner in a real browser (tests/integration/checkin_browser_test.cpp): the
// coordinator's phone (390 px, French) whose camera is Chromium's fake device playing the
// test's Y4M video (a member's QR code twice, a forged one, one of another alert, blank
// frames between), and an executive's laptop (1280 px, English) on the alert's dashboard.
// Checks: the scanned member checked in (green), then already (amber); the forged and the
// other alert's codes refused (red); the viewer's present count moves; the QR code's URL
// checks its member in at once, reaching the region's quorum (the viewer's banner); a typed
// member number (keyboard only) and a name search
// check in two more; another region's member is refused; axe at both widths in both
// languages. Prints "SCANNED <result> <text>" per banner, and PASS or FAIL.

import { check, checkAccessibility, launchChromium, runChecks, screenshot, signInAndOpen,
         TIMEOUT_MS, waitFor, watchPage } from "./browser_support.mjs";

const settings = JSON.parse(process.argv[2]);
const { url } = settings;

const browser = await launchChromium(settings.chromium, undefined, [
  "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
  `--use-file-for-fake-video-capture=${settings.video}`]);

// Every banner the scanner shows, in order (each result replaces the banner's children).
function recordBanners() {
  window.__banners = [];
  document.addEventListener("DOMContentLoaded", () => {
    const node = document.getElementById("checkin-result");
    new MutationObserver(() => {
      if (node.dataset.result) window.__banners.push({ result: node.dataset.result, text: node.textContent });
    }).observe(node, { childList: true });
  });
}

const banners = (page) => page.evaluate(() => window.__banners);
const has = (list, result, text) => list.some((b) => b.result === result && b.text.includes(text));

await runChecks(browser, settings.artifacts_dir, async (browser, problems) => {
  // The second viewer: an executive's dashboard, in English.
  const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await viewerContext.addInitScript(() => localStorage.setItem("tocsin.lang", "en"));
  const viewer = await viewerContext.newPage();
  watchPage(viewer, "viewer", problems);
  await signInAndOpen(viewer, url, settings.viewer_session, settings.alert_id, "viewer");
  check(await viewer.isHidden('[data-tile="present"]'), "viewer: a present tile before any check-in");

  // The coordinator's phone, in French, camera allowed.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true,
                                             isMobile: true, permissions: ["camera"] });
  await context.addInitScript(() => localStorage.setItem("tocsin.lang", "fr"));
  await context.addInitScript(recordBanners);
  await context.addCookies([{ name: "tocsin_session", value: settings.coordinator_session, url,
                              httpOnly: true, sameSite: "Strict" }]);
  const scanner = await context.newPage();
  const watch = watchPage(scanner, "scanner", problems);
  // The forged and other alert's codes (400) and another region's member (403) are refused:
  // the browser logs those answers.
  watch.refusing = true;
  await scanner.goto(`${url}/#checkin=${settings.alert_id}`);
  await scanner.waitForSelector("#checkin-view:not([hidden])", { timeout: TIMEOUT_MS });
  await waitFor("the alert named on the scanner", () => scanner.textContent("#checkin-alert"),
                (text) => text.startsWith(`${settings.alert_code} · `));

  // The video: the member's code (checked in), gone, again (already), forged, other alert.
  const seen = await waitFor("the four scans", () => banners(scanner), (list) =>
      has(list, "checked_in", settings.scanned_name) && has(list, "already", settings.scanned_name) &&
      has(list, "refused", "pas valide") && has(list, "refused", "autre alerte"), 60000);
  for (const banner of seen) console.log(`SCANNED ${banner.result} ${banner.text}`);
  const first = seen.findIndex((b) => b.result === "checked_in");
  const already = seen.findIndex((b) => b.result === "already");
  check(first >= 0 && already > first, `scanner: "already" before the first check-in: ${JSON.stringify(seen)}`);
  check(/\d{1,2} h \d{2}/.test(seen[already].text), `scanner: the time of the first scan is not said: ${seen[already].text}`);

  // The second viewer's present count moved, without reloading.
  await waitFor("the viewer's present count", () => viewer.evaluate(() => {
    const tile = document.querySelector('[data-tile="present"]');
    return tile && !tile.hidden ? Number(tile.querySelector(".tile-value").dataset.value) : 0;
  }), (value) => value >= 1);
  await screenshot(viewer, settings.artifacts_dir, "viewer-en-1280.png");

  // A phone's camera app opened the second member's QR code: checked in at once.
  await scanner.evaluate((hash) => { location.hash = hash; }, settings.qr_hash);
  await waitFor("the QR link's check-in", () => banners(scanner),
                (list) => has(list, "checked_in", settings.qr_name));
  // Two present: the region's quorum, told on the viewer's dashboard once.
  await viewer.waitForSelector('#milestones li[data-kind="quorum"]', { timeout: TIMEOUT_MS });
  const told = await viewer.$$eval("#milestones li", (items) => items.map((item) => item.textContent));
  check(told.length === 1 && /Quorum reached: Region .*, 2 present of 2/.test(told[0]),
        `viewer: the quorum's banner: ${JSON.stringify(told)}`);
  await waitFor("the viewer's target line with its quorum", () => viewer.textContent("#targets"),
                (text) => /present 2 of quorum 2 ✓ quorum reached/.test(text));
  await screenshot(viewer, settings.artifacts_dir, "viewer-milestone-en-1280.png");

  // Keyboard only: a member number typed, then Enter.
  await scanner.focus("#checkin-query");
  await scanner.keyboard.type(settings.typed_member);
  await scanner.keyboard.press("Enter");
  await waitFor("the typed member's check-in", () => banners(scanner),
                (list) => has(list, "checked_in", settings.typed_name));

  // A name search within the coordinator's regions, then its button.
  await scanner.fill("#checkin-query", settings.searched_last_name);
  await scanner.press("#checkin-query", "Enter");
  const button = `#checkin-matches li:has-text("${settings.searched_member}") button`;
  await scanner.waitForSelector(button, { timeout: TIMEOUT_MS });
  await scanner.click(button);
  await waitFor("the searched member's check-in", () => scanner.evaluate(() => {
    const counter = document.getElementById("checkin-counter");
    return Number(counter.dataset.present);
  }), (present) => present >= 4);

  // Another region's member: refused, nothing recorded.
  await scanner.fill("#checkin-query", settings.other_region_member);
  await scanner.press("#checkin-query", "Enter");
  await waitFor("the other region's refusal", () => banners(scanner),
                (list) => has(list, "refused", "pas de tes régions"));

  for (const [lang, width] of [["fr", 390], ["en", 390], ["en", 1280], ["fr", 1280]]) {
    const current = await scanner.evaluate(() => document.documentElement.lang);
    if (current !== lang) await scanner.click("#lang-switch");
    await scanner.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await waitFor(`the page in ${lang}`, () => scanner.evaluate(() => document.documentElement.lang),
                  (value) => value === lang);
    const overflow = await scanner.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `scanner ${lang} ${width}: the page scrolls sideways by ${overflow} px`);
    await checkAccessibility(scanner, `scanner ${lang} ${width}`, problems);
    await screenshot(scanner, settings.artifacts_dir, `scanner-${lang}-${width}.png`);
  }
  watch.refusing = false;
});

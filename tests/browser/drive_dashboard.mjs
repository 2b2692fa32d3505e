// The dashboard in a real browser: Debian's chromium, headless, driven by playwright-core,
// against a real tocsind that tests/integration/dashboard_browser_test.cpp started with an
// alert sent to a synthetic roster. Run by that test as
//   node drive_dashboard.mjs '<json settings>'
// Settings: url, chromium, artifacts_dir, alert_id, executive_token, coordinator_token (for
// the script's own API calls), executive_session, coordinator_session (the pages' cookies),
// coordinator_region (display name), other_regions (display names), unclear_member,
// ride_rows (rows the coordinator's ride list must have), delta: {executive: {...},
// coordinator: {...}} (how tiles must move once the replies are in), delta_offline: {yes,
// no} (the replies sent while the executive's browser is offline).
//
// Talks to the test on stdout, one line each:
//   INITIAL_SHOWN ...    both pages show the server's numbers: inject the replies now
//   OFFLINE              the executive's page lost its connection: inject the next replies
//   SCREENSHOT <path>    an artifact
//   PASS                 every check held (exit 0); "FAIL: <why>" and exit 1 otherwise.

import { readFile, mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { TIMEOUT_MS, check, launchChromium, runChecks, screenshot as saveScreenshot, signInAndOpen as openAlert,
         waitFor, watchPage } from "./browser_support.mjs";

const settings = JSON.parse(process.argv[2] || "{}");
const TILE_KEYS = ["targeted", "delivered", "sent", "failed", "yes", "no", "maybe", "unknown",
                   "no_answer", "coming", "bus_seats", "car_seats"];
const TABLE_COLUMNS = ["targeted", "delivered", "yes", "no", "maybe", "no_answer", "coming", "bus_seats"];
const RIDES_HEADER = "kind,pickup_id,pickup_name,member_id,first_name,last_name,phone,seats,party,answered_at";

async function api(token, route) {
  const response = await fetch(`${settings.url}${route}`, { headers: { Authorization: `Bearer ${token}` } });
  check(response.ok, `GET ${route} answered ${response.status}`);
  return response.json();
}

const turnoutOf = (token) => api(token, `/v1/alerts/${encodeURIComponent(settings.alert_id)}/turnout`);

// Same rules as the daemon's turnout model: what the folded keys of the page carry.
function fold(text) {
  return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/\s+/g, " ").trim();
}

const tiles = (page) => page.$$eval("#tiles [data-tile]", (nodes) => Object.fromEntries(
    nodes.map((node) => [node.dataset.tile, Number(node.querySelector(".tile-value").dataset.value)])));

const tableRows = (page, table) => page.$$eval(`#${table} tbody tr[data-key]`, (rows) => rows
    .filter((row) => row.dataset.key !== "")
    .map((row) => ({
      key: row.dataset.key,
      name: row.cells[0].textContent,
      counts: Object.fromEntries([...row.querySelectorAll("td[data-column]")]
          .map((cell) => [cell.dataset.column, Number(cell.dataset.value)])),
    })));

function differences(shown, expected, keys) {
  return keys.filter((key) => shown[key] !== expected[key])
      .map((key) => `${key}: page ${shown[key]}, server ${expected[key]}`);
}

// The page's tiles and tables equal the server's turnout for the same token.
async function matchesServer(page, token, who) {
  const server = await turnoutOf(token);
  const shown = await tiles(page);
  const wrong = differences(shown, server.total, TILE_KEYS);
  const regionsVisible = await page.isVisible("#regions-section");
  if (regionsVisible) {
    const rows = await tableRows(page, "regions-table");
    check(rows.length === server.regions.length,
          `${who}: ${rows.length} rows by region, the server has ${server.regions.length}`);
    for (const region of server.regions) {
      const row = rows.find((r) => r.key === region.key);
      check(row, `${who}: no row for region ${region.key}`);
      wrong.push(...differences(row.counts, region.counts, TABLE_COLUMNS).map((d) => `${region.key} ${d}`));
    }
  }
  const locals = await tableRows(page, "locals-table");
  check(locals.length === server.locals.length,
        `${who}: ${locals.length} rows by local, the server has ${server.locals.length}`);
  for (const local of server.locals) {
    const key = String(local.key).replace(/^local:/, "");
    const row = locals.find((r) => r.key === key);
    check(row, `${who}: no row for local ${key}`);
    wrong.push(...differences(row.counts, local.counts, TABLE_COLUMNS).map((d) => `local ${key} ${d}`));
  }
  return { wrong, server, shown };
}

async function waitMatchesServer(page, token, who) {
  let last;
  await waitFor(`${who}'s page to equal the server's turnout`, async () => {
    last = await matchesServer(page, token, who);
    return last.wrong;
  }, (wrong) => wrong.length === 0);
  return last;
}

// A TCP relay to the daemon that can cut every connection through it and refuse new ones
// for a while: a real network drop for the page behind it (the browser's offline mode
// leaves an open stream alone).
class DroppableRelay {
  constructor(target) {
    this.target = new URL(target);
    this.down = false;
    this.sockets = new Set();
    this.server = net.createServer((client) => {
      if (this.down) {
        client.destroy();
        return;
      }
      const upstream = net.connect(Number(this.target.port), this.target.hostname);
      for (const [from, to] of [[client, upstream], [upstream, client]]) {
        this.sockets.add(from);
        from.pipe(to);
        from.on("error", () => to.destroy());
        from.on("close", () => { this.sockets.delete(from); to.destroy(); });
      }
    });
  }

  async listen() {
    await new Promise((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${this.server.address().port}`;
  }

  drop() {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore() {
    this.down = false;
  }

  close() {
    this.drop();
    this.server.close();
  }
}

const signInAndOpen = (page, token, who, url = settings.url) => openAlert(page, url, token, settings.alert_id, who);
const screenshot = (page, name, fullPage = false) => saveScreenshot(page, settings.artifacts_dir, name, fullPage);

async function run(browser, problems, relay) {
  await mkdir(settings.artifacts_dir, { recursive: true });
  // The executive's page reaches the daemon through a relay that can drop its connections.
  const executiveUrl = await relay.listen();
  const executiveContext = await browser.newContext({
    viewport: { width: 1280, height: 800 }, locale: "en-CA", acceptDownloads: true });
  const coordinatorContext = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: "fr-CA", acceptDownloads: true });
  const executive = await executiveContext.newPage();
  const coordinator = await coordinatorContext.newPage();
  const executiveState = watchPage(executive, "executive", problems);
  const coordinatorState = watchPage(coordinator, "coordinator", problems);

  // A wrong code is refused with a message, in the browser's language (English here). The
  // address has no account: the page is told the same as for one that has, and no SMS goes.
  await executive.goto(`${executiveUrl}/`);
  check(await executive.getAttribute("html", "lang") === "en", "an en-CA browser does not get English");
  await executive.fill("#address", "+1 514 555 0199");
  await executive.click("#address-form button[type=submit]");
  await executive.waitForSelector("#code", { state: "visible", timeout: TIMEOUT_MS });
  await executive.fill("#code", "123456");
  await executive.click("#code-form button[type=submit]");
  await waitFor("the refused sign-in's message", () => executive.textContent("#signin-message"),
                (text) => text === "This code is wrong or has expired. Check it, or ask for a new one.");
  check(await executive.isVisible("#signin-view"), "a refused code left the sign-in");

  await signInAndOpen(executive, settings.executive_session, "executive", executiveUrl);
  await signInAndOpen(coordinator, settings.coordinator_session, "coordinator");
  check(await coordinator.getAttribute("html", "lang") === "fr", "an fr-CA browser does not get French");
  check(await coordinator.textContent('[data-tile="yes"] .tile-label') === "Oui", "the French yes tile");

  const before = {
    executive: (await waitMatchesServer(executive, settings.executive_token, "executive")).shown,
    coordinator: (await waitMatchesServer(coordinator, settings.coordinator_token, "coordinator")).shown,
  };
  // The Twilio-shaped gateway sends delivery receipts: "delivered" is shown, with no note.
  check(await executive.isVisible('[data-tile="delivered"]') && !(await executive.isVisible("#receipts-note")),
        "the delivered tile is hidden although the gateway sends receipts");
  check(before.executive.targeted > before.coordinator.targeted && before.coordinator.targeted > 0,
        `targeted: executive ${before.executive.targeted}, coordinator ${before.coordinator.targeted}`);

  // The coordinator's page shows their region and nothing of another.
  const ownKey = fold(settings.coordinator_region);
  const rideRegions = await coordinator.$$eval("#rides button[data-region]", (nodes) => nodes.map((n) => n.dataset.region));
  check(JSON.stringify(rideRegions) === JSON.stringify([ownKey]),
        `the coordinator's ride lists are for ${JSON.stringify(rideRegions)}`);
  if (await coordinator.isVisible("#regions-section")) {
    const keys = (await tableRows(coordinator, "regions-table")).map((row) => row.key);
    check(keys.every((key) => key === ownKey), `the coordinator's region table has ${keys}`);
  }
  const executiveRides = await executive.$$eval("#rides button[data-region]", (nodes) => nodes.length);
  check(executiveRides > 1, `the executive has ${executiveRides} ride list buttons`);

  // Nothing below may reload the pages: the numbers must move by themselves.
  const baseline = { executive: executiveState.navigations, coordinator: coordinatorState.navigations };
  for (const page of [executive, coordinator]) await page.evaluate(() => { window.tocsinTestMarker = "not reloaded"; });

  console.log(`INITIAL_SHOWN executive_yes=${before.executive.yes} coordinator_yes=${before.coordinator.yes}`);

  // The replies arrive through the webhook: the tiles move by what they say.
  const moved = (from, delta) => (shown) => Object.entries(delta).every(([key, d]) => shown[key] === from[key] + d);
  await waitFor("the executive's tiles to move", () => tiles(executive), moved(before.executive, settings.delta.executive));
  await waitFor("the coordinator's tiles to move", () => tiles(coordinator), moved(before.coordinator, settings.delta.coordinator));
  const after = {
    executive: (await waitMatchesServer(executive, settings.executive_token, "executive")).shown,
    coordinator: (await waitMatchesServer(coordinator, settings.coordinator_token, "coordinator")).shown,
  };
  const coordinatorText = await coordinator.innerText("body");
  for (const other of settings.other_regions) {
    if (fold(settings.coordinator_region).includes(fold(other))) continue;
    check(!coordinatorText.toLowerCase().includes(other.toLowerCase()),
          `the coordinator's page shows another region: ${other}`);
  }

  // The pickup point of the coordinator's region is over capacity: red, and said in words.
  const over = await coordinator.$$eval('#pickups-table tr[data-over="true"]', (rows) => rows.map((row) => ({
    status: row.querySelector('[data-column="status"]').textContent,
    background: getComputedStyle(row.cells[0]).backgroundColor,
  })));
  check(over.length === 1, `${over.length} pickup points over capacity on the coordinator's page`);
  check(over[0].status.startsWith("⚠ Dépassement"), `the over-capacity marker says "${over[0].status}"`);
  check(over[0].background === "rgb(253, 228, 226)", `an over-capacity row is drawn ${over[0].background}`);

  // Last update time moved.
  const updated = Number(await executive.getAttribute("#updated-at", "data-ms"));
  check(updated > 0, "the executive's page shows no update time");

  await screenshot(coordinator, "coordinator-phone-390x844.png");
  await screenshot(coordinator, "coordinator-phone-390x844-full.png", true);
  await screenshot(executive, "executive-desktop-1280x800.png");
  await screenshot(executive, "executive-desktop-1280x800-full.png", true);

  // The executive resolves the unclear reply as a yes from the inbox; the tiles follow.
  const reply = `#inbox li[data-member="${settings.unclear_member}"]`;
  await executive.waitForSelector(reply, { timeout: TIMEOUT_MS });
  await executive.click(`${reply} button[data-answer="yes"]`);
  await executive.waitForSelector(reply, { state: "detached", timeout: TIMEOUT_MS });
  await waitFor("the resolved reply to count as a yes",
                () => tiles(executive),
                (shown) => shown.yes === after.executive.yes + 1 && shown.unknown === after.executive.unknown - 1);
  await waitMatchesServer(executive, settings.executive_token, "executive");

  // The executive's connection drops: the page says it is reconnecting; members answer
  // meanwhile; once the network is back, it resumes with Last-Event-ID and catches up with
  // what it missed.
  const resumes = [];
  executive.on("request", (request) => {
    if (request.url().endsWith(`/v1/alerts/${encodeURIComponent(settings.alert_id)}/events`)) {
      resumes.push(request.headers()["last-event-id"] || "");
    }
  });
  const missedFrom = await turnoutOf(settings.executive_token);
  executiveState.dropping = true;
  relay.drop();
  await executive.waitForSelector('#connection[data-state="reconnecting"]', { timeout: TIMEOUT_MS });
  console.log("OFFLINE");
  await waitFor("the replies sent while offline to reach the server",
                () => turnoutOf(settings.executive_token).then((t) => t.total),
                (total) => total.yes === missedFrom.total.yes + settings.delta_offline.yes &&
                           total.no === missedFrom.total.no + settings.delta_offline.no);
  check(await executive.isVisible('#connection[data-state="reconnecting"]'), "the cut-off page does not say it is reconnecting");
  relay.restore();
  await executive.waitForSelector('#connection[data-state="live"]', { timeout: TIMEOUT_MS });
  await waitMatchesServer(executive, settings.executive_token, "executive");
  executiveState.dropping = false;
  const resumed = resumes.filter((id) => id !== "");
  check(resumed.length > 0 && resumed.every((id) => /^\d+-\d+$/.test(id)),
        `the reconnections sent Last-Event-ID ${JSON.stringify(resumes)}`);

  // Still the same documents: no reload, no navigation.
  for (const [who, page, watched] of [["executive", executive, executiveState], ["coordinator", coordinator, coordinatorState]]) {
    check(watched.navigations === baseline[who], `the ${who}'s page navigated ${watched.navigations - baseline[who]} times`);
    check(await page.evaluate(() => window.tocsinTestMarker) === "not reloaded", `the ${who}'s page was reloaded`);
  }

  // The coordinator's ride list: fetched with the token, saved as a file.
  const [download] = await Promise.all([
    coordinator.waitForEvent("download", { timeout: TIMEOUT_MS }),
    coordinator.click(`#rides button[data-region="${ownKey}"]`),
  ]);
  const ridesFile = path.join(settings.artifacts_dir, "coordinator-rides.csv");
  await download.saveAs(ridesFile);
  const lines = (await readFile(ridesFile, "utf8")).split(/\r?\n/).filter((line) => line !== "");
  check(lines[0] === RIDES_HEADER, `the ride list's header is ${lines[0]}`);
  check(lines.length - 1 === settings.ride_rows, `the ride list has ${lines.length - 1} rows, not ${settings.ride_rows}`);
  console.log(`RIDES ${ridesFile}`);

  // 360 px wide: nothing sticks out sideways (wide tables scroll inside their box).
  await coordinator.setViewportSize({ width: 360, height: 740 });
  const overflow = await coordinator.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(overflow <= 0, `at 360 px the page is ${overflow} px too wide`);
  await screenshot(coordinator, "coordinator-phone-360x740-full.png", true);

  // The language switch, remembered; the session stays: a reload comes back to
  // the same alert, live, in English.
  await coordinator.click("#lang-switch");
  check(await coordinator.getAttribute("html", "lang") === "en", "the switch did not change the language");
  check(await coordinator.textContent('[data-tile="yes"] .tile-label') === "Yes", "the English yes tile");
  await coordinator.reload();
  await coordinator.waitForSelector('#connection[data-state="live"]', { timeout: TIMEOUT_MS });
  check(await coordinator.getAttribute("html", "lang") === "en", "the language was not remembered");
  await waitMatchesServer(coordinator, settings.coordinator_token, "coordinator");
}

const relay = new DroppableRelay(settings.url);
try {
  await runChecks(await launchChromium(settings.chromium), settings.artifacts_dir,
                  (browser, problems) => run(browser, problems, relay));
} finally {
  relay.close();
}

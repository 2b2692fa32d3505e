// The console's first load on a slow phone network, in Debian's chromium (headless, driven
// by playwright-core) with Chromium's network emulation: 400 kbit/s each way and 400 ms
// added to every request, an empty cache, a 390 px phone. Run by
// tests/bench/console_first_load_bench.cpp, which starts the daemon, as
//   node console_first_load.mjs '<json settings>'
// Settings: url, chromium, session (a signed-in executive's session cookie), rounds.
//
// Two moments are timed from the navigation's start: a person without a session can type
// their address (the sign-in form is shown), and a signed-in officer has the list of
// alerts on screen. Each is measured with the files gzipped (as served) and with gzip
// refused (Accept-Encoding: identity), side by side, median of `rounds`. Bytes are those
// of the page's own files (HTML, JS, CSS), as on the wire and as decoded. Prints a table.

import { launchChromium } from "./browser_support.mjs";

const settings = JSON.parse(process.argv[2] || "{}");
const rounds = settings.rounds || 3;
const KBIT = 1000 / 8;  // bytes per second in a kbit/s

async function load(browser, { signedIn, identity }) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, locale: "fr-CA", isMobile: true, hasTouch: true });
  if (signedIn) {
    await context.addCookies([{ name: "tocsin_session", value: settings.session, url: settings.url,
                                httpOnly: true, sameSite: "Strict" }]);
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false, latency: 400, downloadThroughput: 400 * KBIT, uploadThroughput: 400 * KBIT });
  if (identity) {
    await cdp.send("Network.setExtraHTTPHeaders", { headers: { "Accept-Encoding": "identity" } });
  }
  const files = new Map();  // requestId -> { url, encoded, decoded, gzip }
  cdp.on("Network.responseReceived", ({ requestId, response }) => {
    const path = new URL(response.url).pathname;
    if (path !== "/" && !path.startsWith("/dashboard/")) return;
    const encoding = Object.entries(response.headers)
        .find(([name]) => name.toLowerCase() === "content-encoding")?.[1] || "";
    files.set(requestId, { path, encoded: 0, decoded: 0, gzip: encoding === "gzip" });
  });
  cdp.on("Network.dataReceived", ({ requestId, dataLength }) => {
    const file = files.get(requestId);
    if (file) file.decoded += dataLength;
  });
  cdp.on("Network.loadingFinished", ({ requestId, encodedDataLength }) => {
    const file = files.get(requestId);
    if (file) file.encoded = encodedDataLength;
  });
  const started = Date.now();
  await page.goto(`${settings.url}/`, { waitUntil: "commit" });
  const ready = signedIn ? "#alerts-list button[data-alert]" : "#address";
  await page.waitForSelector(ready, { state: "visible", timeout: 60000 });
  const ms = Date.now() - started;
  const all = [...files.values()];
  await context.close();
  return {
    ms,
    files: all.length,
    encoded: all.reduce((sum, f) => sum + f.encoded, 0),
    decoded: all.reduce((sum, f) => sum + f.decoded, 0),
    gzipped: all.filter((f) => f.gzip).length,
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const browser = await launchChromium(settings.chromium);
try {
  console.log(`console first load: 390 px phone, 400 kbit/s, +400 ms a request, empty cache, ` +
              `median of ${rounds}`);
  console.log("moment                     encoding   files  on the wire   decoded   time to usable");
  const table = {};
  for (const signedIn of [false, true]) {
    for (const identity of [false, true]) {
      const runs = [];
      for (let i = 0; i < rounds; i++) runs.push(await load(browser, { signedIn, identity }));
      const row = {
        ms: median(runs.map((r) => r.ms)),
        encoded: median(runs.map((r) => r.encoded)),
        decoded: median(runs.map((r) => r.decoded)),
        files: runs[0].files,
        gzipped: runs[0].gzipped,
      };
      table[`${signedIn}-${identity}`] = row;
      const moment = signedIn ? "signed in: alerts listed" : "sign-in form shown";
      const encoding = identity ? "identity" : `gzip (${row.gzipped})`;
      console.log(`${moment.padEnd(26)} ${encoding.padEnd(10)} ${String(row.files).padStart(5)} ` +
                  `${String(row.encoded).padStart(9)} B ${String(row.decoded).padStart(7)} B ` +
                  `${String(row.ms).padStart(10)} ms`);
    }
  }
  for (const signedIn of [false, true]) {
    const zipped = table[`${signedIn}-false`];
    const plain = table[`${signedIn}-true`];
    console.log(`${signedIn ? "signed in" : "sign-in form"}: gzip / identity: bytes on the wire ` +
                `${(zipped.encoded / plain.encoded).toFixed(2)}, time ${(zipped.ms / plain.ms).toFixed(2)}`);
  }
  const worst = Math.max(table["false-false"].ms, table["true-false"].ms);
  console.log(`target: usable in under 3 s at 400 kbit/s and 400 ms: ${worst < 3000 ? "met" : "MISSED"} ` +
              `(${worst} ms)`);
} finally {
  await browser.close();
}

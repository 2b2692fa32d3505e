// The one-click RSVP page in a real browser: Debian's chromium, headless, driven by
// playwright-core, as a member on a phone. Run by tests/integration/rsvp_page_browser_test.cpp
// once per answer, as
//   node drive_rsvp_page.mjs '<json settings>'
// Settings: chromium, link (the member's /r/{code}.{tag}), language ("fr" | "en"), answer
// ("yes" | "no" | "maybe"), bus_seats, party, pickup (the id that must be checked for them),
// artifacts_dir, screenshots (true: keep the page at 390x844 and 1366x768, and the
// confirmation, as rsvp-{language}-*.png).
//
// At 390 px it checks that nothing is wider than the screen and that no control's text is
// cut, chooses the bus seats and party size, clicks the answer's button, and reports on
// stdout, one line each:
//   SO_FAR <text>            the page's "answer so far" line before the click
//   POSTED <json>            the Origin and Sec-Fetch-Site the browser sent with the form
//   CONFIRMATION <text>      the confirmation page's text
//   SCREENSHOT <path>        an artifact
//   PASS                     every check held (exit 0); "FAIL: <why>" and exit 1 otherwise.

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { chromium } from "playwright-core";

const settings = JSON.parse(process.argv[2] || "{}");
const TIMEOUT_MS = 20000;
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };
const WORDS = {
  fr: { done: "Réponse enregistrée", bus: "Places dans l'autobus", party: "Nombre de personnes" },
  en: { done: "Answer recorded", bus: "Seats on the bus", party: "People coming" },
};

class Failure extends Error {}
function check(condition, message) {
  if (!condition) throw new Failure(message);
}

async function screenshot(page, name, always = false) {
  if (!settings.screenshots && !always) return;
  await mkdir(settings.artifacts_dir, { recursive: true });
  const file = path.join(settings.artifacts_dir, `rsvp-${settings.language}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`SCREENSHOT ${file}`);
}

// What does not fit the viewport, or whose text is cut: a list of problems, empty if none.
// A <select> shows its chosen option in one line that it cuts; each option's text is
// measured in the select's own font against the room the select leaves it.
function layoutProblems() {
  const problems = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
  }
  const name = (node) => node.id || node.name || node.className || node.textContent.trim().slice(0, 30);
  for (const node of document.querySelectorAll("select, button, label, legend, p, h1")) {
    const box = node.getBoundingClientRect();
    if (box.left < 0 || box.right > width) {
      problems.push(`${node.tagName.toLowerCase()} ${name(node)} spans ${box.left}..${box.right} of ${width}`);
    }
    if (node.tagName !== "SELECT" && node.scrollWidth > node.clientWidth + 1) {
      problems.push(`${node.tagName.toLowerCase()} ${name(node)} is cut: ${node.scrollWidth} > ${node.clientWidth}`);
    }
  }
  const canvas = document.createElement("canvas").getContext("2d");
  for (const select of document.querySelectorAll("select")) {
    const style = getComputedStyle(select);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    // The room for the text: the box less its padding and the drop-down arrow (~20 px).
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
    for (const option of select.options) {
      const needed = canvas.measureText(option.text).width;
      if (needed > room) problems.push(`select ${select.id}: "${option.text}" needs ${needed} px, has ${room}`);
    }
  }
  return problems;
}

async function checkLayout(page, size) {
  const problems = await page.evaluate(layoutProblems);
  check(problems.length === 0, `at ${size.width} px: ${problems.join("; ")}`);
}

async function run(browser) {
  const words = WORDS[settings.language];
  check(words, `unknown language ${settings.language}`);

  if (settings.screenshots) {
    const laptop = await browser.newContext({ viewport: LAPTOP, locale: settings.language });
    const page = await laptop.newPage();
    const opened = await page.goto(settings.link);
    check(opened.status() === 200, `GET at laptop width answered ${opened.status()}`);
    await checkLayout(page, LAPTOP);
    await screenshot(page, `${LAPTOP.width}x${LAPTOP.height}`);
    await laptop.close();
  }

  const phone = await browser.newContext({
    viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: settings.language });
  const page = await phone.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  const opened = await page.goto(settings.link);
  check(opened.status() === 200, `GET answered ${opened.status()}`);
  // The header that decides what Origin the browser sends with the form: checked after the
  // click, so that a click refused under another policy shows first.
  const policy = (await opened.allHeaders())["referrer-policy"];
  check(await page.getAttribute("html", "lang") === settings.language, "the page is in another language");
  console.log(`SO_FAR ${(await page.textContent(".current")).trim()}`);
  await checkLayout(page, PHONE);
  check(await page.isChecked(`input[name="pickup"][value="${settings.pickup}"]`),
        `the pickup point ${settings.pickup} is not the one checked`);
  await screenshot(page, `${PHONE.width}x${PHONE.height}`);

  // As a member does: by the labels they read.
  await page.getByLabel(words.bus).selectOption(String(settings.bus_seats));
  await page.getByLabel(words.party).selectOption(String(settings.party));
  const response = page.waitForResponse((r) => r.request().method() === "POST");
  await page.tap(`button[name="answer"][value="${settings.answer}"]`);
  const answered = await response;
  await page.waitForLoadState();
  const headers = await answered.request().allHeaders();
  console.log(`POSTED ${JSON.stringify({ origin: headers.origin ?? null,
                                         sec_fetch_site: headers["sec-fetch-site"] ?? null })}`);
  check(answered.status() === 200, `the answer got ${answered.status()}: ${await page.textContent("body")}`);
  check((await page.textContent("h1")).trim() === words.done, `the page after the click: ${await page.textContent("body")}`);
  console.log(`CONFIRMATION ${(await page.textContent(".current")).trim()}`);
  await checkLayout(page, PHONE);
  await screenshot(page, `${PHONE.width}x${PHONE.height}-${settings.answer}-done`);
  check(policy === "same-origin", `Referrer-Policy is ${policy}`);
  await phone.close();
}

async function main() {
  const browser = await chromium.launch({
    executablePath: settings.chromium || "/usr/bin/chromium",
    headless: true,
    // As the dashboard's browser test: no sandbox (root in a container), off the network.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  try {
    await run(browser);
    console.log("PASS");
  } catch (error) {
    console.log(`FAIL: ${error instanceof Failure ? error.message : error.stack || error}`);
    for (const context of browser.contexts()) {
      for (const page of context.pages()) {
        await screenshot(page, `failure-${settings.answer}`, true).catch(() => {});
      }
    }
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}

await main();

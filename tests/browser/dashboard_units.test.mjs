// Unit tests of the dashboard's pure modules (daemon/dashboard/counts.js, sse.js,
// strings.js), run by ctest with node's test runner (`node --test FILE`). The modules are
// browser ES modules in a folder without a package.json, so they are loaded from their
// source text as data: URLs (works on Node 18 too).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

const dashboard = new URL("../../daemon/dashboard/", import.meta.url);

async function load(name) {
  const source = await readFile(new URL(name, dashboard), "utf8");
  return import(`data:text/javascript;base64,${Buffer.from(source).toString("base64")}`);
}

const counts = await load("counts.js");
const sse = await load("sse.js");
const strings = await load("strings.js");

test("countsOf applies the turnout model's rules", () => {
  const shown = counts.countsOf({
    targeted: 10, sent: 2, delivered: 3, failed: 1, opted_out: 1,
    yes: 2, no: 1, maybe: 1, unknown: 1, coming: 3, bus: 2, car: 4,
  });
  assert.equal(shown.sent, 5, "sent is cumulative: sent + delivered");
  assert.equal(shown.delivered, 3);
  assert.equal(shown.pending, 3, "10 - (2 + 3 + 1 + 1)");
  assert.equal(shown.no_answer, 5, "10 - (2 + 1 + 1 + 1)");
  assert.deepEqual([shown.coming, shown.bus_seats, shown.car_seats], [3, 2, 4]);
  const floored = counts.countsOf({ targeted: 1, delivered: 2, yes: 3 });
  assert.equal(floored.pending, 0);
  assert.equal(floored.no_answer, 0);
  assert.equal(counts.countsOf({}).targeted, 0);
});

test("summarize sums regions and dimensions", () => {
  const summary = counts.summarize({
    "monteregie|all|yes": 2, "estrie|all|yes": 3, "estrie|all|targeted": 7,
    "monteregie|local:l-301|yes": 2, "estrie|local:l-301|yes": 1, "estrie|pickup:P1|bus": 4,
    "malformed": 9, "a|b": 1,
  });
  assert.deepEqual(summary.total, { yes: 5, targeted: 7 });
  assert.deepEqual(summary.regions.get("estrie"), { yes: 3, targeted: 7 });
  assert.deepEqual(summary.dimensions.get("local:l-301"), { yes: 3 });
  assert.deepEqual(summary.dimensions.get("pickup:P1"), { bus: 4 });
  assert.equal(summary.regions.size, 2);
});

test("applyChange sets absolute values and drops zeros", () => {
  const fields = { "a|all|yes": 1, "a|all|no": 2 };
  const moved = counts.applyChange(fields, { "a|all|yes": 1, "a|all|no": 0, "b|all|yes": 4 });
  assert.deepEqual(fields, { "a|all|yes": 1, "b|all|yes": 4 });
  assert.deepEqual(moved.sort(), ["a|all|no", "b|all|yes"]);
});

test("targetMeasures finds a target by its key or folded value", () => {
  const summary = counts.summarize({ "monteregie|all|yes": 2, "x|local:l-301|yes": 5 });
  assert.equal(counts.targetMeasures(summary, { dimension: "region", value: "Montérégie" }).yes, 2);
  assert.equal(counts.targetMeasures(summary, { dimension: "local", value: "L-301" }).yes, 5);
  assert.equal(counts.targetMeasures(summary, { dimension: "region", value: "X", key: "monteregie" }).yes, 2);
  assert.deepEqual(counts.targetMeasures(summary, { dimension: "sector", value: "none" }), {});
});

test("foldKey folds as members::fold and key_part do", () => {
  assert.equal(counts.foldKey("Montérégie"), "monteregie");
  assert.equal(counts.foldKey("  Côte-Nord \u00a0 Est "), "cote-nord est");
  assert.equal(counts.foldKey("ŒUVRE"), "oeuvre");
  assert.equal(counts.foldKey("a|b"), "a/b");
  assert.equal(counts.foldKey(""), "-");
  assert.equal(counts.foldKey("l\u2019Île"), "l'ile");
});

function parse(chunks) {
  const events = [];
  const comments = [];
  const parser = new sse.SseParser((event) => events.push(event), (text) => comments.push(text));
  for (const chunk of chunks) {
    if (typeof chunk === "string") parser.pushText(chunk);
    else parser.pushBytes(chunk);
  }
  return { events, comments, parser };
}

test("SseParser reads events, ids, comments and multi-line data", () => {
  const { events, comments } = parse([
    ": hb\n",
    "event: snapshot\nid: 5-0\ndata: {\"a\":\ndata: 1}\n\n",
    "event: change\r\nid: 6-0\r\ndata: {}\r\n\r\n",
    "event: state\rdata: {\"state\":\"sent\"}\r\r",
    "id: 7-0\n\n",  // no data: nothing dispatched
  ]);
  assert.deepEqual(comments, ["hb"]);
  assert.deepEqual(events, [
    { type: "snapshot", data: "{\"a\":\n1}", id: "5-0" },
    { type: "change", data: "{}", id: "6-0" },
    { type: "state", data: "{\"state\":\"sent\"}", id: null },
  ]);
});

test("SseParser joins lines and UTF-8 characters split across chunks", () => {
  const bytes = new TextEncoder().encode("event: change\r\ndata: Montérégie\r\n\r\n");
  const cut = bytes.indexOf(0xc3) + 1;  // inside the first é
  const crlf = bytes.indexOf(0x0d);      // between a CR and its LF
  const { events } = parse([bytes.slice(0, crlf + 1), bytes.slice(crlf + 1, cut), bytes.slice(cut)]);
  assert.deepEqual(events, [{ type: "change", data: "Montérégie", id: null }]);
});

test("SseParser keeps an unfinished event for later", () => {
  const { events, parser } = parse(["data: 1\n", "data: 2"]);
  assert.equal(events.length, 0);
  parser.pushText("\n\nretry: 2500\n");
  assert.deepEqual(events, [{ type: "message", data: "1\n2", id: null }]);
  assert.equal(parser.retryMs, 2500);
});

test("every string exists in French and English with the same placeholders", () => {
  const { fr, en } = strings.STRINGS;
  assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
  const placeholders = (text) => (text.match(/\{\w+\}/g) || []).sort();
  for (const key of Object.keys(fr)) {
    assert.deepEqual(placeholders(fr[key]), placeholders(en[key]), key);
  }
});

test("translate fills placeholders; the language follows the remembered choice, then the browser", () => {
  assert.equal(strings.translate("en", "last_update", { time: "10:00" }), "Last update: 10:00");
  assert.equal(strings.translate("fr", "answer_for", { answer: "Oui", name: "<b>" }), "Oui pour <b>");
  assert.equal(strings.initialLanguage("en", ["fr-CA"]), "en");
  assert.equal(strings.initialLanguage(null, ["fr-CA", "en"]), "fr");
  assert.equal(strings.initialLanguage(null, ["en-US"]), "en");
  assert.equal(strings.initialLanguage("de", ["de-DE"]), "fr");
});

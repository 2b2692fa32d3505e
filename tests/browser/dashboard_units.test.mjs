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

// ---- the compose page's pure pieces (zoned_time.js, compose_helpers.js) ------------------

const zoned = await load("zoned_time.js");
const helpers = await load("compose_helpers.js");

test("toRfc3339 gives the union's offset for that date, daylight saving time included", () => {
  const zone = "America/Toronto";
  assert.equal(zoned.toRfc3339("2027-06-06", "10:00", zone), "2027-06-06T10:00:00-04:00");
  assert.equal(zoned.toRfc3339("2027-01-15", "09:30", zone), "2027-01-15T09:30:00-05:00");
  // The night clocks spring forward: 02:30 does not exist and reads as 03:30 summer time.
  assert.equal(zoned.toRfc3339("2027-03-14", "01:59", zone), "2027-03-14T01:59:00-05:00");
  assert.equal(zoned.toRfc3339("2027-03-14", "02:30", zone), "2027-03-14T03:30:00-04:00");
  assert.equal(zoned.toRfc3339("2027-03-14", "03:00", zone), "2027-03-14T03:00:00-04:00");
  // The night they fall back: 01:30 happens twice, the first one (summer time) is taken.
  assert.equal(zoned.toRfc3339("2027-11-07", "01:30", zone), "2027-11-07T01:30:00-04:00");
  assert.equal(zoned.toRfc3339("2027-11-07", "02:00", zone), "2027-11-07T02:00:00-05:00");
  assert.equal(zoned.toRfc3339("2027-06-06", "10:00", "Asia/Kolkata"), "2027-06-06T10:00:00+05:30");
  assert.equal(zoned.toRfc3339("2027-06-06", "10:00", "UTC"), "2027-06-06T10:00:00+00:00");
  assert.equal(zoned.toRfc3339("", "10:00", zone), "");
  assert.equal(zoned.toRfc3339("2027-06-06", "", zone), "");
  assert.equal(zoned.toRfc3339("06/06/2027", "10:00", zone), "");
});

test("fromRfc3339 and the datetime-local forms read times back on the union's clock", () => {
  const zone = "America/Toronto";
  assert.deepEqual(zoned.fromRfc3339("2027-06-06T14:00:00Z", zone), { date: "2027-06-06", time: "10:00" });
  assert.deepEqual(zoned.fromRfc3339("2027-06-06T10:00:00-04:00", "Europe/Paris"), { date: "2027-06-06", time: "16:00" });
  assert.equal(zoned.fromRfc3339("demain", zone), null);
  assert.equal(zoned.rfc3339ToLocal("2027-12-31T23:30:00-05:00", zone), "2027-12-31T23:30");
  assert.equal(zoned.localToRfc3339("2027-12-31T23:30", zone), "2027-12-31T23:30:00-05:00");
  assert.equal(zoned.localToRfc3339("", zone), "");
  for (const text of ["2027-03-14T03:30:00-04:00", "2027-11-07T01:30:00-04:00", "2027-11-07T01:30:00-05:00"]) {
    const parts = zoned.fromRfc3339(text, zone);
    assert.equal(Date.parse(zoned.toRfc3339(parts.date, parts.time, zone)) <= Date.parse(text), true, text);
  }
});

test("audienceFromPicks ORs the values of a dimension and ANDs the dimensions", () => {
  assert.equal(helpers.audienceFromPicks({ region: [{ value: "estrie" }] }), "region:estrie");
  assert.equal(helpers.audienceFromPicks({
    region: [{ value: "estrie" }, { value: "monteregie" }], sector: [{ value: "sante" }],
    local: [], tag: [{ value: "mob-unit" }] }),
    "(region:estrie OR region:monteregie) AND sector:sante AND tag:mob-unit");
  assert.equal(helpers.audienceFromPicks({}), "");
  // A value that is not one bare word is quoted (an en dash, a space).
  assert.equal(helpers.audienceTerm("region", "gaspesie–iles-de-la-madeleine"),
               'region:"gaspesie–iles-de-la-madeleine"');
  assert.equal(helpers.audienceTerm("local", "l-301"), "local:l-301");
  assert.equal(helpers.audienceTerm("sector", "fonction publique"), 'sector:"fonction publique"');
});

test("composeParams reads #new, #new&kind= and #new&from=; kind names match the daemon's", () => {
  assert.deepEqual(helpers.composeParams("#new"), {});
  assert.deepEqual(helpers.composeParams("#new&kind=emergency-assembly"), { kind: "emergency-assembly" });
  assert.deepEqual(helpers.composeParams("#new&from=k2v9abcd1234efgh"), { from: "k2v9abcd1234efgh" });
  assert.equal(helpers.composeParams("#newsletter"), null);
  assert.equal(helpers.composeParams("#alert=abc"), null);
  assert.equal(helpers.kindName("SPECIAL_LAW_THREAT"), "special-law-threat");
  assert.equal(helpers.kindFromName("strike-vote"), "STRIKE_VOTE");
  assert.equal(helpers.kindFromName("BANNER_DROP"), "BANNER_DROP");
  assert.equal(helpers.kindFromName("greve"), "");
  const copy = helpers.withoutDaemonFields({ id: "x", code: "A1", state: "SENT", title: "T", createdBy: "ops" });
  assert.deepEqual(copy, { title: "T" });
});

const checkin = await load("checkin_helpers.js");

test("checkinParams reads the scanner's hash and the QR code's URL", () => {
  assert.deepEqual(checkin.checkinParams("#checkin=a1b2c3d4e5f6g7h8"),
                   { alertId: "a1b2c3d4e5f6g7h8", code: "" });
  assert.deepEqual(checkin.checkinParams("#checkin=a1b2c3d4e5f6g7h8.M1.0.AbCdEfGhIjKlMnOp"),
                   { alertId: "a1b2c3d4e5f6g7h8", code: "a1b2c3d4e5f6g7h8.M1.0.AbCdEfGhIjKlMnOp" });
  assert.equal(checkin.checkinParams("#checkin=short"), null);
  assert.equal(checkin.checkinParams("#alert=a1b2c3d4e5f6g7h8"), null);
});

test("manualKind tells a short code, a member number and a name apart", () => {
  assert.deepEqual(checkin.manualKind("k7p 2qx"), { kind: "code", value: "K7P2QX" });
  assert.deepEqual(checkin.manualKind(" M100234 "), { kind: "member", value: "M100234" });
  assert.deepEqual(checkin.manualKind("234567"), { kind: "member", value: "234567" });
  assert.deepEqual(checkin.manualKind("Tremblay"), { kind: "name", value: "Tremblay" });
  assert.deepEqual(checkin.manualKind("Marie Tremblay"), { kind: "name", value: "Marie Tremblay" });
});

test("shortName greets by first name and initial", () => {
  assert.equal(checkin.shortName("Marie", "Tremblay"), "Marie T.");
  assert.equal(checkin.shortName("Éric", "Émond"), "Éric É.");
  assert.equal(checkin.shortName("Marie", ""), "Marie");
});

test("countsOf carries the event day's measures", () => {
  const shown = counts.countsOf({ present: 3, present_self: 1, seated: 5, waitlisted: 2, buses: 1 });
  assert.deepEqual([shown.present, shown.present_self, shown.seated, shown.waitlisted, shown.buses],
                   [3, 1, 5, 2, 1]);
  assert.deepEqual(counts.DAY_MEASURES, ["seated", "waitlisted", "present", "present_self", "buses"]);
});

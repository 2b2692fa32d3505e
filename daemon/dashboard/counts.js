// The turnout counts rebuilt from an alert's raw fields, with the rules of the daemon's
// turnout model (contract of issue 7, section 2), so that live changes, which carry only
// raw fields, give the same numbers as GET /v1/alerts/{id}/turnout. Pure: no DOM.
//
// A raw field is "<region>|<dimension>|<measure>" -> count; a field at zero is absent.

export const REACH_MEASURES = ["targeted", "sent", "delivered", "failed", "opted_out", "expired", "skipped"];
export const TALLY_MEASURES = ["yes", "no", "maybe", "unknown", "coming", "bus", "car"];
// The event day's (alert:{id}:day): seats, check-in, and a pickup point's buses.
export const DAY_MEASURES = ["seated", "waitlisted", "present", "present_self", "buses"];

// {region, dimension, measure}, or null when the name does not have exactly three parts.
export function parseField(name) {
  const parts = String(name).split("|");
  if (parts.length !== 3) return null;
  return { region: parts[0], dimension: parts[1], measure: parts[2] };
}

// Counts from raw measures ({measure: n}), as the turnout JSON's Counts object.
export function countsOf(raw) {
  const get = (measure) => Number(raw?.[measure]) || 0;
  const targeted = get("targeted");
  const handled = get("sent") + get("delivered") + get("failed") + get("opted_out") +
                  get("expired") + get("skipped");
  const answered = get("yes") + get("no") + get("maybe") + get("unknown");
  return {
    targeted,
    pending: Math.max(0, targeted - handled),
    sent: get("sent") + get("delivered"),  // cumulative: accepted by a gateway
    delivered: get("delivered"),
    failed: get("failed"),
    opted_out: get("opted_out"),
    expired: get("expired"),
    skipped: get("skipped"),
    yes: get("yes"),
    no: get("no"),
    maybe: get("maybe"),
    unknown: get("unknown"),
    no_answer: Math.max(0, targeted - answered),
    coming: get("coming"),
    bus_seats: get("bus"),
    car_seats: get("car"),
    seated: get("seated"),
    waitlisted: get("waitlisted"),
    present: get("present"),  // checked in by a coordinator
    present_self: get("present_self"),  // said so by SMS (PRÉSENT A7), shown apart
    buses: get("buses"),  // a pickup point's ("region|pickup:P|buses")
  };
}

function add(map, key, measure, value) {
  let raw = map.get(key);
  if (!raw) map.set(key, (raw = {}));
  raw[measure] = (raw[measure] || 0) + value;
}

// Sums the raw fields: `total` (dimension "all" over every region), `regions` (region ->
// its "all" measures) and `dimensions` ("local:l-301", "pickup:P1", ... -> measures summed
// over the regions). Values are raw measures; pass them through countsOf() for display.
export function summarize(fields) {
  const total = {};
  const regions = new Map();
  const dimensions = new Map();
  for (const [name, value] of Object.entries(fields)) {
    const field = parseField(name);
    const count = Number(value) || 0;
    if (!field || count === 0) continue;
    if (field.dimension === "all") {
      total[field.measure] = (total[field.measure] || 0) + count;
      add(regions, field.region, field.measure, count);
    } else {
      add(dimensions, field.dimension, field.measure, count);
    }
  }
  return { total, regions, dimensions };
}

// Applies a change event's fields (absolute values; 0 = gone) to `fields`, in place.
// Returns the names whose value changed.
export function applyChange(fields, changed) {
  const moved = [];
  for (const [name, value] of Object.entries(changed || {})) {
    const count = Number(value) || 0;
    const before = fields[name] || 0;
    if (count === 0) delete fields[name];
    else fields[name] = count;
    if (before !== count) moved.push(name);
  }
  return moved;
}

// Folds a name as the daemon's members::fold does for the names rosters hold ("Montérégie"
// -> "monteregie"), then as turnout::key_part ('|' -> '/', "" -> "-"), to find a target's
// counts by its display name when the server gives no key.
export function foldKey(text) {
  const special = { "œ": "oe", "æ": "ae", "ß": "ss", "þ": "th", "ø": "o", "đ": "d", "ð": "d",
                    "ł": "l", "ħ": "h", "ı": "i", "ŀ": "l", "ŧ": "t", "ĸ": "k", "ŉ": "n",
                    "ŋ": "n", "\u2019": "'", "\u2018": "'" };
  const folded = String(text)
      .normalize("NFD")
      .replace(/[\u0300-\u036f\u200b\u200c\u200d\ufeff]/g, "")
      .toLowerCase()
      .replace(/[œæßþøđðłħıŀŧĸŉŋ\u2018\u2019]/g, (c) => special[c])
      .replace(/\s+/g, " ")
      .trim()
      .replace(/\|/g, "/");
  return folded === "" ? "-" : folded;
}

// The raw measures a target counts: a region's "all", or a local's or sector's over the
// regions in scope. `target.key`, when the server gives it, is the folded value.
export function targetMeasures(summary, target) {
  const key = target.key || foldKey(target.value);
  if (target.dimension === "region") return summary.regions.get(key) || {};
  return summary.dimensions.get(`${target.dimension}:${key}`) || {};
}

// The compose page's pure pieces (no DOM): the hash routes, the kinds' names, the audience
// built from picks, an alert stripped of what the daemon fills. Tested by
// tests/browser/dashboard_units.test.mjs.

export const KINDS = ["SPECIAL_LAW_THREAT", "EMERGENCY_ASSEMBLY", "BANNER_DROP", "STRIKE_VOTE", "INFORMATION"];
// What the daemon fills on an alert; a duplicate or a template starts without them.
const DAEMON_FIELDS = ["id", "code", "state", "createdBy", "approvedBy", "createdAtUnix",
                       "parentId", "targetGroup", "waveIndex"];

// "emergency-assembly" for EMERGENCY_ASSEMBLY: the daemon's name of a kind in routes.
export const kindName = (kind) => String(kind || "").toLowerCase().replaceAll("_", "-");
export const kindFromName = (name) => KINDS.find((kind) => kindName(kind) === name || kind === name) || "";

// An audience term: a bare word when the value is one, else in double quotes.
export function audienceTerm(dimension, value) {
  const text = String(value);
  return /^[\p{L}\p{N}_.-]+$/u.test(text) ? `${dimension}:${text}` : `${dimension}:"${text.replaceAll('"', "")}"`;
}

// Picks -> expression: the values of one dimension OR-ed, the dimensions AND-ed.
export function audienceFromPicks(picks) {
  const groups = [];
  for (const dimension of ["region", "sector", "local", "tag"]) {
    const terms = (picks[dimension] || []).map((pick) => audienceTerm(dimension, pick.value));
    if (terms.length === 1) groups.push(terms[0]);
    else if (terms.length > 1) groups.push(`(${terms.join(" OR ")})`);
  }
  return groups.join(" AND ");
}

// The alert without what the daemon fills in: where a duplicate and a template start.
export function withoutDaemonFields(alert) {
  const copy = structuredClone(alert || {});
  for (const field of DAEMON_FIELDS) delete copy[field];
  return copy;
}

// #new&kind=X&from=Y -> { kind: "X", from: "Y" }; null when the hash is not #new.
export function composeParams(hash) {
  if (hash !== "#new" && !hash.startsWith("#new&")) return null;
  const params = {};
  for (const part of hash.slice(4).split("&")) {
    if (!part) continue;
    const [name, value = ""] = part.split("=");
    params[name] = decodeURIComponent(value);
  }
  return params;
}


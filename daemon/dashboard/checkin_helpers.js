// The scanner's pure helpers, apart from checkin.js so that the console's first load (which
// routes #checkin=) does not fetch the scanner itself.

// The short codes' alphabet (daemon/checkin/checkin_code.h).
const SHORT_CODE = /^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/;

// #checkin=ALERT, or #checkin=ALERT.MEMBER.TAG (the URL in a member's QR code) ->
// {alertId, code}; null for any other hash.
export function checkinParams(hash) {
  const match = /^#checkin=([a-z0-9]{16})(\..+)?$/.exec(hash || "");
  if (!match) return null;
  return { alertId: match[1], code: match[2] ? match[1] + match[2] : "" };
}

// What the manual field holds: a short code (never all digits), a member number, or words of
// a name.
export function manualKind(text) {
  const compact = String(text).replace(/[\s-]/g, "").toUpperCase();
  if (SHORT_CODE.test(compact) && /[A-Z]/.test(compact)) return { kind: "code", value: compact };
  if (/\d/.test(text) && /^[A-Za-z0-9._-]+$/.test(String(text).trim())) {
    return { kind: "member", value: String(text).trim() };
  }
  return { kind: "name", value: String(text).trim() };
}

// "Marie T.": a first name and an initial is enough to greet at the door.
export function shortName(first, last) {
  const initial = last ? ` ${[...last.trim()][0] || ""}.` : "";
  return `${first || ""}${initial}`.trim();
}

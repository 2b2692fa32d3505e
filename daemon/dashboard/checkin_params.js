// The scanner's hash route, apart from checkin.js so that the console's first load does not
// fetch the scanner: #checkin=ALERT, or #checkin=ALERT.MEMBER.TAG (the URL in a member's QR
// code) -> {alertId, code}; null for any other hash. Pure.

export function checkinParams(hash) {
  const match = /^#checkin=([a-z0-9]{16})(\..+)?$/.exec(hash || "");
  if (!match) return null;
  return { alertId: match[1], code: match[2] ? match[1] + match[2] : "" };
}

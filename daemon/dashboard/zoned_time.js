// Wall-clock times in the union's time zone (config `time_zone`, from /v1/status) and the
// RFC 3339 times the daemon reads: an officer picks "2027-06-06" and "10:00" on any device,
// and the daemon gets "2027-06-06T10:00:00-04:00", the offset that zone has on that date
// (daylight saving time included). Pure: only Intl, which knows the zones.

// Minutes the zone is ahead of UTC at the instant `ms` (-240 for Toronto in summer).
export function offsetMinutes(ms, timeZone) {
  const parts = {};
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
  for (const part of format.formatToParts(new Date(ms))) parts[part.type] = part.value;
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day),
                         Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

const pad = (n, width = 2) => String(Math.abs(n)).padStart(width, "0");

export function formatOffset(minutes) {
  return `${minutes < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

// "2027-06-06" and "10:00" (as <input type=date> and <input type=time> give them) in
// `timeZone` -> "2027-06-06T10:00:00-04:00"; "" when either is empty or malformed.
// A time the clocks skip (02:30 on the night they spring forward) does not exist there: it
// is read with the offset before the change and so lands an hour later, as clocks show it
// ("03:30:00-04:00"). A time that happens twice (the night they fall back) is the first one.
export function toRfc3339(date, time, timeZone) {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date || "");
  const t = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(time || "");
  if (!d || !t) return "";
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]),
                        Number(t[1]), Number(t[2]), Number(t[3] || 0));
  if (Number.isNaN(wall)) return "";
  // The offset before and after the wall time: equal except around a change.
  const before = offsetMinutes(wall - 86400000 / 2, timeZone);
  const after = offsetMinutes(wall + 86400000 / 2, timeZone);
  let offset = before;
  if (before !== after) {
    // Around a change: the offset the zone really has at the instant this reading gives,
    // the earlier instant first (the first of two 01:30s).
    const early = wall - Math.max(before, after) * 60000;
    const late = wall - Math.min(before, after) * 60000;
    if (offsetMinutes(early, timeZone) === Math.max(before, after)) offset = Math.max(before, after);
    else if (offsetMinutes(late, timeZone) === Math.min(before, after)) offset = Math.min(before, after);
  }
  return instantToRfc3339(wall - offset * 60000, timeZone);
}

// The instant `ms` as RFC 3339 on the zone's clock, with the offset it has then.
export function instantToRfc3339(ms, timeZone) {
  const offset = offsetMinutes(ms, timeZone);
  const shown = new Date(Math.floor(ms / 1000) * 1000 + offset * 60000);
  return `${shown.getUTCFullYear()}-${pad(shown.getUTCMonth() + 1)}-${pad(shown.getUTCDate())}` +
         `T${pad(shown.getUTCHours())}:${pad(shown.getUTCMinutes())}:${pad(shown.getUTCSeconds())}` +
         formatOffset(offset);
}

// An RFC 3339 time -> { date: "2027-06-06", time: "10:00" } on the zone's clock, for the
// pickers; null when it does not parse.
export function fromRfc3339(text, timeZone) {
  const ms = Date.parse(text || "");
  if (!text || Number.isNaN(ms)) return null;
  const local = new Date(ms + offsetMinutes(ms, timeZone) * 60000);
  return {
    date: `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`,
    time: `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`,
  };
}

// "2027-06-06T10:00" (<input type=datetime-local>) in `timeZone` -> RFC 3339, or "".
export function localToRfc3339(value, timeZone) {
  const [date, time] = String(value || "").split("T");
  return toRfc3339(date, time, timeZone);
}

// An RFC 3339 time -> "2027-06-06T10:00" for <input type=datetime-local>, or "".
export function rfc3339ToLocal(text, timeZone) {
  const parts = fromRfc3339(text, timeZone);
  return parts ? `${parts.date}T${parts.time}` : "";
}

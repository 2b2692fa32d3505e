// The hash routes of the event day's pages, read by app.js before it loads them (rides.js
// and manifest.js are loaded when first opened), and the links to them.

import { element } from "./dom.js";

// #rides=ID: an alert's rides.
export function ridesParams(hash) {
  const match = /^#rides=([^&]+)$/.exec(hash);
  return match ? { id: decodeURIComponent(match[1]) } : null;
}

// #manifest=ID&pickup=P: a pickup point's bus manifests.
export function manifestParams(hash) {
  const match = /^#manifest=([^&]+)&pickup=([^&]+)$/.exec(hash);
  return match ? { id: decodeURIComponent(match[1]), pickup: decodeURIComponent(match[2]) } : null;
}

export const ridesHash = (id) => `#rides=${encodeURIComponent(id)}`;
export const manifestHash = (id, pickup) =>
  `#manifest=${encodeURIComponent(id)}&pickup=${encodeURIComponent(pickup)}`;

// The alert's links to them, once it is sent: its rides, and the manifest of each pickup
// point given (those with buses, in the viewer's regions: [{id, name}]). The daemon checks
// each again. `t(key, values)` the page's words.
export function eventDayLinks(t, alertId, points) {
  const links = [element("li", {}, element("a", { href: ridesHash(alertId), "data-role": "rides-link",
                                                  text: t("event_day_rides") }))];
  for (const point of points) {
    links.push(element("li", {}, element("a", { href: manifestHash(alertId, point.id),
                                                "data-role": "manifest-link", "data-pickup": point.id,
                                                text: t("event_day_manifest", { pickup: point.name || point.id }) })));
  }
  return element("nav", { className: "event-day-links", "aria-label": t("event_day_title") },
      element("h2", { text: t("event_day_title") }), element("ul", {}, ...links));
}

// The hash routes of the event day's pages, read by app.js before it loads them (rides.js
// and manifest.js are loaded when first opened).

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

// The links to them, from the alert's page.
export const ridesHash = (id) => `#rides=${encodeURIComponent(id)}`;
export const manifestHash = (id, pickup) =>
  `#manifest=${encodeURIComponent(id)}&pickup=${encodeURIComponent(pickup)}`;

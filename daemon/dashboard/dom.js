// The few DOM helpers every page of the console uses. Values from the server are written
// with textContent, never as HTML.

export const $ = (id) => document.getElementById(id);

// An element with attributes (`text` sets textContent, `className` the class) and children.
export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null) continue;
    if (name === "text") node.textContent = value;
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

// Writes only when the text differs, so an unchanged number is not touched.
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

export function setMessage(node, text, tone = "") {
  setText(node, text);
  node.dataset.tone = tone;
}

// Shows the view with this id (one of the <section data-view> in <main>), hides the others.
export function showView(viewId) {
  for (const view of document.querySelectorAll("main > [data-view]")) view.hidden = view.id !== viewId;
}

// Saves a downloaded file (a CSV the daemon made) under `file`, as a link the browser follows.
export function saveBlob(blob, file) {
  const url = URL.createObjectURL(blob);
  const link = element("a", { href: url, download: file, hidden: "" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

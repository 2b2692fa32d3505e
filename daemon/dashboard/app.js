// The turnout dashboard: sign in with a code sent to one's mobile or email, pick an alert,
// watch its turnout live.
// Every value from the server is written with textContent (never as HTML), and the page
// only shows what the server sent for this account: a coordinator's scope is enforced there.

import { initialLanguage, translate } from "./strings.js";
import { applyChange, countsOf, summarize, targetMeasures, foldKey } from "./counts.js";
import { Api, ApiError } from "./api.js";
import { LiveStream } from "./live.js";
import { $, element, saveBlob, setText, setMessage, showView } from "./dom.js";
import { composeParams } from "./compose_helpers.js";
import { ridesParams, manifestParams, eventDayLinks } from "./rides_routes.js";
import { checkinParams } from "./checkin_helpers.js";
import { openAlertPanel, closeAlertPanel, alertStateChanged, relabelAlertPanel } from "./alert_page.js";
import { renderHistory } from "./history.js";

const LANGUAGE_KEY = "tocsin.lang";  // localStorage: remembered

// The tiles, in reading order; `share`: also shown as a share of the targeted members.
const TILES = [
  { key: "targeted", label: "tile_targeted" },
  { key: "delivered", label: "tile_delivered", share: true },
  { key: "sent", label: "tile_sent", share: true },
  { key: "failed", label: "tile_failed", share: true, tone: "bad" },
  { key: "yes", label: "tile_yes", share: true, tone: "yes" },
  { key: "no", label: "tile_no", share: true },
  { key: "maybe", label: "tile_maybe", share: true },
  { key: "unknown", label: "tile_unknown" },
  { key: "no_answer", label: "tile_no_answer", share: true },
  { key: "coming", label: "tile_coming", tone: "yes" },
  { key: "bus_seats", label: "tile_bus_seats" },
  { key: "car_seats", label: "tile_car_seats" },
  // At the door (shown once anyone is checked in): by a coordinator, and by SMS apart.
  { key: "present", label: "tile_present", tone: "yes", checkin: true },
  { key: "present_self", label: "tile_present_self", checkin: true },
];
// The counts of the tables by region and by local.
// present and present_self are hidden until anyone is checked in (app.css, .no-checkins).
const TABLE_COLUMNS = ["targeted", "delivered", "yes", "present", "present_self", "no", "maybe",
                       "no_answer", "coming", "bus_seats"];
// A coordinator's own regions at the top of their page (present is on the tiles).
const MINE_COLUMNS = ["yes", "coming", "bus_seats"];
const ANSWERS = ["yes", "no", "maybe"];


function readStorage(storage, key) {
  try { return storage.getItem(key); } catch { return null; }
}
function writeStorage(storage, key, value) {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, value);
  } catch {
    // Storage refused (private mode): the page still works, it just forgets.
  }
}

const state = {
  lang: initialLanguage(readStorage(localStorage, LANGUAGE_KEY),
                        [navigator.language, ...(navigator.languages || [])]),
  api: null,     // Api, while signed in
  who: null,     // GET /v1/status: token_name, role, regions
  alerts: null,  // GET /v1/alerts, once loaded
  board: null,   // the open alert (openAlert)
  prefetchedAlerts: null,  // GET /v1/alerts asked for at start, taken by the first showAlerts
};

const t = (key, values) => translate(state.lang, key, values);
const locale = () => (state.lang === "fr" ? "fr-CA" : "en-CA");
const formatNumber = (n) => new Intl.NumberFormat(locale()).format(n);
const formatShare = (x) =>
  new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 0 }).format(x);

// Times are shown in the union's time zone (the daemon's config `time_zone`, from
// /v1/status), not the browser's: a 10 h 00 assembly reads 10 h 00 on any machine.
function dateFormat(options) {
  const timeZone = state.who?.timeZone || undefined;
  try {
    return new Intl.DateTimeFormat(locale(), { ...options, timeZone });
  } catch {
    return new Intl.DateTimeFormat(locale(), options);  // a zone this browser does not know
  }
}

function formatTime(ms) {
  const date = new Date(ms);
  const day = dateFormat({ dateStyle: "short" });
  const today = day.format(date) === day.format(new Date());
  return dateFormat(today ? { hour: "2-digit", minute: "2-digit", second: "2-digit" }
                          : { dateStyle: "medium", timeStyle: "medium" }).format(date);
}

function formatEventTime(text) {
  const date = new Date(text);
  if (!text || Number.isNaN(date.getTime())) return text || "";
  return dateFormat({ dateStyle: "full", timeStyle: "short" }).format(date);
}

// Shows one view (a <section data-view> child of <main>) and hides the others.
function show(viewId) {
  showView(viewId);
  if (viewId !== "board-view") document.title = t("app_name");
}

function errorText(error) {
  if (!(error instanceof ApiError)) return t("server_error", { status: "?", error: String(error) });
  if (error.status === 0) return t("network_error");
  if (error.status === 403) return t("error_forbidden", { error: error.message });
  if (error.status === 404) return t("error_not_found", { error: error.message });
  // What the daemon refused in a form: its reason, not a "server error".
  if (error.status === 400 || error.status === 409) return t("error_refused", { error: error.message });
  return t("server_error", { status: error.status, error: error.message });
}

// ---- language ----------------------------------------------------------------------------

function applyLanguage() {
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll("[data-i18n]")) setText(node, t(node.dataset.i18n));
  const other = state.lang === "fr" ? "en" : "fr";
  const switcher = $("lang-switch");
  setText(switcher, t("lang_switch"));
  switcher.lang = other;
  switcher.setAttribute("aria-label", t("lang_switch_label"));
  renderWho();
  accountsPage?.relabel();
  composePage?.relabel();
  templatesPage?.relabel();
  reportPage?.relabel();
  ridesPage?.relabel();
  manifestPage?.relabel();
  checkinPage?.relabel();
  if (state.alerts) renderAlerts();
  if (state.board) renderBoard(state.board, { relabel: true });
  relabelAlertPanel();
}

$("lang-switch").addEventListener("click", () => {
  state.lang = state.lang === "fr" ? "en" : "fr";
  writeStorage(localStorage, LANGUAGE_KEY, state.lang);
  applyLanguage();
});

// ---- sign-in -----------------------------------------------------------------------------

function renderWho() {
  const who = $("who");
  who.hidden = !state.who;
  $("signout").hidden = !state.who;
  $("signout-everywhere").hidden = !state.who?.session;
  $("admin-nav").hidden = state.who?.role !== "admin";
  // Composing is for officers; accounts and templates are an admin's (the daemon refuses the
  // others).
  $("alerts-new").hidden = !["admin", "executive"].includes(state.who?.role);
  if (!state.who) return;
  const role = t(`role_${state.who.role}`);
  // The names rosters gave the regions ("Montérégie"), not the keys an account may hold.
  const names = state.who.regionNames?.length ? state.who.regionNames : state.who.regions || [];
  const regions = state.who.role === "coordinator" ? names.join(", ") : "";
  setText(who, t("signed_in_as", { name: state.who.tokenName || "", role }) +
                   (regions ? ` · ${regions}` : ""));
}

// Step 1 asks for the address, step 2 for the code sent to it.
const signin = { address: "" };

function showAddressStep() {
  signin.address = "";
  $("address-form").hidden = false;
  $("code-form").hidden = true;
  $("code").value = "";
  $("address").focus();
}

function showSignIn(messageKey = "") {
  closeBoard();
  state.api = null;
  state.who = null;
  state.alerts = null;
  renderWho();
  show("signin-view");
  showAddressStep();
  setMessage($("signin-message"), messageKey ? t(messageKey) : "", messageKey ? "error" : "");
}

// A 401 from any call: the session ended (signed out elsewhere, expired, or disabled).
function onUnauthorized() {
  showSignIn("signin_expired");
}

// Who the session is: throws ApiError(401) when there is none.
async function loadWho() {
  const api = new Api();
  const who = await api.getJson("/v1/status");
  api.onUnauthorized = onUnauthorized;
  state.api = api;
  state.who = who;
  renderWho();
}

// The sign-in routes' refusals, in the page's language (the server words them in English).
function signInError(error, step) {
  if (!(error instanceof ApiError)) return errorText(error);
  if (error.status === 429) return t("signin_limited");
  if (error.status === 400 && error.field === "address") return t("address_invalid");
  if (step === "code" && (error.status === 400 || error.status === 401)) return t("code_refused");
  return errorText(error);
}

$("address-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("address");
  const message = $("signin-message");
  const address = input.value.trim();
  if (!address) {
    setMessage(message, t("address_empty"), "error");
    input.focus();
    return;
  }
  setMessage(message, t("code_sending"));
  try {
    await new Api().postJson("/v1/sessions:code", { address, language: state.lang });
    signin.address = address;
    setMessage(message, "");
    setText($("code-sent"), t("code_sent", { address }));
    $("address-form").hidden = true;
    $("code-form").hidden = false;
    $("code").focus();
  } catch (error) {
    setMessage(message, signInError(error, "address"), "error");
    input.focus();
  }
});

$("code-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("code");
  const message = $("signin-message");
  const code = input.value.replace(/\s/g, "");
  if (!/^[0-9]{6}$/.test(code)) {
    setMessage(message, t("code_format"), "error");
    input.focus();
    return;
  }
  setMessage(message, t("signin_checking"));
  try {
    await new Api().postJson("/v1/sessions", { address: signin.address, code });
    await loadWho();
    input.value = "";
    setMessage(message, "");
    route();
  } catch (error) {
    setMessage(message, signInError(error, "code"), "error");
    input.select();
  }
});

$("code-restart").addEventListener("click", () => {
  setMessage($("signin-message"), "");
  showAddressStep();
});

async function signOut(path) {
  try {
    await state.api?.postJson(path, {});
  } catch (error) {
    // Already ended (401): signed out all the same. Anything else is worth saying.
    if (!(error instanceof ApiError && error.status === 401)) {
      setMessage($("alerts-message"), errorText(error), "error");
      return;
    }
  }
  if (location.hash) history.replaceState(null, "", location.pathname);
  showSignIn();
}

$("signout").addEventListener("click", () => signOut("/v1/session:sign-out"));
$("signout-everywhere").addEventListener("click", () => signOut("/v1/session:sign-out-everywhere"));

// ---- routing: #alert=ID opens an alert, anything else lists them -------------------------

function alertIdFromHash() {
  const match = /^#alert=([^&]+)$/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : "";
}

// #approve=ID&exp=UNIX&sig=TAG: the link sent to the executives asked to approve an alert.
function approvalFromHash() {
  const match = /^#approve=([^&]+)&exp=([^&]+)&sig=([^&]+)$/.exec(location.hash);
  return match ? { id: decodeURIComponent(match[1]), exp: decodeURIComponent(match[2]),
                   sig: decodeURIComponent(match[3]) } : null;
}

// #report=ID: an alert's participation report; #reports/locals[&kind=K&last=N]: the locals
// across the last sent alerts of a kind (report.js).
function reportFromHash() {
  const alert = /^#report=([^&]+)$/.exec(location.hash);
  if (alert) return { id: decodeURIComponent(alert[1]) };
  const locals = /^#reports\/locals((?:&[a-z]+=[^&]*)*)$/.exec(location.hash);
  if (!locals) return null;
  const params = new URLSearchParams(locals[1].slice(1));
  return { kind: params.get("kind") || "", last: params.get("last") || "" };
}

// What the console's pages (the alert's page, the history, composing, the templates) use
// of this one.
const pageContext = {
  api: () => state.api,
  who: () => state.who,
  lang: () => state.lang,
  t,
  show,
  locale,
  formatNumber,
  formatShare,
  formatTime,
  formatEventTime,
  stateName,
  errorText,
  dateFormat,
  onUnauthorized: () => onUnauthorized(),
  onChanged: () => {},
};

function openApproval(link) {
  closeBoard();
  show("approve-view");
  openAlertPanel(pageContext, $("approve-panel"), link.id, { exp: link.exp, sig: link.sig });
}

function route() {
  if (!state.api) {
    showSignIn();
    return;
  }
  composePage?.close();
  ridesPage?.close();
  manifestPage?.close();
  const rides = ridesParams(location.hash);
  if (rides) {
    closeBoard();
    openLazily(loadRidesPage, (page) => page.open(rides));
    return;
  }
  const manifest = manifestParams(location.hash);
  if (manifest) {
    closeBoard();
    openLazily(loadManifestPage, (page) => page.open(manifest));
    return;
  }
  const checkin = checkinParams(location.hash);
  if (!checkin) checkinPage?.close();
  if (checkin) {
    closeBoard();
    openLazily(loadCheckinPage, (page) => page.open(checkin));
    return;
  }
  const compose = composeParams(location.hash);
  if (compose) {
    closeBoard();
    openLazily(loadComposePage, (page) => page.open(compose));
    return;
  }
  if (location.hash === "#admin/templates") {
    closeBoard();
    openLazily(loadTemplatesPage, (page) => page.open());
    return;
  }
  if (location.hash === "#admin/accounts") {
    closeBoard();
    openLazily(loadAccountsPage, (page) => page.open());
    return;
  }
  const report = reportFromHash();
  if (report) {
    closeBoard();
    openLazily(loadReportPage, (page) => (report.id ? page.openAlert(report.id) : page.openLocals(report)));
    return;
  }
  const approval = approvalFromHash();
  const id = alertIdFromHash();
  if (approval) openApproval(approval);
  else if (id) openAlert(id);
  else showAlerts();
}

window.addEventListener("hashchange", route);
$("back").addEventListener("click", () => { location.hash = ""; });

// ---- the list of alerts ------------------------------------------------------------------

function stateName(value) {
  const key = `state_${String(value || "").toLowerCase()}`;
  const text = t(key);
  return text === key ? t("state_unknown") : text;
}

async function showAlerts() {
  closeBoard();
  show("alerts-view");
  const message = $("alerts-message");
  setMessage(message, t("loading"));
  try {
    const prefetched = state.prefetchedAlerts;
    state.prefetchedAlerts = null;
    const list = (prefetched && await prefetched) || await state.api.getJson("/v1/alerts?limit=100");
    // A wave or follow-up (a child alert) is not listed: its answers count on its alert,
    // whose board is the one to watch.
    state.alerts = list;
    const shown = (list.alerts || []).filter((alert) => !alert.parentId).length;
    setMessage(message, shown ? "" : t("alerts_empty"));
    renderAlerts();
  } catch (error) {
    if (state.api) setMessage(message, errorText(error), "error");
  }
}

$("alerts-refresh").addEventListener("click", showAlerts);

function renderAlerts() {
  renderHistory({ ...pageContext, canCreate: ["admin", "executive"].includes(state.who?.role) },
                state.alerts, $("alerts-list"), $("alerts-new"));
}

// ---- one alert ---------------------------------------------------------------------------

function closeBoard() {
  closeAlertPanel();
  if (!state.board) return;
  state.board.stream?.close();
  clearTimeout(state.board.renderTimer);
  clearTimeout(state.board.inboxTimer);
  state.board = null;
  $("milestones").replaceChildren();
}

function newBoard(id) {
  return {
    id,
    alert: { id, code: "", title: "", state: "", event_time: "", place: "", channels: [] },
    fields: {},
    names: { region: new Map(), local: new Map(), sector: new Map() },
    pickups: [],
    targets: [],
    updatedAt: 0,
    connection: { state: "connecting", detail: 0 },
    stream: null,
    renderTimer: null,
    inboxTimer: null,
    inbox: null,  // {replies, notListed} once loaded
    lastUnknown: null,
    rendered: false,
    live: false,  // the first numbers are shown: later moves are marked
  };
}

// A name list of the turnout JSON ([{key, name}]) into a map; keys as the fields carry them.
function namesOf(entries, prefix) {
  const names = new Map();
  for (const entry of entries || []) {
    let key = String(entry.key ?? "");
    if (key.startsWith(`${prefix}:`)) key = key.slice(prefix.length + 1);
    names.set(key, entry.name || key);
  }
  return names;
}

// The turnout JSON (GET .../turnout, or an event stream snapshot) replaces everything.
function applySnapshot(board, turnout) {
  board.alert = { ...board.alert, ...(turnout.alert || {}) };
  board.fields = { ...(turnout.fields || {}) };
  board.names = {
    region: namesOf(turnout.regions, "region"),
    local: namesOf(turnout.locals, "local"),
    sector: namesOf(turnout.sectors, "sector"),
  };
  board.pickups = turnout.pickups || [];
  board.targets = turnout.targets || [];
  board.updatedAt = Number(turnout.updated_at_ms) || board.updatedAt;
}

async function openAlert(id) {
  if (state.board?.id === id) return;
  closeBoard();
  const board = newBoard(id);
  state.board = board;
  show("board-view");
  setMessage($("board-message"), "");
  setMessage($("inbox-message"), "");
  setMessage($("rides-message"), "");
  renderBoard(board, { relabel: true });
  // A coordinator follows the turnout: the board's head says the state, and their pickup
  // points stay in the first screen of a phone.
  if (isCoordinator()) $("alert-panel").hidden = true;
  else openAlertPanel(pageContext, $("alert-panel"), id);
  const base = `/v1/alerts/${encodeURIComponent(id)}`;
  let turnout;
  try {
    turnout = await state.api.getJson(`${base}/turnout`);
  } catch (error) {
    if (state.board === board) {
      setMessage($("board-message"), errorText(error), "error");
      setConnection(board, "stopped", { message: error.message });
    }
    return;
  }
  if (state.board !== board) return;
  applySnapshot(board, turnout);
  renderBoard(board);
  board.live = true;
  loadInbox(board);
  const resumeFrom = turnout.last_event_id && turnout.last_event_id !== "0-0" ? turnout.last_event_id : "";
  board.stream = new LiveStream({
    url: `${base}/events`,
    lastEventId: resumeFrom,
    onEvent: (event) => { if (state.board === board) onLiveEvent(board, event); },
    onState: (value, detail) => { if (state.board === board) setConnection(board, value, detail); },
    onUnauthorized,
  });
}

function onLiveEvent(board, event) {
  let data;
  try {
    data = JSON.parse(event.data);
  } catch {
    return;  // not ours to guess at
  }
  if (event.type === "snapshot") {
    applySnapshot(board, data);
    scheduleRender(board);
  } else if (event.type === "change") {
    const moved = applyChange(board.fields, data.fields);
    if (moved.length > 0 || data.at_ms) {
      board.updatedAt = Math.max(board.updatedAt, Number(data.at_ms) || 0);
      scheduleRender(board);
    }
  } else if (event.type === "state" && data.state) {
    board.alert.state = data.state;
    scheduleRender(board);
    alertStateChanged();
  } else if (event.type === "milestone") {
    showMilestone(data);
  }
}

// A target or a quorum just reached (events/milestones.h): a banner until dismissed.
function showMilestone(milestone) {
  const list = $("milestones");
  const dimension = t(`dim_${milestone.dimension}`);
  const text = t(milestone.kind === "quorum" ? "milestone_quorum" : "milestone_target", {
    dimension, name: milestone.value, count: formatNumber(Number(milestone.count) || 0),
    goal: formatNumber(Number(milestone.goal) || 0) });
  const close = element("button", { type: "button", className: "quiet-button", text: "×",
                                    "aria-label": t("milestone_dismiss") });
  const item = element("li", { className: "milestone", "data-kind": milestone.kind },
                       element("span", { text: `✓ ${text}` }), close);
  close.addEventListener("click", () => item.remove());
  list.append(item);
}

// Changes arriving together are drawn once.
function scheduleRender(board) {
  if (board.renderTimer !== null) return;
  board.renderTimer = setTimeout(() => {
    board.renderTimer = null;
    if (state.board === board) renderBoard(board);
  }, 30);
}

function setConnection(board, value, detail) {
  board.connection = { state: value, detail };
  renderConnection(board);
}

function renderConnection(board) {
  const node = $("connection");
  const { state: value, detail } = board.connection;
  node.dataset.state = value;
  let text;
  if (value === "live") text = t("conn_live");
  else if (value === "connecting") text = t("conn_connecting");
  else if (value === "reconnecting") text = t("conn_reconnecting", { seconds: Math.ceil((detail || 0) / 1000) });
  else if (value === "stopped") text = t("conn_stopped", { reason: detail?.message || "" });
  else text = t("conn_idle");
  setText(node, text);
}

const isCoordinator = () => state.who?.role === "coordinator";

function renderBoard(board, { relabel = false } = {}) {
  const summary = summarize(board.fields);
  const total = countsOf(summary.total);
  const receipts = receiptsOf(board);
  document.body.classList.toggle("no-checkins", total.present + total.present_self === 0);
  renderHead(board);
  renderConnection(board);
  placeFocus();
  renderTiles(total, relabel || !board.rendered, board.live, receipts);
  renderTargets(board, summary);
  renderRegions(board, summary, relabel, receipts);
  renderLocals(board, summary, relabel, receipts);
  renderMine(board, summary, relabel);
  renderPickups(board, summary, relabel);
  renderRides(board, summary);
  renderEventDay(board);
  renderInbox(board);
  board.rendered = true;
  // A new unclear reply, or one resolved elsewhere: the inbox is read again.
  if (board.lastUnknown !== null && board.lastUnknown !== total.unknown) scheduleInboxLoad(board);
  board.lastUnknown = total.unknown;
}

function renderHead(board) {
  const alert = board.alert;
  // The scanner, for an alert that takes check-ins.
  // A coordinator's pickup points come first on a phone: their links to the scanner and the
  // report are in the event day's panel below them (renderEventDay).
  const checkinLink = $("open-checkin");
  checkinLink.hidden = isCoordinator() || !["sending", "sent"].includes(alert.state);
  checkinLink.href = `#checkin=${board.id}`;
  document.title = alert.code ? `${alert.code} · ${t("app_name")}` : t("app_name");
  setText($("alert-title"), [alert.code, alert.title].filter(Boolean).join(" · ") || alert.id);
  setText($("alert-when"), [stateName(alert.state), formatEventTime(alert.event_time), alert.place]
                               .filter(Boolean).join(" · "));
  // A sent alert's participation report (report.js), for every viewer of the board.
  const report = $("board-report");
  report.hidden = isCoordinator() || !["sent", "closed"].includes(String(alert.state || "").toLowerCase());
  report.href = `#report=${encodeURIComponent(board.id)}`;
  const updated = $("updated-at");
  updated.dataset.ms = String(board.updatedAt);
  setText(updated, board.updatedAt ? t("last_update", { time: formatTime(board.updatedAt) })
                                   : t("never_updated"));
}

// What a coordinator at a bus stop needs (their pickup points: seats needed against
// capacity; yes and coming in their regions) comes first, above the tiles; for the other
// roles the pickup points stay with the other tables.
function placeFocus() {
  const section = $("pickups-section");
  const slot = $("focus-slot");
  if (isCoordinator()) {
    if (section.parentNode !== slot) slot.append(section);
  } else if (section.parentNode === slot) {
    $("inbox-section").before(section);
  }
  setText($("pickups-title"), t(isCoordinator() ? "focus_title" : "pickups_title"));
}

// Which of the alert's channels have gateways that send delivery receipts:
// {known, with: [channel], without: [channel]}. Without any, "delivered" stays at 0
// whatever happens, so the page says that instead of showing the 0.
function receiptsOf(board) {
  const channels = board.alert.channels || [];
  return {
    known: channels.length > 0,
    with: channels.filter((c) => c.receipts).map((c) => c.channel),
    without: channels.filter((c) => !c.receipts).map((c) => c.channel),
  };
}
const noReceipts = (receipts) => receipts.known && receipts.with.length === 0;

function renderReceiptsNote(receipts) {
  const note = $("receipts-note");
  const channelNames = (list) => list.map((channel) => t(`channel_${channel}`)).join(", ");
  const text = noReceipts(receipts) ? t("receipts_none")
      : receipts.known && receipts.without.length > 0
          ? t("receipts_partial", { with: channelNames(receipts.with), without: channelNames(receipts.without) })
          : "";
  note.hidden = text === "";
  setText(note, text);
}

// `animate`: mark the tiles whose value moved (not when the first numbers arrive).
function renderTiles(total, relabel, animate, receipts) {
  const list = $("tiles");
  if (list.children.length === 0) {
    for (const tile of TILES) {
      list.append(element("li", { className: "tile", "data-tile": tile.key, "data-tone": tile.tone },
          element("span", { className: "tile-label" }),
          element("span", { className: "tile-value", "data-value": "" }),
          element("span", { className: "tile-share" })));
    }
  }
  for (const tile of TILES) {
    const node = list.querySelector(`[data-tile="${tile.key}"]`);
    const [label, value, share] = node.children;
    if (relabel) setText(label, t(tile.label));
    const number = total[tile.key];
    const changed = value.dataset.value !== "" && value.dataset.value !== String(number);
    if (relabel || value.dataset.value !== String(number)) {
      value.dataset.value = String(number);
      setText(value, formatNumber(number));
      setText(share, tile.share && total.targeted > 0
          ? t("share_of_targeted", { share: formatShare(number / total.targeted) }) : "");
    }
    if (changed && animate) flash(node);
  }
  list.querySelector('[data-tile="delivered"]').hidden = noReceipts(receipts);
  const checkins = total.present + total.present_self > 0;
  for (const tile of TILES) {
    if (tile.checkin) list.querySelector(`[data-tile="${tile.key}"]`).hidden = !checkins;
  }
  renderReceiptsNote(receipts);
}

// Marks a value that just moved, for a moment (the animation is in app.css).
function flash(node) {
  node.classList.remove("changed");
  void node.offsetWidth;  // restarts the animation
  node.classList.add("changed");
}

function renderTargets(board, summary) {
  $("targets-section").hidden = board.targets.length === 0;
  const list = $("targets");
  const keys = [];
  for (const target of board.targets) {
    const key = `${target.dimension}|${target.value}`;
    keys.push(key);
    let item = [...list.children].find((node) => node.dataset.key === key);
    if (!item) {
      item = element("li", { className: "target", "data-key": key },
          element("span", { className: "target-label" }),
          element("progress", { className: "target-bar" }));
      list.append(item);
    }
    const counts = countsOf(targetMeasures(summary, target));
    const reached = counts.yes;
    const goal = Number(target.target) || 0;
    const share = goal > 0 ? reached / goal : 0;
    const dimension = t(`dim_${target.dimension}`);
    // A quorum counts members checked in at the door, not those who said so by SMS.
    const quorum = Number(target.quorum) || 0;
    const quorumText = quorum > 0
        ? ` · ${t("quorum_line", { present: formatNumber(counts.present), quorum: formatNumber(quorum) })}` +
          (counts.present >= quorum ? ` ✓ ${t("quorum_met")}` : "")
        : "";
    const label = t("target_line", { dimension, name: target.value, reached: formatNumber(reached),
                                      target: formatNumber(goal), share: formatShare(share) }) +
                  (goal > 0 && reached >= goal ? ` ✓ ${t("target_met")}` : "") + quorumText;
    const [text, bar] = item.children;
    setText(text, label);
    item.dataset.reached = String(reached);
    item.dataset.met = String(goal > 0 && reached >= goal);
    item.dataset.present = String(counts.present);
    item.dataset.quorumMet = String(quorum > 0 && counts.present >= quorum);
    bar.max = Math.max(goal, 1);
    bar.value = Math.min(reached, bar.max);
    bar.setAttribute("aria-label", label);
  }
  for (const node of [...list.children]) if (!keys.includes(node.dataset.key)) node.remove();
}

// A table of counts with one row per key: rows are kept and only their changed cells
// rewritten; `rows` is [{key, name, counts}]. `receipts`: without any, the delivered
// column is hidden (it could only say 0).
function renderCountsTable(table, firstColumn, rows, relabel, receipts, columns = TABLE_COLUMNS) {
  if (relabel || !table.tHead) {
    table.replaceChildren();
    const head = table.createTHead().insertRow();
    head.append(element("th", { scope: "col", text: t(firstColumn) }));
    for (const column of columns) {
      head.append(element("th", { scope: "col", "data-column": column, text: t(`col_${column}`) }));
    }
    table.append(element("tbody"));
  }
  table.classList.toggle("no-receipts", Boolean(receipts) && noReceipts(receipts));
  const body = table.tBodies[0];
  const existing = new Map([...body.rows].map((row) => [row.dataset.key, row]));
  if (rows.length === 0) {
    body.replaceChildren(element("tr", { "data-key": "" },
        element("td", { colspan: String(columns.length + 1), className: "muted", text: t("table_empty") })));
    return;
  }
  existing.get("")?.remove();
  rows.forEach((entry, index) => {
    let row = existing.get(entry.key);
    if (!row) {
      row = element("tr", { "data-key": entry.key }, element("th", { scope: "row" }));
      for (const column of columns) row.append(element("td", { "data-column": column }));
    }
    if (body.rows[index] !== row) body.insertBefore(row, body.rows[index] || null);
    setText(row.cells[0], entry.name);
    columns.forEach((column, i) => {
      const cell = row.cells[i + 1];
      const value = String(entry.counts[column]);
      if (cell.dataset.value !== value) {
        cell.dataset.value = value;
        setText(cell, formatNumber(entry.counts[column]));
      } else if (relabel) {
        setText(cell, formatNumber(entry.counts[column]));
      }
    });
    existing.delete(entry.key);
  });
  for (const row of existing.values()) row.remove();
}

const byName = (a, b) => a.name.localeCompare(b.name, locale());

// The regions the server listed (a coordinator's, even at zero) and those counted since.
function regionRows(board, summary) {
  const keys = new Set([...board.names.region.keys(), ...summary.regions.keys()]);
  return [...keys].map((key) => ({
    key, name: board.names.region.get(key) || key, counts: countsOf(summary.regions.get(key) || {}),
  })).sort(byName);
}

function renderRegions(board, summary, relabel, receipts) {
  // Executives and admins compare regions; a coordinator has theirs at the top.
  const visible = !isCoordinator() || summary.regions.size > 1;
  $("regions-section").hidden = !visible;
  if (!visible) return;
  renderCountsTable($("regions-table"), "col_region", regionRows(board, summary), relabel, receipts);
}

// A coordinator's regions in short, above their pickup points: yes, people coming, bus seats.
function renderMine(board, summary, relabel) {
  $("mine-scroll").hidden = !isCoordinator();
  if (!isCoordinator()) return;
  const rows = regionRows(board, summary).filter((row) => row.key !== "-");
  renderCountsTable($("mine-table"), "col_region", rows, relabel, null, MINE_COLUMNS);
}

function renderLocals(board, summary, relabel, receipts) {
  const rows = [];
  for (const [dimension, raw] of summary.dimensions) {
    if (!dimension.startsWith("local:")) continue;
    const key = dimension.slice("local:".length);
    rows.push({ key, name: board.names.local.get(key) || key, counts: countsOf(raw) });
  }
  rows.sort(byName);
  renderCountsTable($("locals-table"), "col_local", rows, relabel, receipts);
}

function renderPickups(board, summary, relabel) {
  const table = $("pickups-table");
  const points = board.pickups.map((pickup) => ({ ...pickup }));
  // A pickup point counted live but absent from the snapshot still shows, by its id.
  for (const dimension of summary.dimensions.keys()) {
    if (!dimension.startsWith("pickup:")) continue;
    const id = dimension.slice("pickup:".length);
    if (!points.some((point) => point.id === id)) points.push({ id, name: id, region: "", bus_capacity: 0 });
  }
  if (relabel || !table.tHead) {
    table.replaceChildren();
    const head = table.createTHead().insertRow();
    // Seats against capacity next to the name: what a phone shows before any sideways scroll.
    for (const key of ["col_pickup", "col_seats", "col_coming", "col_present", "col_status", "col_region"]) {
      head.append(element("th", { scope: "col", text: t(key), "data-column": key.slice(4) }));
    }
    table.append(element("tbody"));
  }
  const body = table.tBodies[0];
  if (points.length === 0) {
    body.replaceChildren(element("tr", {}, element("td", { colspan: "6", className: "muted", text: t("pickups_empty") })));
    return;
  }
  const existing = new Map([...body.rows].map((row) => [row.dataset.pickup, row]));
  points.forEach((point, index) => {
    const raw = summary.dimensions.get(`pickup:${point.id}`) || {};
    const perBus = Number(point.seats_per_bus) || 0;
    // A pickup point with buses gives seats out: seated against the seats of its buses now
    // (a bus added shows at once), and its waitlist; the others count promises.
    const buses = perBus > 0 ? Math.max(Number(point.buses) || 0, raw.buses || 0) : 0;
    const needed = perBus > 0 ? raw.seated || 0 : raw.bus || 0;
    const waiting = perBus > 0 ? raw.waitlisted || 0 : 0;
    const capacity = perBus > 0 ? buses * perBus : Number(point.bus_capacity) || 0;
    const over = perBus > 0 ? waiting > 0 : capacity > 0 && needed > capacity;
    let row = existing.get(point.id);
    if (!row) {
      row = element("tr", { "data-pickup": point.id }, element("th", { scope: "row" }),
                    element("td", { "data-column": "seats" }), element("td", { "data-column": "coming" }),
                    element("td", { "data-column": "present" }),
                    element("td", { "data-column": "status" }), element("td", { "data-column": "region" }));
    }
    if (body.rows[index] !== row) body.insertBefore(row, body.rows[index] || null);
    existing.delete(point.id);
    row.dataset.over = String(over);
    row.dataset.needed = String(needed);
    row.dataset.capacity = String(capacity);
    const [name, seats, coming, present, status, region] = row.cells;
    row.dataset.present = String(raw.present || 0);
    setText(present, formatNumber(raw.present || 0));
    // The marker goes in the first column too, so a phone shows it without scrolling.
    setText(name, over ? `⚠ ${point.name || point.id}` : point.name || point.id);
    setText(region, board.names.region.get(foldKey(point.region || "")) || point.region || "");
    setText(seats, `${formatNumber(needed)} / ${capacity > 0 ? formatNumber(capacity) : "?"}`);
    setText(coming, formatNumber(raw.coming || 0));
    if (perBus > 0) {
      const busesText = t(buses === 1 ? "pickup_bus_count" : "pickup_buses_count", { n: formatNumber(buses) });
      const free = Math.max(0, capacity - needed);
      setText(status, waiting > 0 ? t("pickup_waitlist", { waiting: formatNumber(waiting), buses: busesText })
                                  : t("pickup_free", { buses: busesText,
                                                       free: t(free === 1 ? "pickup_seat_free" : "pickup_seats_free", { n: formatNumber(free) }) }));
      // What a coordinator at the stop acts on stays in the first column, on screen on a
      // phone: how many wait, and the button that seats them.
      if (waiting > 0) name.append(element("small", { className: "pickup-note", text: t("pickup_waiting_short", { waiting: formatNumber(waiting) }) }));
      if (canAddBus(point)) name.append(addBusButton(point));
    } else {
      setText(status, over ? t("pickup_over", { excess: formatNumber(needed - capacity) })
                           : capacity > 0 ? t("pickup_ok") : t("pickup_no_capacity"));
    }
  });
  for (const row of existing.values()) row.remove();
}

// Executives and admins, and a coordinator for the pickup points of their regions (the
// daemon checks again), may add a bus while the alert is out.
function canAddBus(point) {
  const role = state.who?.role;
  if (role === "admin" || role === "executive") return true;
  if (role !== "coordinator") return false;
  const region = foldKey(point.region || "");
  return (state.who.regions || []).some((mine) => foldKey(mine) === region);
}

// "Add a bus": asked once more (a bus is money), then the seats go to those waiting, who
// are texted; the live counts show it without a reload.
function addBusButton(point) {
  const button = element("button", { type: "button", className: "secondary add-bus", "data-add-bus": point.id,
                                     text: t("pickup_add_bus") });
  button.addEventListener("click", async () => {
    if (!window.confirm(t("pickup_add_bus_confirm", { name: point.name || point.id, seats: formatNumber(Number(point.seats_per_bus) || 0) }))) return;
    button.disabled = true;
    try {
      const added = await state.api.postJson(
        `/v1/alerts/${encodeURIComponent(state.board.id)}/pickups/${encodeURIComponent(point.id)}:add-bus`, { buses: 1 });
      setMessage($("board-message"), t("pickup_bus_added", { name: point.name || point.id, buses: formatNumber(added.buses), boarded: formatNumber(added.boarded) }), "ok");
    } catch (error) {
      setMessage($("board-message"), errorText(error), "error");
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

// ---- ride lists --------------------------------------------------------------------------

// The regions whose ride list this token may take: those the alert went to (members
// targeted there), in this token's scope. A coordinator's region the alert left out has
// no list to take.
function rideRegions(board, summary) {
  const regions = [];
  for (const [key, raw] of summary.regions) {
    if (key !== "-" && countsOf(raw).targeted > 0) regions.push({ key, name: board.names.region.get(key) || key });
  }
  return regions.sort(byName);
}

function renderRides(board, summary) {
  const list = $("rides");
  const regions = rideRegions(board, summary);
  const signature = JSON.stringify([state.lang, regions]);
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  if (regions.length === 0) {
    list.replaceChildren(element("li", { className: "muted", text: t("rides_empty") }));
    return;
  }
  list.replaceChildren(...regions.map((region) => {
    const button = element("button", { type: "button", className: "primary-button", "data-region": region.key,
                                       text: t("rides_button", { region: region.name }) });
    button.addEventListener("click", () => downloadRides(board, region, button));
    return element("li", {}, button);
  }));
}

async function downloadRides(board, region, button) {
  const message = $("rides-message");
  button.disabled = true;
  setMessage(message, t("rides_downloading"));
  try {
    const blob = await state.api.getBlob(
        `/v1/alerts/${encodeURIComponent(board.id)}/rides.csv?region=${encodeURIComponent(region.key)}`,
        "text/csv");
    const file = `tocsin-${board.alert.code || board.id}-${region.key.replace(/[^a-z0-9]+/g, "-")}-rides.csv`;
    saveBlob(blob, file);
    setMessage(message, t("rides_done", { file }));
  } catch (error) {
    if (state.api) setMessage(message, t("rides_failed", { error: errorText(error) }), "error");
  } finally {
    button.disabled = false;
  }
}

// ---- the event day's pages ----------------------------------------------------------------

// A coordinator has no alert panel: the links to the rides and to the manifests of their
// pickup points with buses (the turnout lists only theirs) are on the board, once sent.
function renderEventDay(board) {
  const slot = $("event-day-slot");
  const sent = ["SENDING", "SENT", "CLOSED"].includes(String(board.alert.state || "").toUpperCase());
  // seats_per_bus is set only for a pickup point with buses (its bus count lives in the
  // event day's counts, which the allocation writes).
  const points = board.pickups.filter((point) => Number(point.seats_per_bus) > 0)
                              .map((point) => ({ id: point.id, name: point.name }));
  const alertState = String(board.alert.state || "").toLowerCase();
  const checkin = ["sending", "sent"].includes(alertState);
  const report = ["sent", "closed"].includes(alertState);
  const signature = JSON.stringify([state.lang, sent, points, checkin, report]);
  if (slot.dataset.signature === signature) return;
  slot.dataset.signature = signature;
  slot.hidden = !isCoordinator() || !sent;
  if (slot.hidden) {
    slot.replaceChildren();
    return;
  }
  const links = eventDayLinks(t, board.id, points);
  const list = links.querySelector("ul");
  if (checkin) {
    list.prepend(element("li", {}, element("a", { href: `#checkin=${board.id}`, "data-role": "checkin-link",
                                                  text: t("checkin_open") })));
  }
  if (report) {
    list.append(element("li", {}, element("a", { href: `#report=${encodeURIComponent(board.id)}`,
                                                 "data-role": "report-link", text: t("report_link_long") })));
  }
  slot.replaceChildren(links);
}

// ---- unclear replies ---------------------------------------------------------------------

function scheduleInboxLoad(board) {
  clearTimeout(board.inboxTimer);
  board.inboxTimer = setTimeout(() => loadInbox(board), 300);
}

async function loadInbox(board) {
  try {
    const list = await state.api.getJson(
        `/v1/alerts/${encodeURIComponent(board.id)}/replies?status=unknown&limit=200`);
    if (state.board !== board) return;
    board.inbox = { replies: list.replies || [], notListed: Number(list.notListed) || 0 };
    renderInbox(board);
  } catch (error) {
    if (state.board === board && state.api) setMessage($("inbox-message"), errorText(error), "error");
  }
}

$("inbox-refresh").addEventListener("click", () => { if (state.board) loadInbox(state.board); });

function renderInbox(board) {
  const list = $("inbox");
  const inbox = board.inbox;
  const count = $("inbox-count");
  if (!inbox) {
    list.replaceChildren();
    setText(count, "");
    return;
  }
  setText(count, formatNumber(inbox.replies.length + inbox.notListed));
  const signature = JSON.stringify([state.lang, inbox]);
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  const items = inbox.replies.map((reply) => {
    const name = reply.firstName || reply.memberId;
    const buttons = ANSWERS.map((answer) => {
      const button = element("button", { type: "button", className: `answer-button answer-${answer}`,
                                         "data-answer": answer, text: t(`answer_${answer}`),
                                         "aria-label": t("answer_for", { answer: t(`answer_${answer}`), name }) });
      button.addEventListener("click", () => resolveReply(board, reply, answer));
      return button;
    });
    return element("li", { className: "reply", "data-member": reply.memberId },
        element("p", { className: "reply-who" },
            element("strong", { text: name }),
            ` · ${reply.region || ""} · ${t("inbox_received", { time: formatTime(Number(reply.receivedAtMs)) })}`),
        element("blockquote", { className: "reply-text", text: reply.text }),
        element("div", { className: "answer-buttons", role: "group", "aria-label": name }, ...buttons));
  });
  if (inbox.notListed > 0) {
    items.push(element("li", { className: "muted", text: t("inbox_not_listed", { count: formatNumber(inbox.notListed) }) }));
  }
  list.replaceChildren(...(items.length ? items : [element("li", { className: "muted", text: t("inbox_empty") })]));
}

async function resolveReply(board, reply, answer) {
  const item = $("inbox").querySelector(`[data-member="${CSS.escape(reply.memberId)}"]`);
  for (const button of item?.querySelectorAll("button") || []) button.disabled = true;
  const message = $("inbox-message");
  try {
    await state.api.postJson(`/v1/alerts/${encodeURIComponent(board.id)}/replies/` +
                             `${encodeURIComponent(reply.memberId)}:resolve`, { answer });
    setMessage(message, t("inbox_recorded"), "ok");
    removeReply(board, reply.memberId);
  } catch (error) {
    if (!state.api || state.board !== board) return;
    setMessage(message, t("inbox_failed", { error: errorText(error) }), "error");
    // Already answered clearly, or resolved by someone else: it is no longer waiting.
    if (error instanceof ApiError && error.status === 404) removeReply(board, reply.memberId);
    else for (const button of item?.querySelectorAll("button") || []) button.disabled = false;
  }
}

function removeReply(board, memberId) {
  if (!board.inbox) return;
  board.inbox = { ...board.inbox, replies: board.inbox.replies.filter((r) => r.memberId !== memberId) };
  renderInbox(board);
}

// ---- pages loaded when first opened --------------------------------------------------------
// Composing (compose.js, with compose.css), the templates and the accounts are loaded the
// first time they are opened, not with the console: on a phone at 400 kbit/s the sign-in
// form and the list of alerts must not wait for them (tests/bench/console_first_load_bench).

let composePage = null;
let checkinPage = null;
let templatesPage = null;
let accountsPage = null;
let reportPage = null;
let ridesPage = null;
let manifestPage = null;

// A stylesheet of a page loaded when first opened (compose.css, rides_manifest.css), once,
// resolved when applied (the pages are not shown unstyled).
const styles = new Map();  // file -> Promise
function loadStyle(file) {
  if (!styles.has(file)) {
    styles.set(file, new Promise((resolve, reject) => {
      const link = element("link", { rel: "stylesheet", href: `/dashboard/${file}` });
      link.addEventListener("load", resolve);
      link.addEventListener("error", () => {
        link.remove();
        styles.delete(file);
        reject(new Error(file));
      });
      document.head.append(link);
    }));
  }
  return styles.get(file);
}
const loadComposeStyle = () => loadStyle("compose.css");

async function loadComposePage() {
  const [{ ComposePage }] = await Promise.all([import("./compose.js"), loadComposeStyle()]);
  composePage ??= new ComposePage(pageContext);
  return composePage;
}

// The scanner (checkin.js); it loads jsQR itself, only where the browser cannot read QR codes.
async function loadCheckinPage() {
  const { CheckinPage } = await import("./checkin.js");
  checkinPage ??= new CheckinPage(pageContext);
  return checkinPage;
}

async function loadTemplatesPage() {
  const [{ TemplatesAdminPage }] =
      await Promise.all([import("./templates_admin.js"), loadComposeStyle()]);
  templatesPage ??= new TemplatesAdminPage(pageContext);
  return templatesPage;
}

async function loadReportPage() {
  const { ReportPage } = await import("./report.js");
  reportPage ??= new ReportPage(pageContext);
  return reportPage;
}

async function loadRidesPage() {
  const [{ RidesPage }] = await Promise.all([import("./rides.js"), loadStyle("rides_manifest.css")]);
  ridesPage ??= new RidesPage(pageContext);
  return ridesPage;
}

async function loadManifestPage() {
  const [{ ManifestPage }] = await Promise.all([import("./manifest.js"), loadStyle("rides_manifest.css")]);
  manifestPage ??= new ManifestPage(pageContext);
  return manifestPage;
}

async function loadAccountsPage() {
  const { createAccountsPage } = await import("./accounts_admin.js");
  accountsPage ??= createAccountsPage({
    api: () => state.api,
    role: () => state.who?.role || "",
    t,
    errorText,
  });
  return accountsPage;
}

// Opens a page once loaded, unless the officer went elsewhere meanwhile. A page that cannot
// be loaded (the network dropped) is said on the list of alerts; opening it again retries.
async function openLazily(load, open) {
  const hash = location.hash;
  try {
    const page = await load();
    if (location.hash === hash) open(page);
  } catch {
    if (location.hash !== hash) return;
    await showAlerts();
    setMessage($("alerts-message"), t("network_error"), "error");
  }
}

// ---- start -------------------------------------------------------------------------------

async function start() {
  applyLanguage();
  if (!location.hash) {
    // The list is asked for beside the session, not after it: one round trip less before a
    // signed-in officer sees their alerts on a slow network. Without a session it is a 401
    // and forgotten.
    state.prefetchedAlerts = new Api().getJson("/v1/alerts?limit=100").catch(() => null);
  }
  try {
    await loadWho();  // the session cookie, if the browser has one
    route();
  } catch (error) {
    showSignIn();
    if (!(error instanceof ApiError && error.status === 401)) {
      setMessage($("signin-message"), errorText(error), "error");
    }
  }
}

start();

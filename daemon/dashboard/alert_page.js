// The alert's panel above its turnout board (#alert=ID) and the approval page
// (#approve=ID&exp=..&sig=..): the preview, where its approval stands, the actions its state
// allows this officer, and its audit trail. The daemon decides; this page asks and shows
// its answers (and its refusals, beside the action that met them).
// Values from the server are written with textContent only.

import { element, setText, setMessage } from "./dom.js";
import { eventDayLinks } from "./rides_routes.js";

// How often a draft's page asks whether another executive approved or declined it.
const APPROVAL_POLL_MS = 2000;

let page = null;

const alertPath = (id) => `/v1/alerts/${encodeURIComponent(id)}`;

// ctx: {api(), who(), t(key, values), formatNumber(n), formatTime(ms), stateName(state),
//       errorText(error), onChanged()}; root: the element the panel is drawn into;
// link: {exp, sig} on the approval page, else null.
export function openAlertPanel(ctx, root, id, link = null) {
  closeAlertPanel();
  page = { ctx, root, id, link, alert: null, preview: null, approval: null, trail: null,
           confirm: null, form: null, message: "", tone: "", pollTimer: null, refused: "" };
  root.hidden = false;
  root.replaceChildren(element("p", { className: "muted", text: ctx.t("loading") }));
  load(page);
}

export function closeAlertPanel() {
  if (!page) return;
  clearTimeout(page.pollTimer);
  page = null;
}

// The board's event stream said the state changed: read again at once.
export function alertStateChanged() {
  if (page) load(page);
}

export function relabelAlertPanel() {
  if (page) render(page);
}

// The daemon words its refusals in English; those an officer meets here are said in the
// page's language, with the daemon's own words after them.
const REFUSALS = [
  { status: 410, key: "refused_link_expired" },
  { status: 403, field: "sig", key: "refused_link_forged" },
  { status: 403, field: "created_by", key: "refused_creator" },
  { status: 409, field: "accounts", key: "refused_no_executive" },
  { status: 429, key: "refused_too_soon" },
  { status: 400, field: "reason", key: "decline_reason_empty" },
];

function refusalText(ctx, error) {
  const known = REFUSALS.find((r) => r.status === error?.status && (!r.field || r.field === error.field));
  if (!known) return ctx.errorText(error);
  return ctx.lang() === "en" ? error.message : `${ctx.t(known.key)} (${error.message})`;
}

const isOfficer = (ctx) => ["admin", "executive"].includes(ctx.who()?.role);
const linkQuery = (current) =>
  current.link ? `?exp=${encodeURIComponent(current.link.exp)}&sig=${encodeURIComponent(current.link.sig)}` : "";

async function load(current) {
  const { ctx } = current;
  const base = alertPath(current.id);
  try {
    if (current.link || isOfficer(ctx)) {
      // The approval status first: on the approval page its refusal (link expired or forged,
      // the creator) is the answer, and nothing else is asked.
      current.approval = await ctx.api().getJson(`${base}/approval${linkQuery(current)}`);
    }
    if (page !== current) return;
    const got = await ctx.api().getJson(base);
    if (page !== current) return;
    current.alert = got.alert || {};
    current.audience = Number(got.frozenAudience) || 0;
    const state = String(current.alert.state || "");
    if (["DRAFT", "APPROVED", "SCHEDULED"].includes(state) && isOfficer(ctx) && !current.preview) {
      current.preview = await ctx.api().getJson(`${base}/preview`);
    }
    if (isOfficer(ctx) && !current.link) {
      current.trail = await ctx.api().getJson(`${base}/audit`);
    }
  } catch (error) {
    if (page !== current) return;
    current.refused = refusalText(ctx, error);
  }
  if (page !== current) return;
  render(current);
  schedulePoll(current);
}

// While a draft waits, the creator's page sees the approval or refusal arrive without a
// reload (the approval also moves the state the board's event stream reports).
function schedulePoll(current) {
  clearTimeout(current.pollTimer);
  if (current.refused || current.alert?.state !== "DRAFT" || !isOfficer(current.ctx)) return;
  current.pollTimer = setTimeout(async () => {
    if (page !== current) return;
    try {
      const approval = await current.ctx.api().getJson(`${alertPath(current.id)}/approval${linkQuery(current)}`);
      if (page !== current) return;
      const before = current.approval || {};
      const moved = approval.state !== before.state || approval.declinedAtMs !== before.declinedAtMs ||
                    approval.requestedAtMs !== before.requestedAtMs;
      current.approval = approval;
      if (moved) {
        current.preview = null;
        current.message = "";  // what the last action said no longer holds
        await load(current);
        current.ctx.onChanged?.();
        return;
      }
    } catch {
      // A missed poll is tried again at the next one.
    }
    schedulePoll(current);
  }, APPROVAL_POLL_MS);
}

function say(current, text, tone = "") {
  current.message = text;
  current.tone = tone;
  const node = current.root.querySelector("[data-role=action-message]");
  if (node) setMessage(node, text, tone);
}

async function act(current, run, doneKey) {
  const { ctx } = current;
  say(current, ctx.t("action_working"));
  try {
    const answer = await run();
    current.confirm = null;
    current.form = null;
    current.preview = null;
    await load(current);
    say(current, typeof doneKey === "function" ? doneKey(answer) : ctx.t(doneKey), "ok");
    ctx.onChanged?.();
  } catch (error) {
    if (page !== current) return;
    say(current, refusalText(ctx, error), "error");
  }
}

// ---- actions ----------------------------------------------------------------------------

function actionsFor(current) {
  const { ctx, alert, approval, link } = current;
  const state = alert.state;
  const needsSecond = Boolean(current.preview?.needsSecondApproval);
  const mine = Boolean(approval?.youCreated);
  const base = alertPath(current.id);
  const members = Number(current.preview?.audienceMembers) || current.audience || 0;
  const list = [];
  if (!isOfficer(ctx)) return list;
  const approve = { key: "approve", label: "action_approve", primary: true,
                    run: () => ctx.api().postJson(`${base}:approve${linkQuery(current)}`, {}),
                    done: "done_approved" };
  const decline = { key: "decline", label: "action_decline", form: "decline" };
  if (link) return state === "DRAFT" ? [approve, decline] : list;
  if (state === "DRAFT") {
    if (needsSecond && mine) {
      list.push({ key: "request-approval", label: "action_request_approval", primary: true,
                  run: () => ctx.api().postJson(`${base}:request-approval`, {}),
                  done: (answer) => ctx.t("done_requested", {
                    count: (answer.notifiedNames || []).length, names: (answer.notifiedNames || []).join(", "),
                    sms: answer.notifiedSms || 0, email: answer.notifiedEmail || 0 }) });
    }
    if (!mine || !needsSecond) list.push(approve);
    if (!mine) list.push(decline);
    if (!needsSecond) list.push(sendAction(current, members));
  }
  if (state === "APPROVED") list.push(sendAction(current, members));
  if (["DRAFT", "APPROVED", "SCHEDULED"].includes(state)) {
    list.push({ key: "test", label: "action_test",
                run: () => ctx.api().postJson(`${base}:test`, { language: ctx.lang() }),
                done: (answer) => ctx.t("done_test", {
                  channels: [answer.smsSent && ctx.t("channel_sms"), answer.emailSent && ctx.t("channel_email")]
                                .filter(Boolean).join(", ") || "—" }) });
  }
  if (["DRAFT", "APPROVED", "SCHEDULED", "SENDING"].includes(state)) {
    list.push({ key: "cancel", label: "action_cancel",
                confirm: () => ctx.t("confirm_cancel", { count: ctx.formatNumber(members) }),
                run: () => ctx.api().postJson(`${base}:cancel`, {}), done: "done_cancelled" });
  }
  if (state === "SENT") {
    list.push({ key: "close", label: "action_close", confirm: () => ctx.t("confirm_close"),
                run: () => ctx.api().postJson(`${base}:close`, {}), done: "done_closed" });
  }
  if (["SENDING", "SENT", "CLOSED"].includes(state) && !alert.parentId) {
    list.push({ key: "followup", label: "action_followup", form: "followup" });
  }
  list.push({ key: "duplicate", label: "action_duplicate", href: `#new&from=${encodeURIComponent(current.id)}` });
  return list;
}

function sendAction(current, members) {
  const { ctx } = current;
  return { key: "send", label: "action_send", primary: true,
           confirm: () => ctx.t("confirm_send", { count: ctx.formatNumber(members) }),
           run: () => ctx.api().postJson(`${alertPath(current.id)}:send`, {}), done: "done_sent" };
}

// ---- drawing ----------------------------------------------------------------------------

function render(current) {
  const { ctx, root } = current;
  root.setAttribute("aria-label", ctx.t("alert_panel_label"));
  if (current.refused) {
    root.replaceChildren(element("p", { className: "message", "data-tone": "error", role: "alert",
                                        "data-role": "refusal", text: current.refused }));
    return;
  }
  if (!current.alert) return;
  const alert = current.alert;
  const parts = [];
  if (current.link) {
    parts.push(element("h1", { "data-role": "approve-title",
                               text: [alert.code, alert.title].filter(Boolean).join(" · ") }));
  }
  parts.push(element("p", { className: "state-line", "data-role": "state", "data-state": alert.state || "",
                            text: ctx.t("alert_state_line", { state: ctx.stateName(alert.state) }) }));
  parts.push(...approvalLines(current));
  if (current.preview) parts.push(previewBlock(current));
  parts.push(actionsBlock(current));
  const eventDay = eventDayBlock(current);
  if (eventDay) parts.push(eventDay);
  if (current.trail) parts.push(trailBlock(current));
  root.replaceChildren(...parts);
  const focus = root.querySelector("[data-autofocus]");
  if (focus) focus.focus();
}

// Links to the event day's pages once the alert is sent: its rides, and the bus manifest of
// each pickup point with buses. (A coordinator, who has no panel, finds them on the board:
// app.js.)
function eventDayBlock(current) {
  const { ctx, alert } = current;
  if (current.link || !isOfficer(ctx) || !["SENDING", "SENT", "CLOSED"].includes(alert.state)) return null;
  const points = (alert.pickupPoints || []).filter((point) =>
    Number(point.buses) > 0 && Number(point.seatsPerBus) > 0);
  return eventDayLinks(ctx.t, current.id, points);
}

function approvalLines(current) {
  const { ctx, approval } = current;
  if (!approval) return [];
  const lines = [];
  if (approval.requestedBy) {
    const names = (approval.notifiedNames || []).join(", ");
    lines.push(ctx.t("approval_requested_line", {
      by: approval.requestedBy, time: ctx.formatTime(Number(approval.requestedAtMs)), names,
      sms: approval.notifiedSms || 0, email: approval.notifiedEmail || 0 }));
  }
  if (approval.approvedBy) {
    lines.push(ctx.t("approval_approved_line", { by: approval.approvedBy,
                                                 time: ctx.formatTime(Number(approval.approvedAtMs)) }));
  } else if (current.alert.state === "DRAFT" && approval.requestedBy && !approval.declinedBy &&
             approval.youCreated) {
    lines.push(ctx.t("approval_waiting"));
  }
  const items = lines.map((text) => element("li", { text }));
  if (approval.declinedBy) {
    items.push(element("li", { className: "declined", "data-role": "declined" },
        element("strong", { text: ctx.t("approval_declined_line", { by: approval.declinedBy,
                                         time: ctx.formatTime(Number(approval.declinedAtMs)) }) }),
        element("blockquote", { text: approval.declineReason || "" })));
  }
  if (current.link && approval.youCreated === false && current.alert.state === "DRAFT") {
    items.push(element("li", { text: ctx.t("approval_you_may") }));
  }
  return items.length ? [element("ul", { className: "approval-lines", "data-role": "approval" }, ...items)] : [];
}

function previewBlock(current) {
  const { ctx, preview } = current;
  const p = preview.preview || {};
  const minutes = Math.max(1, Math.ceil((Number(p.estimatedSeconds) || 0) / 60));
  const cost = new Intl.NumberFormat(ctx.lang() === "fr" ? "fr-CA" : "en-CA",
                                     { style: "currency", currency: "CAD" })
      .format((Number(p.estimatedCostCents) || 0) / 100);
  const recipients = (p.recipients || []).map((r) => element("li", {
    text: ctx.t("preview_recipients_line", { channel: ctx.t(`channel_${r.channel}`),
                                             language: r.language, count: ctx.formatNumber(Number(r.recipients) || 0) }) }));
  const messages = [];
  for (const sms of p.sms || []) {
    messages.push(element("figure", { className: "message-sample", "data-sms": sms.language },
        element("figcaption", { text: ctx.t("preview_sms_caption", { language: sms.language,
                                    segments: sms.segments, encoding: sms.encoding }) }),
        element("pre", { text: sms.text })));
  }
  for (const email of p.email || []) {
    messages.push(element("figure", { className: "message-sample", "data-email": email.language },
        element("figcaption", { text: ctx.t("preview_email_caption", { language: email.language }) }),
        element("p", {}, element("strong", { text: email.subject })),
        element("pre", { text: email.body })));
  }
  return element("section", { className: "preview", "data-role": "preview", "aria-label": ctx.t("preview_title") },
      element("h2", { text: ctx.t("preview_title") }),
      element("p", { "data-role": "audience", "data-members": String(Number(preview.audienceMembers) || 0),
                     text: ctx.t("preview_audience", { count: ctx.formatNumber(Number(preview.audienceMembers) || 0),
                                                       cost, minutes }) }),
      element("ul", { className: "recipients" }, ...recipients),
      ...(p.warnings || []).map((w) => element("p", { className: "message", "data-tone": "warning", text: w })),
      ...messages);
}

function actionsBlock(current) {
  const { ctx } = current;
  const buttons = actionsFor(current).map((action) => {
    if (action.href) {
      return element("a", { className: "quiet-button", href: action.href, "data-action": action.key,
                            text: ctx.t(action.label) });
    }
    const button = element("button", { type: "button", "data-action": action.key,
                                        className: action.primary ? "primary-button" : "quiet-button",
                                        text: ctx.t(action.label) });
    button.addEventListener("click", () => {
      if (action.form) {
        current.form = current.form === action.form ? null : action.form;
        current.confirm = null;
        render(current);
      } else if (action.confirm) {
        current.confirm = action;
        current.form = null;
        render(current);
      } else {
        act(current, action.run, action.done);
      }
    });
    return button;
  });
  const block = element("section", { className: "alert-actions", "aria-label": ctx.t("actions_title") },
      element("div", { className: "action-row" }, ...buttons));
  if (current.confirm) block.append(confirmBlock(current, current.confirm));
  if (current.form === "decline") block.append(declineForm(current));
  if (current.form === "followup") block.append(followupForm(current));
  block.append(element("p", { className: "message", role: "alert", "data-role": "action-message",
                              "data-tone": current.tone, text: current.message }));
  return block;
}

function confirmBlock(current, action) {
  const { ctx } = current;
  const yes = element("button", { type: "button", className: "primary-button", "data-confirm": "yes",
                                  "data-autofocus": "", text: ctx.t("confirm_yes") });
  const no = element("button", { type: "button", className: "quiet-button", "data-confirm": "no",
                                 text: ctx.t("confirm_no") });
  yes.addEventListener("click", () => act(current, action.run, action.done));
  no.addEventListener("click", () => { current.confirm = null; render(current); });
  return element("div", { className: "confirm", role: "group", "data-role": "confirm" },
      element("p", { "data-role": "confirm-text", text: action.confirm() }), yes, no);
}

function declineForm(current) {
  const { ctx } = current;
  const field = element("textarea", { id: "decline-reason", name: "reason", maxlength: "500", rows: "3",
                                      required: "", "data-autofocus": "" });
  const form = element("form", { className: "inline-form", "data-role": "decline-form", novalidate: "" },
      element("label", { for: "decline-reason", text: ctx.t("decline_reason_label") }),
      field,
      element("button", { type: "submit", className: "primary-button", text: ctx.t("decline_submit") }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const reason = field.value.trim();
    if (!reason) {
      say(current, ctx.t("decline_reason_empty"), "error");
      field.focus();
      return;
    }
    act(current, () => ctx.api().postJson(`${alertPath(current.id)}:decline${linkQuery(current)}`, { reason }),
        "done_declined");
  });
  return form;
}

const GROUPS = ["yes", "no_answer", "maybe", "yes_with_bus", "waitlisted", "not_delivered"];

function followupForm(current) {
  const { ctx } = current;
  const group = element("select", { id: "followup-group", name: "group", "data-autofocus": "" },
      ...GROUPS.map((value) => element("option", { value, text: ctx.t(`group_${value}`) })));
  const fr = element("textarea", { id: "followup-fr", rows: "3", maxlength: "1600", lang: "fr" });
  const en = element("textarea", { id: "followup-en", rows: "3", maxlength: "1600", lang: "en" });
  const form = element("form", { className: "inline-form", "data-role": "followup-form", novalidate: "" },
      element("label", { for: "followup-group", text: ctx.t("followup_group_label") }), group,
      element("label", { for: "followup-fr", text: ctx.t("followup_fr_label") }), fr,
      element("label", { for: "followup-en", text: ctx.t("followup_en_label") }), en,
      element("button", { type: "submit", className: "primary-button", text: ctx.t("followup_submit") }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const messages = {};
    if (fr.value.trim()) messages.fr = { sms: fr.value.trim() };
    if (en.value.trim()) messages.en = { sms: en.value.trim() };
    // The daemon names what is missing or wrong (a group, a text): shown beside the form.
    act(current, () => ctx.api().postJson(`${alertPath(current.id)}/followups`,
                                          { title: ctx.t("followup_title"), targetGroup: group.value,
                                            channels: "SMS", messages }),
        (answer) => {
          // The follow-up is a draft of its own, approved and sent from its page: open it.
          if (answer.alert?.id) setTimeout(() => { location.hash = `alert=${encodeURIComponent(answer.alert.id)}`; });
          return ctx.t("done_followup", { code: answer.alert?.id || "" });
        });
  });
  return form;
}

function trailBlock(current) {
  const { ctx, trail } = current;
  const entries = (trail.entries || []).map((entry) => element("li", { "data-action": entry.action },
      element("time", { text: ctx.formatTime(Number(entry.atMs)) }), " ",
      element("strong", { text: entry.actor || "" }), " ",
      element("span", { text: actionName(ctx, entry.action) }),
      detailOf(entry) ? element("span", { className: "muted", text: ` · ${detailOf(entry)}` }) : ""));
  return element("section", { className: "trail", "data-role": "trail", "aria-labelledby": "trail-title" },
      element("h2", { id: "trail-title", text: ctx.t("trail_title") }),
      entries.length ? element("ol", {}, ...entries) : element("p", { className: "muted", text: ctx.t("trail_empty") }));
}

// The entry's detail without what only an auditor needs (the token's id, the state before).
const detailOf = (entry) =>
  String(entry.detail || "").replace(/(^|\s)(token|from)=\S*/g, "").trim();

function actionName(ctx, action) {
  const key = `audit_${String(action || "").replace(/\./g, "_")}`;
  const text = ctx.t(key);
  return text === key ? action : text;
}

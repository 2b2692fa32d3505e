// The form of an alert, shared by the compose page (#new, compose.js) and the templates
// admin page (#admin/templates, templates_admin.js, which has no date, audience or expiry).
// It reads and writes the Alert of the API's JSON mapping, places each problem the daemon
// reports beside the field it names ("messages.fr.sms", "pickup_points[1].name"), and
// shows the daemon's counts under each SMS. It checks nothing itself: every rule is the
// daemon's (POST /v1/alerts:draft-preview, PUT /v1/templates/{kind}).

import { element, setText } from "./dom.js";
import { toRfc3339, fromRfc3339, localToRfc3339, rfc3339ToLocal } from "./zoned_time.js";
import { KINDS, audienceFromPicks, withoutDaemonFields } from "./compose_helpers.js";

// Only these kinds may ring through the quiet hours (the daemon refuses the flag on others).
const URGENT_KINDS = ["SPECIAL_LAW_THREAT", "EMERGENCY_ASSEMBLY"];
const LANGUAGES = ["fr", "en"];
const CHANNELS = ["SMS", "EMAIL", "BOTH"];
const GROUPS = ["no_answer", "not_delivered", "yes", "maybe", "yes_with_bus", "waitlisted"];
// The seat confirmation's wave is made by the daemon from seatConfirmation: not shown, not
// sent back (a duplicated alert would otherwise carry it twice).
const SEAT_CONFIRMATION_GROUP = "seated_unconfirmed";
const DIMENSIONS = ["region", "sector", "local"];

export class AlertForm {
  // prefix: the ids' ("compose" -> #compose-title); scheduled: with event time, audience
  // and expiry (an alert) or without (a template); context: { t, timeZone(), labels() };
  // onChange: called after every edit.
  constructor(root, { prefix, scheduled, context, onChange }) {
    this.root = root;
    this.prefix = prefix;
    this.scheduled = scheduled;
    this.context = context;
    this.onChange = onChange || (() => {});
    this.base = {};       // the alert loaded, for the fields the form does not show
    this.picks = { region: [], sector: [], local: [], tag: [] };
    this.expiryEdited = false;
    this.fields = new Map();  // problem field path -> { input, error }
  }

  id(name) { return `${this.prefix}-${name}`; }
  t(key, values) { return this.context.t(key, values); }
  get timeZone() { return this.context.timeZone(); }

  // ---- building -------------------------------------------------------------------------

  // An input with its label, hint and error line, registered for the problems of `path`.
  field(path, name, labelKey, input, { hint = "", wide = false } = {}) {
    input.id = this.id(name);
    const error = element("p", { id: this.id(`${name}-error`), className: "field-error", role: "alert" });
    const describedBy = [error.id];
    const parts = [element("label", { for: input.id, text: this.t(labelKey) })];
    if (hint) {
      const hintNode = element("p", { id: this.id(`${name}-hint`), className: "muted field-hint", text: hint });
      describedBy.unshift(hintNode.id);
      parts.push(hintNode);
    }
    input.setAttribute("aria-describedby", describedBy.join(" "));
    input.addEventListener("input", () => this.changed());
    input.addEventListener("change", () => this.changed());
    if (path) this.fields.set(path, { input, error });
    return element("div", { className: wide ? "field wide" : "field" }, ...parts, input, error);
  }

  // An error line for a group of inputs (a fieldset), registered for `path`.
  groupError(path, name, focusTarget) {
    const error = element("p", { id: this.id(`${name}-error`), className: "field-error", role: "alert" });
    this.fields.set(path, { input: focusTarget, error });
    return error;
  }

  changed() {
    this.onChange();
  }

  section(titleKey, ...children) {
    return element("fieldset", { className: "form-section" },
                   element("legend", { text: this.t(titleKey) }), ...children);
  }

  // A new alert (or template) to edit: nothing picked, its expiry followed until edited.
  load(alert) {
    this.picks = { region: [], sector: [], local: [], tag: [] };
    this.expiryEdited = Boolean(alert?.expiresAt);
    this.render(alert || {});
  }

  // (Re)builds the whole form from `alert` (the language changed, a row was removed).
  render(alert = this.read()) {
    this.fields.clear();
    this.base = withoutDaemonFields(alert);
    const a = this.base;
    this.root.replaceChildren();

    const kind = element("select", {});
    for (const value of KINDS) kind.append(element("option", { value, text: this.t(`kind_${value.toLowerCase()}`) }));
    kind.value = a.kind || "EMERGENCY_ASSEMBLY";
    kind.addEventListener("change", () => this.renderUrgent());
    // The kind comes from the template (the page's own picker) or the alert duplicated.
    const kindField = this.field("kind", "kind", "compose_kind", kind);
    kindField.hidden = true;
    this.root.append(this.section("compose_what", kindField,
      this.field("title", "title", "compose_title_label", element("input", { type: "text", value: a.title || "", maxlength: "200" })),
      ...(this.scheduled ? [this.whenFields(a)] : []),
      this.field("place", "place", "compose_place", element("input", { type: "text", value: a.place || "" }),
                 { hint: this.t("compose_place_hint") })));

    if (this.scheduled) this.root.append(this.audienceSection(a));

    const channels = element("div", { className: "choices", role: "radiogroup", "aria-labelledby": this.id("channels-legend") });
    for (const value of CHANNELS) {
      const radio = element("input", { type: "radio", name: this.id("channels"), value, id: this.id(`channel-${value.toLowerCase()}`) });
      radio.checked = (a.channels || "BOTH") === value;
      radio.addEventListener("change", () => this.changed());
      channels.append(element("label", { className: "choice" }, radio, ` ${this.t(`compose_channel_${value.toLowerCase()}`)}`));
    }
    const channelsError = this.groupError("channels", "channels", channels.querySelector("input"));
    const options = element("div", { className: "choices" },
      this.checkbox("rsvp", "compose_rsvp", a.rsvpYesNoMaybe ?? true),
      this.checkbox("car-seats", "compose_car_seats", a.carSeats),
      this.checkbox("fold-accents", "compose_fold_accents", a.foldAccents, "fold_accents"));
    this.urgent = this.checkbox("ignore-quiet-hours", "compose_ignore_quiet_hours", a.ignoreQuietHours, "ignore_quiet_hours");
    this.root.append(element("fieldset", { className: "form-section" },
      element("legend", { id: this.id("channels-legend"), text: this.t("compose_channels") }),
      channels, channelsError, options, this.urgent));
    this.renderUrgent();

    const texts = [];
    for (const lang of LANGUAGES) texts.push(this.messageFields(lang, a.messages?.[lang] || {}));
    this.root.append(this.section("compose_texts", element("p", { className: "muted", text: this.t("compose_placeholders") }),
                                  this.groupError("messages", "messages", null), ...texts));

    this.pickupList = element("div", { className: "rows" });
    this.root.append(this.section("compose_pickups", this.pickupList,
      this.addButton("add-pickup", "compose_add_pickup", () => { this.addPickup({}); this.changed(); })));
    (a.pickupPoints || []).forEach((point) => this.addPickup(point));

    this.targetList = element("div", { className: "rows" });
    this.root.append(this.section("compose_targets", this.targetList,
      this.addButton("add-target", "compose_add_target", () => { this.addTarget({}); this.changed(); })));
    (a.targets || []).forEach((target) => this.addTarget(target));

    this.waveList = element("div", { className: "rows" });
    this.root.append(this.section("compose_waves", element("p", { className: "muted", text: this.t("compose_waves_hint") }),
      this.waveList,
      this.addButton("add-wave", "compose_add_wave", () => { this.addWave({ delayMinutes: 45, targetGroup: "no_answer", channels: "SMS" }); this.changed(); })));
    this.shownWaves = (a.waves || []).filter((wave) => wave.targetGroup !== SEAT_CONFIRMATION_GROUP);
    this.shownWaves.forEach((wave) => this.addWave(wave));

    if (this.scheduled) {
      const expires = element("input", { type: "datetime-local", value: rfc3339ToLocal(a.expiresAt, this.timeZone) });
      expires.addEventListener("input", () => { this.expiryEdited = true; });
      this.root.append(this.section("compose_expiry",
        this.field("expires_at", "expires", "compose_expires", expires,
                   { hint: this.t("compose_expires_hint", { zone: this.timeZone }) })));
    }
    this.general = element("ul", { id: this.id("problems"), className: "problems", role: "alert" });
    this.root.append(this.general);
  }

  whenFields(a) {
    const parts = fromRfc3339(a.eventTime, this.timeZone) || { date: "", time: "" };
    const date = element("input", { type: "date", value: parts.date });
    const time = element("input", { type: "time", value: parts.time, step: "60" });
    const echo = element("p", { id: this.id("when-echo"), className: "muted", role: "status" });
    const row = element("div", { className: "field-row" },
      this.field("", "date", "compose_date", date, { hint: this.t("compose_zone", { zone: this.timeZone }) }),
      this.field("", "time", "compose_time", time));
    const error = this.groupError("event_time", "when", date);
    date.setAttribute("aria-describedby", `${date.getAttribute("aria-describedby")} ${echo.id} ${error.id}`);
    time.setAttribute("aria-describedby", `${time.getAttribute("aria-describedby")} ${echo.id} ${error.id}`);
    return element("div", { className: "when" }, row, echo, error);
  }

  audienceSection(a) {
    // Two lines: an expression of three regions is longer than a phone is wide.
    const expression = element("textarea", { rows: "2", autocapitalize: "off", spellcheck: "false" });
    expression.value = a.audience || "";
    // Typed by hand: the expression is the audience, the picks no longer describe it.
    expression.addEventListener("input", () => {
      this.picks = { region: [], sector: [], local: [], tag: [] };
      this.renderPicks();
    });
    this.chips = element("ul", { id: this.id("picks"), className: "chips", "aria-label": this.t("compose_picked") });
    const pickers = element("div", { className: "pickers" });
    for (const dimension of DIMENSIONS) pickers.append(this.picker(dimension));
    const tag = element("input", { type: "text", id: this.id("pick-tag"), autocapitalize: "off", spellcheck: "false" });
    const addTag = () => {
      const value = tag.value.trim();
      if (!value) return;
      this.pick("tag", { value, name: value });
      tag.value = "";
    };
    tag.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); addTag(); } });
    pickers.append(element("div", { className: "picker" },
      element("label", { for: tag.id, text: this.t("compose_pick_tag") }),
      element("div", { className: "picker-row" }, tag,
        element("button", { type: "button", id: this.id("pick-tag-add"), className: "quiet-button", text: this.t("compose_add") }))));
    pickers.lastChild.querySelector("button").addEventListener("click", addTag);
    const count = element("p", { id: this.id("audience-count"), className: "audience-count", role: "status", "aria-live": "polite" });
    const field = this.field("audience", "audience", "compose_audience", expression, { hint: this.t("compose_audience_hint"), wide: true });
    expression.setAttribute("aria-describedby", `${expression.getAttribute("aria-describedby")} ${count.id}`);
    field.insertBefore(count, field.lastChild);
    this.renderPicks();
    return this.section("compose_who", pickers, this.chips, field);
  }

  picker(dimension) {
    const select = element("select", { id: this.id(`pick-${dimension}`) });
    select.append(element("option", { value: "", text: this.t(`compose_pick_${dimension}_choose`) }));
    for (const label of this.context.labels()?.[`${dimension}s`] || []) {
      select.append(element("option", { value: label.value,
        text: this.t("compose_pick_option", { name: label.name, members: this.context.formatNumber(Number(label.members || 0)) }) }));
    }
    // Chosen from the list: added at once (one action, on a phone too). Arrow keys on the
    // closed list change it at every step: then only Enter adds what is shown.
    const add = () => {
      const label = (this.context.labels()?.[`${dimension}s`] || []).find((l) => l.value === select.value);
      if (label) this.pick(dimension, label);
      select.value = "";
    };
    let browsing = false;
    select.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        browsing = false;
        add();
      } else if (event.key !== "Tab") {
        browsing = true;
      }
    });
    select.addEventListener("blur", () => { browsing = false; });
    select.addEventListener("change", () => { if (!browsing) add(); });
    return element("div", { className: "picker" },
      element("label", { for: select.id, text: this.t(`compose_pick_${dimension}`) }), select);
  }

  pick(dimension, label) {
    if (!this.picks[dimension].some((p) => p.value === label.value)) this.picks[dimension].push(label);
    this.applyPicks();
  }

  applyPicks() {
    this.fields.get("audience").input.value = audienceFromPicks(this.picks);
    this.renderPicks();
    this.changed();
  }

  renderPicks() {
    if (!this.chips) return;
    this.chips.replaceChildren();
    for (const [dimension, picks] of Object.entries(this.picks)) {
      for (const pick of picks) {
        const remove = element("button", { type: "button", className: "chip-remove",
          "aria-label": this.t("compose_unpick", { what: `${this.t(`dimension_${dimension}`)} ${pick.name}` }), text: "×" });
        remove.addEventListener("click", () => {
          this.picks[dimension] = this.picks[dimension].filter((p) => p !== pick);
          this.applyPicks();
          this.fields.get("audience").input.focus();
        });
        this.chips.append(element("li", { className: "chip" },
          element("span", { text: `${this.t(`dimension_${dimension}`)}${this.t("colon")}${pick.name}` }), remove));
      }
    }
  }

  checkbox(name, labelKey, checked, path = "") {
    const input = element("input", { type: "checkbox", id: this.id(name) });
    input.checked = Boolean(checked);
    input.addEventListener("change", () => this.changed());
    const error = element("p", { id: this.id(`${name}-error`), className: "field-error", role: "alert" });
    input.setAttribute("aria-describedby", error.id);
    if (path) this.fields.set(path, { input, error });
    return element("div", { className: "choice-block" },
      element("label", { className: "choice" }, input, ` ${this.t(labelKey)}`), error);
  }

  renderUrgent() {
    const kind = this.fields.get("kind")?.input.value;
    const urgent = URGENT_KINDS.includes(kind);
    this.urgent.hidden = !urgent;
    if (!urgent) this.urgent.querySelector("input").checked = false;
  }

  addButton(name, labelKey, onClick) {
    const button = element("button", { type: "button", id: this.id(name), className: "quiet-button", text: this.t(labelKey) });
    button.addEventListener("click", onClick);
    return button;
  }

  messageFields(lang, message, pathPrefix = `messages.${lang}`, name = lang) {
    const sms = element("textarea", { rows: "4" });
    sms.value = message.sms || "";
    const counter = element("p", { id: this.id(`${name}-sms-counter`), className: "sms-counter", role: "status", "aria-live": "polite" });
    const fold = element("button", { type: "button", id: this.id(`${name}-fold`), className: "quiet-button", text: this.t("compose_fold_now"), hidden: "" });
    fold.addEventListener("click", () => {
      this.fields.get("fold_accents").input.checked = true;
      fold.hidden = true;
      this.changed();
      sms.focus();
    });
    const rendered = element("p", { id: this.id(`${name}-sms-rendered`), className: "sms-rendered" });
    const smsField = this.field(`${pathPrefix}.sms`, `${name}-sms`, `compose_sms_${lang}`, sms, { wide: true });
    sms.setAttribute("aria-describedby", `${sms.getAttribute("aria-describedby")} ${counter.id}`);
    smsField.append(counter, fold, rendered);
    const subject = element("input", { type: "text", value: message.emailSubject || "" });
    const body = element("textarea", { rows: "6" });
    body.value = message.emailBody || "";
    return element("div", { className: "language", lang },
      smsField,
      this.field(`${pathPrefix}.email_subject`, `${name}-email-subject`, `compose_subject_${lang}`, subject, { wide: true }),
      this.field(`${pathPrefix}.email_body`, `${name}-email-body`, `compose_body_${lang}`, body, { wide: true }));
  }

  readMessages(name, base = {}) {
    const messages = {};
    for (const lang of LANGUAGES) {
      const value = (field) => this.root.querySelector(`#${this.id(`${name}${lang}-${field}`)}`)?.value ?? "";
      const message = { ...(base[lang] || {}), sms: value("sms"), emailSubject: value("email-subject"), emailBody: value("email-body") };
      if (lang === "fr" || message.sms || message.emailSubject || message.emailBody) messages[lang] = message;
    }
    return messages;
  }

  removableRow(list, legendText, build) {
    const row = element("fieldset", { className: "row" }, element("legend", { text: legendText }));
    build(row);
    const remove = element("button", { type: "button", className: "quiet-button remove", text: this.t("compose_remove"),
                                       "aria-label": this.t("compose_remove_what", { what: legendText }) });
    remove.addEventListener("click", () => {
      row.remove();
      this.renumber();
      this.changed();
    });
    row.append(remove);
    list.append(row);
    return row;
  }

  // Row paths follow their position ("pickup_points[1]"): rebuilt after a removal.
  renumber() {
    const alert = this.read();
    this.render(alert);
  }

  addPickup(point) {
    const i = this.pickupList.children.length;
    this.removableRow(this.pickupList, this.t("compose_pickup_n", { n: i + 1 }), (row) => {
      row.dataset.pickup = String(i);
      row.append(
        this.field(`pickup_points[${i}].id`, `pickup-${i}-id`, "compose_pickup_id", element("input", { type: "text", value: point.id || "", maxlength: "12" }), { hint: this.t("compose_pickup_id_hint") }),
        this.field(`pickup_points[${i}].name`, `pickup-${i}-name`, "compose_pickup_name", element("input", { type: "text", value: point.name || "" })),
        this.field(`pickup_points[${i}].region`, `pickup-${i}-region`, "compose_pickup_region", element("input", { type: "text", value: point.region || "" })),
        this.field(`pickup_points[${i}].buses`, `pickup-${i}-buses`, "compose_pickup_buses", element("input", { type: "number", min: "0", max: "100", step: "1", inputmode: "numeric", value: String(point.buses || 0) }), { hint: this.t("compose_pickup_buses_hint") }),
        this.field(`pickup_points[${i}].seats_per_bus`, `pickup-${i}-seats`, "compose_pickup_seats_per_bus", element("input", { type: "number", min: "0", max: "100", step: "1", inputmode: "numeric", value: String(point.seatsPerBus || 0) })),
        this.field(`pickup_points[${i}].bus_capacity`, `pickup-${i}-capacity`, "compose_pickup_capacity", element("input", { type: "number", min: "0", step: "1", inputmode: "numeric", value: String(point.busCapacity || 0) }), { hint: this.t("compose_pickup_capacity_hint") }));
      if (this.scheduled) {
        row.append(this.field(`pickup_points[${i}].departs_at`, `pickup-${i}-departs`, "compose_pickup_departs",
          element("input", { type: "datetime-local", value: rfc3339ToLocal(point.departsAt, this.timeZone) })));
      }
    });
  }

  addTarget(target) {
    const i = this.targetList.children.length;
    this.removableRow(this.targetList, this.t("compose_target_n", { n: i + 1 }), (row) => {
      row.dataset.target = String(i);
      const dimension = element("select", {});
      for (const value of DIMENSIONS) dimension.append(element("option", { value, text: this.t(`dimension_${value}`) }));
      dimension.value = target.dimension || "region";
      const listId = this.id(`target-${i}-values`);
      const value = element("input", { type: "text", value: target.value || "", list: listId });
      const options = element("datalist", { id: listId });
      const fillOptions = () => {
        options.replaceChildren(...(this.context.labels()?.[`${dimension.value}s`] || [])
          .map((label) => element("option", { value: label.name })));
      };
      dimension.addEventListener("change", fillOptions);
      fillOptions();
      row.append(
        this.field(`targets[${i}].dimension`, `target-${i}-dimension`, "compose_target_dimension", dimension),
        this.field(`targets[${i}].value`, `target-${i}-value`, "compose_target_value", value), options,
        this.field(`targets[${i}].target`, `target-${i}-target`, "compose_target_count", element("input", { type: "number", min: "0", step: "1", inputmode: "numeric", value: String(target.target || 0) })),
        this.field(`targets[${i}].quorum`, `target-${i}-quorum`, "compose_target_quorum", element("input", { type: "number", min: "0", step: "1", inputmode: "numeric", value: String(target.quorum || 0) }), { hint: this.t("compose_target_quorum_hint") }));
    });
  }

  addWave(wave) {
    const i = this.waveList.children.length;
    const row = this.removableRow(this.waveList, this.t("compose_wave_n", { n: i + 1 }), (row) => {
      row.dataset.wave = String(i);
      const group = element("select", {});
      for (const value of GROUPS) group.append(element("option", { value, text: this.t(`group_${value}`) }));
      group.value = wave.targetGroup || "no_answer";
      const channels = element("select", {});
      for (const value of CHANNELS) channels.append(element("option", { value, text: this.t(`compose_channel_${value.toLowerCase()}`) }));
      channels.value = wave.channels || "SMS";
      row.append(
        this.field(`waves[${i}].target_group`, `wave-${i}-group`, "compose_wave_group", group),
        this.field(`waves[${i}].delay_minutes`, `wave-${i}-delay`, "compose_wave_delay", element("input", { type: "number", min: "1", step: "1", inputmode: "numeric", value: String(wave.delayMinutes || 0) })),
        this.field(`waves[${i}].channels`, `wave-${i}-channels`, "compose_wave_channels", channels));
      for (const lang of LANGUAGES) row.append(this.messageFields(lang, wave.messages?.[lang] || {}, `waves[${i}].messages.${lang}`, `wave-${i}-${lang}`));
    });
    row.querySelector(`#${this.id(`wave-${i}-fr-fold`)}`)?.remove();
    row.querySelector(`#${this.id(`wave-${i}-en-fold`)}`)?.remove();
  }

  // ---- reading --------------------------------------------------------------------------

  value(name) { return this.root.querySelector(`#${this.id(name)}`)?.value ?? ""; }
  checked(name) { return Boolean(this.root.querySelector(`#${this.id(name)}`)?.checked); }
  number(name) { return Math.trunc(Number(this.value(name)) || 0); }

  // The Alert as the API reads it (JSON mapping), from the form and the loaded alert.
  read() {
    if (!this.fields.size) return this.base;
    const a = { ...this.base };
    a.kind = this.value("kind");
    a.title = this.value("title");
    a.place = this.value("place");
    a.channels = this.root.querySelector(`input[name="${this.id("channels")}"]:checked`)?.value || "BOTH";
    a.rsvpYesNoMaybe = this.checked("rsvp");
    a.carSeats = this.checked("car-seats");
    a.foldAccents = this.checked("fold-accents");
    a.ignoreQuietHours = this.checked("ignore-quiet-hours");
    a.messages = this.readMessages("", this.base.messages);
    a.pickupPoints = [...this.pickupList.children].map((row, i) => {
      const point = { ...(this.base.pickupPoints?.[i] || {}), id: this.value(`pickup-${i}-id`).trim(),
                      name: this.value(`pickup-${i}-name`), region: this.value(`pickup-${i}-region`),
                      buses: this.number(`pickup-${i}-buses`), seatsPerBus: this.number(`pickup-${i}-seats`),
                      busCapacity: this.number(`pickup-${i}-capacity`) };
      if (this.scheduled) point.departsAt = localToRfc3339(this.value(`pickup-${i}-departs`), this.timeZone);
      return point;
    });
    a.targets = [...this.targetList.children].map((row, i) => ({
      dimension: this.value(`target-${i}-dimension`), value: this.value(`target-${i}-value`),
      target: this.number(`target-${i}-target`), quorum: this.number(`target-${i}-quorum`) }));
    a.waves = [...this.waveList.children].map((row, i) => ({
      ...(this.shownWaves?.[i] || {}), targetGroup: this.value(`wave-${i}-group`),
      delayMinutes: this.number(`wave-${i}-delay`), channels: this.value(`wave-${i}-channels`),
      messages: this.readMessages(`wave-${i}-`, this.base.waves?.[i]?.messages) }));
    if (this.scheduled) {
      a.eventTime = toRfc3339(this.value("date"), this.value("time"), this.timeZone);
      a.audience = this.value("audience").trim();
      // Until the officer sets it, nothing is sent once the event has started.
      if (!this.expiryEdited && a.eventTime) {
        this.root.querySelector(`#${this.id("expires")}`).value = rfc3339ToLocal(a.eventTime, this.timeZone);
      }
      a.expiresAt = localToRfc3339(this.value("expires"), this.timeZone);
      this.echoWhen(a.eventTime);
    }
    return a;
  }

  echoWhen(eventTime) {
    const echo = this.root.querySelector(`#${this.id("when-echo")}`);
    if (!echo) return;
    if (!eventTime) { setText(echo, ""); return; }
    const shown = this.context.formatEventTime(eventTime);
    setText(echo, this.t("compose_when_echo", { when: shown, rfc: eventTime, zone: this.timeZone }));
  }

  // ---- what the daemon said -------------------------------------------------------------

  // Each problem beside its field; those of no field shown here in a list. The count shown.
  showProblems(problems) {
    const byField = new Map();
    const general = [];
    for (const problem of problems || []) {
      const field = problem.field || "";
      if (this.fields.has(field)) {
        byField.set(field, [...(byField.get(field) || []), problem.error]);
      } else {
        general.push(problem);
      }
    }
    for (const [path, { input, error }] of this.fields) {
      const text = (byField.get(path) || []).join(" · ");
      setText(error, text);
      if (input) {
        if (text) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      }
    }
    this.general.replaceChildren(...general.map((problem) =>
      element("li", { text: problem.field ? `${problem.field}${this.t("colon")}${problem.error}` : problem.error })));
    return problems?.length || 0;
  }

  // The daemon's SMS of each language: characters, encoding, segments and what forces
  // UCS-2, with the one-tap fold when accents are the cause; and the rendered text.
  showSms(smsPreviews) {
    for (const lang of LANGUAGES) {
      const counter = this.root.querySelector(`#${this.id(`${lang}-sms-counter`)}`);
      const fold = this.root.querySelector(`#${this.id(`${lang}-fold`)}`);
      const rendered = this.root.querySelector(`#${this.id(`${lang}-sms-rendered`)}`);
      if (!counter) continue;
      const sms = (smsPreviews || []).find((entry) => entry.language === lang);
      if (!sms) {
        setText(counter, "");
        counter.dataset.encoding = "";
        fold.hidden = true;
        setText(rendered, "");
        continue;
      }
      const ucs2 = sms.encoding === "ucs2";
      const forcing = sms.nonGsmCharacters || [];
      let text = this.t("compose_counter", {
        units: this.context.formatNumber(Number(sms.units || 0)),
        encoding: ucs2 ? "UCS-2" : "GSM-7",
        segments: this.context.formatNumber(Number(sms.segments || 0)),
      });
      if (ucs2 && forcing.length) text += ` · ${this.t("compose_counter_forced", { chars: forcing.join(" ") })}`;
      setText(counter, text);
      counter.dataset.encoding = sms.encoding;
      counter.dataset.segments = String(sms.segments || 0);
      fold.hidden = !(ucs2 && !this.checked("fold-accents"));
      setText(rendered, this.t("compose_rendered", { text: sms.text }));
    }
  }

  focusFirstProblem() {
    for (const { input, error } of this.fields.values()) {
      if (error.textContent && input) { input.focus(); return true; }
    }
    return false;
  }
}

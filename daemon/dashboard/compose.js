// The compose page: #new (pick a kind), #new&kind=emergency-assembly (start from that kind's
// template), #new&from=ID (duplicate an alert as a new draft). The form (alert_form.js) is
// sent as typed to POST /v1/alerts:draft-preview, debounced, one request in flight and the
// latest edit winning: the daemon answers the audience's count, each SMS's encoding and
// segments, the cost and every problem, which the page shows beside each field. "Create
// draft" stays disabled while any problem is known or the answer is not for the form as it
// is; it posts to /v1/alerts and opens #alert=ID.

import { $, element, setText, setMessage } from "./dom.js";
import { AlertForm } from "./alert_form.js";
import { kindFromName, kindName, withoutDaemonFields } from "./compose_helpers.js";

const DEBOUNCE_MS = 300;

export class ComposePage {
  // app: { api(), t, who(), show(viewId), errorText(error), formatNumber, formatEventTime }
  constructor(app) {
    this.app = app;
    this.templates = null;  // GET /v1/templates, once
    this.labels = null;     // GET /v1/members:labels, once per opening
    this.edits = 0;         // bumped by each edit
    this.answered = -1;     // the edit the shown answer is for
    this.problems = 1;      // problems in the shown answer
    this.inFlight = false;
    this.timer = 0;
    this.creating = false;
    this.form = new AlertForm($("compose-form"), {
      prefix: "compose", scheduled: true,
      context: { t: app.t, timeZone: () => app.who()?.timeZone || "America/Toronto",
                 labels: () => this.labels, formatNumber: app.formatNumber,
                 formatEventTime: app.formatEventTime },
      onChange: () => this.edited(),
    });
    $("compose-kind-pick").addEventListener("change", (event) => {
      if (event.target.value) location.hash = `new&kind=${kindName(event.target.value)}`;
    });
    $("compose-create").addEventListener("click", () => this.create());
    $("compose-form").addEventListener("submit", (event) => event.preventDefault());
  }

  get t() { return this.app.t; }

  async open(params) {
    this.app.show("compose-view");
    this.opened = params;
    const message = $("compose-message");
    setMessage(message, this.t("loading"));
    $("compose-form").hidden = true;
    this.answered = -1;
    this.renderBar(null);
    try {
      const api = this.app.api();
      const [templates, labels] = await Promise.all([
        this.templates ? Promise.resolve(this.templates) : api.getJson("/v1/templates"),
        api.getJson("/v1/members:labels")]);
      this.templates = templates;
      this.labels = labels;
      let alert = null;
      if (params.from) {
        const got = await api.getJson(`/v1/alerts/${encodeURIComponent(params.from)}`);
        alert = withoutDaemonFields(got.alert);
        delete alert.sendAt;
        setText($("compose-heading"), this.t("compose_title_duplicate", { title: got.alert.title || "" }));
      } else {
        const kind = kindFromName(params.kind || "");
        this.renderKindPicker(kind);
        if (!kind) {
          setMessage(message, "");
          setText($("compose-heading"), this.t("compose_title_new"));
          $("compose-kind-pick").focus();
          return;
        }
        const found = (templates.templates || []).find((entry) => entry.alert?.kind === kind);
        alert = withoutDaemonFields(found?.alert || { kind });
        setText($("compose-heading"), this.t("compose_title_kind", { kind: this.t(`kind_${kind.toLowerCase()}`) }));
      }
      $("compose-kind-row").hidden = Boolean(params.from);
      setMessage(message, "");
      this.form.load(alert);
      $("compose-form").hidden = false;
      this.edited();
      $("compose-heading").focus();
    } catch (error) {
      setMessage(message, this.app.errorText(error), "error");
    }
  }

  renderKindPicker(kind) {
    const select = $("compose-kind-pick");
    select.replaceChildren(element("option", { value: "", text: this.t("compose_kind_choose") }));
    for (const entry of this.templates?.templates || []) {
      const value = entry.alert?.kind;
      if (value) select.append(element("option", { value, text: this.t(`kind_${value.toLowerCase()}`) }));
    }
    select.value = kind;
    $("compose-kind-row").hidden = false;
  }

  relabel() {
    if ($("compose-view").hidden || !this.opened) return;
    if (!$("compose-form").hidden) this.form.render();
    if (!this.opened.from) this.renderKindPicker(kindFromName(this.opened.kind || ""));
    this.edited();
  }

  // ---- the draft preview loop -----------------------------------------------------------

  edited() {
    this.edits += 1;
    this.renderBar(this.last);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.ask(), DEBOUNCE_MS);
  }

  async ask() {
    if (this.inFlight) return;  // asked again when the request in flight answers
    const edit = this.edits;
    const draft = this.form.read();
    this.inFlight = true;
    try {
      const answer = await this.app.api().postJson("/v1/alerts:draft-preview", draft);
      if (this.edits === edit) this.show(answer, edit);
    } catch (error) {
      setMessage($("compose-message"), this.app.errorText(error), "error");
    } finally {
      this.inFlight = false;
    }
    // The form changed meanwhile: the latest edit is asked now (its timer may have fired
    // while this request was out).
    if (this.edits !== edit && !$("compose-view").hidden) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.ask(), 0);
    }
  }

  show(answer, edit) {
    this.last = answer;
    this.answered = edit;
    // Problems refuse creation; cautions (a term no member has, a target larger than its
    // audience) would not, but are almost always typos: both beside their field, both
    // holding "create" back.
    this.problems = this.form.showProblems([...(answer.problems || []), ...(answer.cautions || [])]);
    this.form.showSms(answer.preview?.sms);
    this.renderBar(answer);
  }

  // The audience's count and reach, cost and time, and the create button's state.
  renderBar(answer) {
    const current = answer && this.answered === this.edits;
    const count = $("compose-audience-count");
    const members = Number(answer?.audienceMembers || 0);
    const text = answer ? this.t("compose_audience_count", {
      members: this.app.formatNumber(members),
      sms: this.app.formatNumber(Number(answer.smsReachable || 0)),
      email: this.app.formatNumber(Number(answer.emailReachable || 0)) }) : "";
    if (count) {
      setText(count, text);
      count.dataset.members = answer ? String(members) : "";
    }
    setText($("compose-bar-count"), text);
    const preview = answer?.preview;
    setText($("compose-cost"), preview && members > 0 ? this.t("compose_cost", {
      cost: new Intl.NumberFormat(this.app.locale(), { style: "currency", currency: "CAD" })
        .format(Number(preview.estimatedCostCents || 0) / 100),
      minutes: this.app.formatNumber(Math.max(1, Math.ceil(Number(preview.estimatedSeconds || 0) / 60))),
    }) + (answer.needsSecondApproval ? ` · ${this.t("compose_needs_approval", { threshold: answer.approvalThreshold })}` : "") : "");
    const button = $("compose-create");
    const ready = current && this.problems === 0 && !this.creating;
    button.disabled = !ready;
    button.setAttribute("aria-describedby", "compose-create-hint");
    const hint = !answer || !current ? this.t("compose_checking")
      : this.problems ? this.t("compose_fix_first", { n: this.problems }) : this.t("compose_ready");
    setText($("compose-create-hint"), hint);
    $("compose-create-hint").dataset.problems = String(current ? this.problems : -1);
  }

  async create() {
    if (this.creating || this.answered !== this.edits || this.problems) return;
    this.creating = true;
    this.renderBar(this.last);
    const message = $("compose-message");
    setMessage(message, this.t("compose_creating"));
    try {
      const created = await this.app.api().postJson("/v1/alerts", this.form.read());
      setMessage(message, "");
      location.hash = `alert=${encodeURIComponent(created.alert.id)}`;
    } catch (error) {
      // Refused after all (the roster changed since the last answer): said, and checked again.
      setMessage(message, this.app.errorText(error), "error");
      this.edited();
    } finally {
      this.creating = false;
      this.renderBar(this.last);
    }
  }

  close() {
    clearTimeout(this.timer);
    this.opened = null;
  }
}

// The templates admin page (#admin/templates, admins): pick a kind, edit its template in the
// same form as an alert's (alert_form.js) without date, audience or expiry, and save it with
// PUT /v1/templates/{kind}. The daemon checks it as it checks an alert; each problem it
// answers (TemplateRefusal) is shown beside its field, and nothing is saved until none is left.

import { $, element, setText, setMessage } from "./dom.js";
import { AlertForm } from "./alert_form.js";
import { kindName, withoutDaemonFields } from "./compose_helpers.js";
import { ApiError } from "./api.js";

export class TemplatesAdminPage {
  // app: as ComposePage's
  constructor(app) {
    this.app = app;
    this.templates = null;
    this.kind = "";
    this.form = new AlertForm($("template-form"), {
      prefix: "template", scheduled: false,
      context: { t: app.t, timeZone: () => app.who()?.timeZone || "America/Toronto",
                 labels: () => this.labels, formatNumber: app.formatNumber,
                 formatEventTime: app.formatEventTime },
      onChange: () => setMessage($("template-message"), ""),
    });
    $("template-kind").addEventListener("change", (event) => this.choose(event.target.value));
    $("template-save").addEventListener("click", () => this.save());
    $("template-form").addEventListener("submit", (event) => event.preventDefault());
  }

  get t() { return this.app.t; }

  async open() {
    this.app.show("templates-view");
    const message = $("template-message");
    // An admin's page (the daemon refuses the others' PUT anyway): said before any form.
    const admin = this.app.who()?.role === "admin";
    $("template-form").hidden = !admin;
    $("template-save").hidden = !admin;
    if (!admin) {
      setMessage(message, this.t("template_admins_only"), "error");
      return;
    }
    setMessage(message, this.t("loading"));
    try {
      const api = this.app.api();
      [this.templates, this.labels] = await Promise.all([api.getJson("/v1/templates"),
                                                         api.getJson("/v1/members:labels")]);
      setMessage(message, "");
      this.renderKinds();
      this.choose(this.kind || this.templates.templates?.[0]?.alert?.kind || "");
      $("templates-heading").focus();
    } catch (error) {
      setMessage(message, this.app.errorText(error), "error");
    }
  }

  renderKinds() {
    const select = $("template-kind");
    select.replaceChildren(...(this.templates?.templates || []).map((entry) =>
      element("option", { value: entry.alert.kind, text: this.t(`kind_${entry.alert.kind.toLowerCase()}`) })));
  }

  entry(kind) {
    return (this.templates?.templates || []).find((e) => e.alert?.kind === kind);
  }

  choose(kind) {
    this.kind = kind;
    $("template-kind").value = kind;
    const entry = this.entry(kind);
    this.form.load(withoutDaemonFields(entry?.alert || { kind }));
    this.form.showProblems([]);
    this.renderUpdated(entry);
  }

  renderUpdated(entry) {
    const when = Number(entry?.updatedAtUnix || 0);
    setText($("template-updated"), entry?.updatedBy
      ? this.t("template_updated", { who: entry.updatedBy, when: this.app.formatTime(when * 1000) })
      : this.t("template_as_built"));
  }

  relabel() {
    if ($("templates-view").hidden || !this.templates) return;
    this.renderKinds();
    $("template-kind").value = this.kind;
    this.form.render();
    this.renderUpdated(this.entry(this.kind));
  }

  async save() {
    const message = $("template-message");
    const button = $("template-save");
    button.disabled = true;
    setMessage(message, this.t("template_saving"));
    try {
      const tmpl = this.form.read();
      delete tmpl.eventTime;
      delete tmpl.audience;
      delete tmpl.expiresAt;
      const saved = await this.app.api().request("PUT", `/v1/templates/${kindName(this.kind)}`, { body: tmpl })
        .then((response) => response.json());
      const list = this.templates.templates;
      list[list.findIndex((e) => e.alert?.kind === this.kind)] = saved;
      this.form.showProblems([]);
      this.renderUpdated(saved);
      setMessage(message, this.t("template_saved"), "ok");
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.problems?.length) {
        this.form.showProblems(error.problems);
        setMessage(message, this.t("template_refused", { n: error.problems.length }), "error");
        this.form.focusFirstProblem();
      } else {
        setMessage(message, this.app.errorText(error), "error");
      }
    } finally {
      button.disabled = false;
    }
  }
}

// What the union learns afterwards (issue 18): #report=ID, an alert's participation
// (GET /v1/alerts/{id}/report) in total and by region, sector, local and job title; and
// #reports/locals (GET /v1/reports/locals), each local's participation in the last sent
// assemblies and its mean. Aggregates only: the daemon merges every group of fewer than 5
// members (a "*" group) and sends no name. Each table scrolls sideways on a phone with its
// first column in view, and sorts by a column when its heading is pressed. "Download CSV"
// takes the daemon's own CSV.

import { $, element, saveBlob, setMessage } from "./dom.js";

const DIMENSIONS = [  // the report's breakdowns: its field, the heading's string
  ["regions", "report_by_region"],
  ["sectors", "report_by_sector"],
  ["locals", "report_by_local"],
  ["job_titles", "report_by_title"],
];

// The columns of a breakdown: the counts' field, its heading, whether it is a rate.
const COLUMNS = [
  ["targeted", "report_targeted"],
  ["reached", "report_reached"],
  ["answered", "report_answered"],
  ["yes", "report_yes"],
  ["present", "report_present"],
  ["present_self", "report_present_self"],
  ["no_show", "report_no_show"],
  ["yes_rate", "report_yes_rate", true],
  ["present_rate", "report_present_rate", true],
  ["no_show_rate", "report_no_show_rate", true],
];

export class ReportPage {
  // app: { api(), t, show(viewId), errorText(error), formatNumber, formatShare, stateName,
  //        formatEventTime }
  constructor(app) {
    this.app = app;
    this.opened = null;  // what is shown: { kind: "alert", id } or { kind: "locals", query }
    this.data = null;
    this.sorts = new Map();  // table id -> { column, descending }
    $("report-csv").addEventListener("click", () => this.download());
  }

  get t() { return this.app.t; }

  // #report=ID
  openAlert(id) {
    return this.open({ kind: "alert", id, path: `/v1/alerts/${encodeURIComponent(id)}/report` });
  }

  // #reports/locals[&kind=K&last=N]
  openLocals(params) {
    const query = new URLSearchParams();
    if (params.kind) query.set("kind", params.kind);
    if (params.last) query.set("last", params.last);
    const suffix = query.toString() ? `?${query}` : "";
    return this.open({ kind: "locals", path: `/v1/reports/locals${suffix}`, suffix });
  }

  async open(opened) {
    this.app.show("report-view");
    this.opened = opened;
    this.data = null;
    const back = $("report-back");
    back.href = opened.kind === "alert" ? `#alert=${encodeURIComponent(opened.id)}` : "#";
    back.dataset.i18n = opened.kind === "alert" ? "report_back_alert" : "back_to_alerts";
    back.textContent = this.t(back.dataset.i18n);
    $("report-body").replaceChildren();
    $("report-csv").hidden = true;
    $("report-heading").textContent =
        this.t(opened.kind === "alert" ? "report_title" : "report_locals_title");
    document.title = $("report-heading").textContent;
    setMessage($("report-message"), this.t("loading"));
    try {
      const data = await this.app.api().getJson(opened.path);
      if (this.opened !== opened) return;
      this.data = data;
      setMessage($("report-message"), "");
      this.render();
      $("report-heading").focus();
    } catch (error) {
      if (this.opened !== opened) return;
      setMessage($("report-message"), this.app.errorText(error), "error");
    }
  }

  // Drawn again in the other language.
  relabel() {
    if (this.data) this.render();
    else if (this.opened) {
      $("report-heading").textContent =
          this.t(this.opened.kind === "alert" ? "report_title" : "report_locals_title");
    }
  }

  render() {
    $("report-csv").hidden = false;
    $("report-csv").textContent = this.t("report_download");
    if (this.opened.kind === "alert") this.renderAlert(this.data);
    else this.renderLocals(this.data);
    document.title = $("report-heading").textContent;
  }

  renderAlert(report) {
    const { t } = this;
    const alert = report.alert || {};
    $("report-heading").textContent = t("report_title_of", { code: alert.code || "", title: alert.title || "" });
    const parts = [element("p", { className: "muted", "data-role": "report-state",
                                  text: [this.app.stateName(String(alert.state || "").toUpperCase()),
                                         alert.event_time ? this.app.formatEventTime(alert.event_time) : "",
                                         alert.place].filter(Boolean).join(" · ") })];
    if (report.suppressed) {
      parts.push(element("p", { className: "message", "data-role": "suppressed",
                                text: t("report_suppressed", { targeted: this.app.formatNumber(report.total?.targeted || 0),
                                                               min: report.min_group }) }));
      $("report-body").replaceChildren(...parts);
      return;
    }
    parts.push(this.totals(report.total || {}));
    for (const [field, heading] of DIMENSIONS) {
      const groups = report[field] || [];
      if (groups.length === 0) continue;
      parts.push(this.groupTable(`report-${field}`, t(heading), groups, report.min_group));
    }
    parts.push(element("p", { className: "muted note", "data-role": "report-notes",
                              text: t("report_notes", { min: report.min_group }) }));
    $("report-body").replaceChildren(...parts);
  }

  totals(total) {
    const { t } = this;
    const { formatNumber, formatShare } = this.app;
    const tiles = [
      ["targeted", formatNumber(total.targeted || 0), ""],
      ["reached", formatNumber(total.reached || 0), formatShare(total.reach_rate || 0)],
      ["answered", formatNumber(total.answered || 0), formatShare(total.answer_rate || 0)],
      ["yes", formatNumber(total.yes || 0), formatShare(total.yes_rate || 0)],
      ["present", formatNumber(total.present || 0), formatShare(total.present_rate || 0)],
      ["present_self", formatNumber(total.present_self || 0), ""],
      ["no_show", formatNumber(total.no_show || 0),
       t("report_of_yes", { share: formatShare(total.no_show_rate || 0) })],
    ];
    return element("ul", { className: "tiles report-totals", "data-role": "report-totals" },
        ...tiles.map(([key, value, share]) => element("li", { className: "tile", "data-measure": key },
            element("span", { className: "tile-label", text: t(`report_${key}`) }),
            element("span", { className: "tile-value", text: value }),
            share ? element("span", { className: "tile-share", text: share }) : "")));
  }

  groupName(group, min) {
    if (group.key === "*") return this.t("report_merged", { n: group.merged_groups, min });
    if (group.key === "-") return this.t("report_none");
    return group.name || group.key;
  }

  groupTable(id, heading, groups, min) {
    const rows = groups.map((group) => ({
      key: group.key,
      name: this.groupName(group, min),
      values: group.counts || {},
      last: group.key === "*",  // the merged groups stay last, however sorted
    }));
    return this.table(id, heading, COLUMNS.map(([field, label, isRate]) => ({ field, label: this.t(label), isRate })),
                      rows);
  }

  // A section with a heading and a table that scrolls sideways (first column sticky) and
  // sorts by a column when its heading's button is pressed.
  table(id, heading, columns, rows) {
    const { formatNumber, formatShare } = this.app;
    const titleId = `${id}-title`;
    const sort = this.sorts.get(id);
    const sorted = [...rows];
    if (sort) {
      sorted.sort((a, b) => {
        if (a.last !== b.last) return a.last ? 1 : -1;
        const av = sort.column === "name" ? a.name : Number(a.values[sort.column] ?? -1);
        const bv = sort.column === "name" ? b.name : Number(b.values[sort.column] ?? -1);
        const order = typeof av === "string" ? av.localeCompare(bv) : av - bv;
        return sort.descending ? -order : order;
      });
    }
    const headerCell = (field, label, first) => {
      const active = sort?.column === field;
      const button = element("button", { type: "button", className: "sort-button", "data-sort": field,
                                         text: label });
      button.addEventListener("click", () => {
        const descending = active ? !sort.descending : field !== "name";
        this.sorts.set(id, { column: field, descending });
        this.render();
        document.querySelector(`#${id} [data-sort="${field}"]`)?.focus();
      });
      const th = element("th", { scope: "col", "data-column": field }, button);
      th.setAttribute("aria-sort", active ? (sort.descending ? "descending" : "ascending") : "none");
      if (first) th.className = "first";
      return th;
    };
    const head = element("tr", {}, headerCell("name", this.t("report_group"), true),
                         ...columns.map((c) => headerCell(c.field, c.label, false)));
    const body = sorted.map((row) => element("tr", { "data-key": row.key },
        element("th", { scope: "row", text: row.name }),
        ...columns.map((c) => {
          const value = row.values[c.field];
          const text = c.text ? c.text(row) : c.isRate ? formatShare(Number(value) || 0)
                                                         : formatNumber(Number(value) || 0);
          return element("td", { "data-column": c.field, text });
        })));
    return element("section", { className: "report-section", "aria-labelledby": titleId },
        element("h2", { id: titleId, text: heading }),
        element("div", { className: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": titleId },
            element("table", { id, className: "counts-table report-table" },
                element("thead", {}, head), element("tbody", {}, ...body))));
  }

  renderLocals(report) {
    const { t } = this;
    const { formatNumber, formatShare } = this.app;
    const alerts = report.alerts || [];
    $("report-heading").textContent = t("report_locals_title_of", { n: alerts.length });
    const parts = [element("p", { className: "muted", "data-role": "locals-intro",
                                  text: t("report_locals_intro", { n: report.last }) })];
    if (alerts.length === 0) {
      parts.push(element("p", { className: "message", "data-role": "locals-empty", text: t("report_locals_empty") }));
      $("report-body").replaceChildren(...parts);
      return;
    }
    const columns = alerts.map((alert, index) => ({
      field: `a${index}`,
      label: alert.code || alert.id,
      text: (row) => {
        const cell = row.cells[index] || {};
        if (cell.suppressed) return t("report_small");
        if (!cell.targeted) return "—";
        return t("report_cell", { present: formatNumber(cell.present || 0), targeted: formatNumber(cell.targeted),
                                  share: formatShare(cell.present_rate || 0) });
      },
    }));
    columns.push({ field: "mean_present", label: t("report_mean_present"),
                   text: (row) => (row.mean.alerts ? formatNumber(Math.round(row.mean.present * 10) / 10) : "—") });
    columns.push({ field: "mean_present_rate", label: t("report_mean_present_rate"),
                   text: (row) => (row.mean.alerts ? formatShare(row.mean.present_rate || 0) : "—") });
    columns.push({ field: "mean_yes_rate", label: t("report_mean_yes_rate"),
                   text: (row) => (row.mean.alerts ? formatShare(row.mean.yes_rate || 0) : "—") });
    const rows = (report.locals || []).map((local) => {
      const mean = local.mean || {};
      const values = { mean_present: mean.alerts ? mean.present : -1,
                       mean_present_rate: mean.alerts ? mean.present_rate : -1,
                       mean_yes_rate: mean.alerts ? mean.yes_rate : -1 };
      (local.alerts || []).forEach((cell, index) => {
        values[`a${index}`] = cell.suppressed || !cell.targeted ? -1 : cell.present_rate;
      });
      return { key: local.key, name: local.name || local.key, values, cells: local.alerts || [], mean, last: false };
    });
    parts.push(element("ul", { className: "report-alerts", "data-role": "locals-alerts" },
        ...alerts.map((alert) => element("li", {},
            element("a", { href: `#report=${encodeURIComponent(alert.id)}`, text: `${alert.code} · ${alert.title}` })))));
    parts.push(this.table("report-locals-table", t("report_by_local"), columns, rows));
    parts.push(element("p", { className: "muted note", text: t("report_locals_notes", { min: report.min_group }) }));
    $("report-body").replaceChildren(...parts);
  }

  async download() {
    const opened = this.opened;
    if (!opened || !this.data) return;
    const button = $("report-csv");
    const message = $("report-message");
    button.disabled = true;
    setMessage(message, this.t("report_downloading"));
    try {
      const path = opened.kind === "alert" ? `${opened.path}.csv` : `/v1/reports/locals.csv${opened.suffix}`;
      const blob = await this.app.api().getBlob(path, "text/csv");
      const file = opened.kind === "alert"
        ? `tocsin-${this.data.alert?.code || opened.id}-report.csv`
        : `tocsin-locals-${String(this.data.kind || "").toLowerCase()}-last-${this.data.last}.csv`;
      saveBlob(blob, file);
      setMessage(message, this.t("report_downloaded", { file }));
    } catch (error) {
      setMessage(message, this.t("report_download_failed", { error: this.app.errorText(error) }), "error");
    } finally {
      button.disabled = false;
    }
  }
}

// A pickup point's bus manifests (#manifest=ID&pickup=P): a table per bus of who holds a
// seat on it, with names and mobiles, whether the seat is confirmed and whether they were
// checked in. "Print" prints one bus per page, large enough to read on a clipboard
// (rides_manifest.css, @media print); "Download CSV" takes the same list as a file. The
// daemon gives it only to the coordinators of the pickup point's region (and executives,
// admins) and logs each time it is taken.
// Values from the server are written with textContent only.

import { $, element, setMessage, showView } from "./dom.js";


const manifestPath = (id, pickup, csv = false, bus = 0) =>
  `/v1/alerts/${encodeURIComponent(id)}/manifest${csv ? ".csv" : ""}?pickup=${encodeURIComponent(pickup)}` +
  (bus ? `&bus=${bus}` : "");

// `context`: { api(), t(key, values), errorText(error), formatTime(ms), formatEventTime(text) }.
export class ManifestPage {
  constructor(context) {
    this.context = context;
    this.current = null;  // { id, pickup, data, message, tone }
  }

  open({ id, pickup }) {
    this.current = { id, pickup, data: null, message: "", tone: "" };
    showView("manifest-view");
    this.render();
    this.load(this.current);
  }

  close() {
    this.current = null;
  }

  relabel() {
    if (this.current) this.render();
  }

  async load(current) {
    try {
      const data = await this.context.api().getJson(manifestPath(current.id, current.pickup));
      if (this.current !== current) return;
      current.data = data;
    } catch (error) {
      if (this.current !== current) return;
      current.message = this.context.errorText(error);
      current.tone = "error";
    }
    this.render();
  }

  async download(bus, button) {
    const { t } = this.context;
    const current = this.current;
    button.disabled = true;
    try {
      const blob = await this.context.api().getBlob(manifestPath(current.id, current.pickup, true, bus), "text/csv");
      const code = current.data?.alertCode || current.id;
      const file = `tocsin-${code}-${current.pickup}${bus ? `-bus${bus}` : ""}-manifest.csv`
          .replace(/[^A-Za-z0-9.-]+/g, "-");
      const url = URL.createObjectURL(blob);
      const link = element("a", { href: url, download: file, hidden: "" });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      this.say(t("manifest_downloaded", { file }), "ok");
    } catch (error) {
      if (this.current === current) this.say(this.context.errorText(error), "error");
    } finally {
      button.disabled = false;
    }
  }

  say(text, tone) {
    this.current.message = text;
    this.current.tone = tone;
    setMessage($("manifest-message"), text, tone);
  }

  render() {
    const { t } = this.context;
    const current = this.current;
    const data = current.data;
    const root = $("manifest-view");
    const title = t("manifest_page_title", { pickup: data?.pickupName || current.pickup });
    document.title = title;
    const parts = [
      element("a", { className: "quiet-button link-button no-print", href: `#alert=${encodeURIComponent(current.id)}`,
                     text: t("rides_back") }),
      element("h1", { id: "manifest-heading", tabindex: "-1", text: title }),
    ];
    if (data) {
      parts.push(element("p", { className: "muted", text: t("manifest_intro", {
        code: data.alertCode || "", title: data.alertTitle || "",
        departs: data.departsAt ? this.context.formatEventTime(data.departsAt) : t("rides_none") }) }));
      const print = element("button", { type: "button", id: "manifest-print", className: "primary-button",
                                        text: t("manifest_print") });
      print.addEventListener("click", () => window.print());
      const csv = element("button", { type: "button", id: "manifest-csv", className: "quiet-button",
                                      text: t("manifest_csv") });
      csv.addEventListener("click", () => this.download(0, csv));
      parts.push(element("div", { className: "manifest-actions no-print" }, print, csv));
    }
    parts.push(element("p", { id: "manifest-message", className: "message no-print", role: "status",
                              "data-tone": current.tone, text: current.message }));
    if (!data) {
      if (!current.message) parts.push(element("p", { className: "muted", text: t("loading") }));
      root.replaceChildren(...parts);
      return;
    }
    for (const bus of data.buses || []) parts.push(this.busSheet(data, bus));
    parts.push(element("p", { className: "muted manifest-taken",
                              text: t("manifest_taken", { time: this.context.formatTime(Number(data.takenAtMs) || Date.now()) }) }));
    root.replaceChildren(...parts);
  }

  busSheet(data, bus) {
    const { t } = this.context;
    const id = `manifest-bus-${bus.bus}`;
    const csv = element("button", { type: "button", className: "quiet-button no-print", "data-bus": bus.bus,
                                    text: t("manifest_csv_bus", { bus: bus.bus }) });
    csv.addEventListener("click", () => this.download(bus.bus, csv));
    const sheet = element("section", { className: "panel bus-sheet", "data-bus": bus.bus, "aria-labelledby": `${id}-title` },
        element("div", { className: "section-head" },
            element("h2", { id: `${id}-title`,
                            text: `${t("manifest_bus_title", { bus: bus.bus })} — ${data.pickupName || data.pickup}` }),
            csv),
        element("p", { className: "muted", text: t("manifest_bus_seats", { taken: bus.seatsTaken || 0, seats: bus.seats || 0 }) }));
    const riders = bus.riders || [];
    if (!riders.length) {
      sheet.append(element("p", { className: "muted", text: t("manifest_bus_empty") }));
      return sheet;
    }
    const columns = ["manifest_col_check", "manifest_col_last", "manifest_col_first", "manifest_col_mobile",
                     "manifest_col_party", "manifest_col_seats", "manifest_col_confirmed", "manifest_col_present"];
    const yesNo = (value) => t(value ? "manifest_yes" : "manifest_no");
    const rows = riders.map((rider) => element("tr", { "data-member": rider.memberId },
        element("td", { className: "check-box" }),
        element("td", { className: "name", text: rider.lastName || "" }),
        element("td", { className: "name", text: rider.firstName || "" }),
        element("td", { className: "mobile", text: rider.mobile || "" }),
        element("td", { text: String(rider.party || 1) }),
        element("td", { text: String(rider.seats || 0) }),
        element("td", { text: yesNo(rider.confirmed) }),
        element("td", { text: yesNo(rider.present) })));
    sheet.append(element("div", { className: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": `${id}-title` },
        element("table", { className: "counts-table manifest-table" },
            element("thead", {}, element("tr", {}, ...columns.map((key) => element("th", { scope: "col", text: t(key) })))),
            element("tbody", {}, ...rows))));
    return sheet;
  }
}

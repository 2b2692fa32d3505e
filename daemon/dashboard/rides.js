// The rides of an alert (#rides=ID): a region's drivers (a yes offering car seats) and the
// members who need a ride (waitlisted, or no bus runs for them), the matches the daemon
// proposes, each with "Confirm", and the confirmed ones, each with "Undo". Nobody is told
// anything until a coordinator confirms: the dialog names who will receive whose number,
// and only then does the daemon text them. The daemon decides what this account may see
// (a coordinator only their regions); this page shows its answers.
// Values from the server are written with textContent only.

import { $, element, setMessage, showView } from "./dom.js";

const ridesPath = (id) => `/v1/alerts/${encodeURIComponent(id)}/rides`;


// `context`: { api(), t(key, values), errorText(error), formatTime(ms) }.
export class RidesPage {
  constructor(context) {
    this.context = context;
    this.current = null;  // { id, region, data, message, tone }
  }

  open({ id }) {
    this.current = { id, region: "", data: null, message: "", tone: "" };
    showView("rides-view");
    document.title = this.context.t("event_day_rides");
    this.render();
    this.load(this.current);
  }

  close() {
    this.current = null;
  }

  relabel() {
    if (this.current) this.render();
  }

  async load(current, region = current.region) {
    const query = region ? `?region=${encodeURIComponent(region)}` : "";
    try {
      const data = await this.context.api().getJson(`${ridesPath(current.id)}${query}`);
      if (this.current !== current) return;
      current.data = data;
      current.region = data.region || "";
    } catch (error) {
      if (this.current !== current) return;
      current.message = this.context.errorText(error);
      current.tone = "error";
    }
    this.render();
  }

  say(text, tone) {
    this.current.message = text;
    this.current.tone = tone;
    setMessage($("ride-page-message"), text, tone);
  }

  firstNames(ids) {
    const names = new Map();
    const data = this.current.data || {};
    for (const person of [...(data.drivers || []), ...(data.riders || [])]) {
      names.set(person.memberId, person.firstName || person.memberId);
    }
    return ids.map((id) => names.get(id) || id);
  }

  async confirm(proposal, button) {
    const { t } = this.context;
    const current = this.current;
    const [driver] = this.firstNames([proposal.driver]);
    const riders = this.firstNames(proposal.riders || []).join(", ");
    // A native confirm: read out by screen readers, and one tap on a phone.
    if (!window.confirm(t("rides_confirm_dialog", { driver, riders }))) return;
    button.disabled = true;
    try {
      const answer = await this.context.api().postJson(ridesPath(current.id),
                                                       { driver: proposal.driver, riders: proposal.riders });
      if (this.current !== current) return;
      await this.load(current);
      this.say(t("rides_confirmed", { id: answer.match?.id || "", count: answer.smsSent || 0 }), "ok");
    } catch (error) {
      if (this.current !== current) return;
      button.disabled = false;
      this.say(this.context.errorText(error), "error");
    }
  }

  async undo(match, button) {
    const { t } = this.context;
    const current = this.current;
    const riders = (match.riderFirstNames || []).join(", ");
    if (!window.confirm(t("rides_undo_dialog", { id: match.id, driver: match.driverFirstName, riders }))) return;
    button.disabled = true;
    try {
      const answer = await this.context.api().postJson(
          `${ridesPath(current.id)}/${encodeURIComponent(match.id)}:undo`, {});
      if (this.current !== current) return;
      await this.load(current);
      this.say(t("rides_undone", { id: match.id, count: answer.smsSent || 0 }), "ok");
    } catch (error) {
      if (this.current !== current) return;
      button.disabled = false;
      this.say(this.context.errorText(error), "error");
    }
  }

  render() {
    const { t } = this.context;
    const current = this.current;
    const root = $("rides-view");
    const data = current.data;
    const parts = [
      element("a", { className: "quiet-button link-button", href: `#alert=${encodeURIComponent(current.id)}`,
                     text: t("rides_back") }),
      element("h1", { id: "rides-heading", tabindex: "-1",
                      text: t("rides_page_title", { code: data?.alertCode || "" }) }),
      element("p", { className: "muted", text: t("rides_page_intro") }),
    ];
    if (data && (data.regions || []).length > 1) parts.push(this.regionPicker(data));
    parts.push(element("p", { id: "ride-page-message", className: "message", role: "status",
                              "data-tone": current.tone, text: current.message }));
    if (!data) {
      if (!current.message) parts.push(element("p", { className: "muted", text: t("loading") }));
      root.replaceChildren(...parts);
      return;
    }
    parts.push(this.proposalsBlock(data), this.matchesBlock(data), this.driversBlock(data),
               this.ridersBlock(data));
    root.replaceChildren(...parts);
  }

  regionPicker(data) {
    const { t } = this.context;
    const select = element("select", { id: "rides-region" },
        ...data.regions.map((region) => element("option", { value: region, text: region })));
    select.value = data.region || "";
    select.addEventListener("change", () => {
      this.current.data = null;
      this.render();
      this.load(this.current, select.value);
    });
    return element("div", { className: "field" },
        element("label", { for: "rides-region", text: t("rides_region") }), select);
  }

  section(id, titleKey, items, emptyKey) {
    const { t } = this.context;
    return element("section", { className: "panel rides-block", "aria-labelledby": `${id}-title` },
        element("h2", { id: `${id}-title`, text: t(titleKey) }),
        items.length ? element("ul", { id, className: "rides-list" }, ...items)
                     : element("p", { className: "muted", "data-role": `${id}-empty`, text: t(emptyKey) }));
  }

  proposalsBlock(data) {
    const { t } = this.context;
    const items = (data.proposals || []).map((proposal) => {
      const [driver] = this.firstNames([proposal.driver]);
      const riders = this.firstNames(proposal.riders || []).join(", ");
      const button = element("button", { type: "button", className: "primary-button",
                                         "data-driver": proposal.driver, text: t("rides_confirm"),
                                         "aria-label": t("rides_confirm_label", { driver, riders }) });
      button.addEventListener("click", () => this.confirm(proposal, button));
      const by = t(proposal.by === "local" ? "rides_by_local" : "rides_by_pickup");
      return element("li", { className: "ride", "data-role": "proposal" },
          element("p", { text: t("rides_proposal_line", { driver, riders, seats: proposal.seats || 0, by }) }),
          button);
    });
    return this.section("rides-proposals", "rides_proposals_title", items, "rides_proposals_empty");
  }

  matchesBlock(data) {
    const { t } = this.context;
    const items = (data.matches || []).map((match) => {
      const button = element("button", { type: "button", className: "quiet-button", "data-match": match.id,
                                         text: t("rides_undo"),
                                         "aria-label": t("rides_undo_label", { id: match.id }) });
      button.addEventListener("click", () => this.undo(match, button));
      const riders = (match.riderFirstNames || []).join(", ");
      return element("li", { className: "ride", "data-role": "match" },
          element("p", { text: t("rides_match_line", { id: match.id, driver: match.driverFirstName || match.driver,
                                                       riders, seats: match.seats || 0,
                                                       by: match.confirmedBy || "" }) }),
          button);
    });
    return this.section("rides-matches", "rides_matches_title", items, "rides_matches_empty");
  }

  table(id, titleKey, emptyKey, columns, rows) {
    const { t } = this.context;
    const block = element("section", { className: "panel rides-block", "aria-labelledby": `${id}-title` },
        element("h2", { id: `${id}-title`, text: t(titleKey) }));
    if (!rows.length) {
      block.append(element("p", { className: "muted", text: t(emptyKey) }));
      return block;
    }
    const head = element("tr", {}, ...columns.map((key) => element("th", { scope: "col", text: t(key) })));
    const body = rows.map((cells) => element("tr", {}, ...cells.map((text) => element("td", { text: String(text) }))));
    block.append(element("div", { className: "table-scroll", tabindex: "0", role: "region",
                                  "aria-labelledby": `${id}-title` },
        element("table", { id, className: "counts-table rides-table" },
            element("thead", {}, head), element("tbody", {}, ...body))));
    return block;
  }

  pickupName(data, id) {
    if (!id) return this.context.t("rides_none");
    return (data.pickupNames || {})[id] || id;
  }

  driversBlock(data) {
    const { t } = this.context;
    const rows = (data.drivers || []).map((d) => [
      d.firstName || d.memberId, this.pickupName(data, d.pickup), d.local || t("rides_none"),
      d.party || 1, d.seatsOffered || 0, d.seatsLeft || 0,
      t(d.reachable ? "rides_reachable" : "rides_unreachable")]);
    return this.table("rides-drivers", "rides_drivers_title", "rides_drivers_empty",
        ["rides_col_name", "rides_col_pickup", "rides_col_local", "rides_col_party", "rides_col_offered",
         "rides_col_left", "rides_col_reach"], rows);
  }

  ridersBlock(data) {
    const { t } = this.context;
    const rows = (data.riders || []).map((r) => [
      r.firstName || r.memberId, this.pickupName(data, r.pickup), r.local || t("rides_none"),
      r.party || 1, r.seats || 0, t(`rides_need_${r.need}`),
      t(r.reachable ? "rides_reachable" : "rides_unreachable")]);
    return this.table("rides-riders", "rides_riders_title", "rides_riders_empty",
        ["rides_col_name", "rides_col_pickup", "rides_col_local", "rides_col_party", "rides_col_seats",
         "rides_col_why", "rides_col_reach"], rows);
  }
}

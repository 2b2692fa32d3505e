// The history: the alerts, newest first, each with its state, audience, members sent to,
// yes, people coming and the share of its targets, from GET /v1/alerts (alerts and counts in
// the same order). A wave or follow-up (a child alert) is not listed: its answers count on
// its alert. A sent alert has a link to its participation report.

import { element } from "./dom.js";

// ctx: {t, formatNumber, formatShare, formatTime(ms), stateName, canCreate}
export function renderHistory(ctx, list, listNode, newLink) {
  newLink.hidden = !ctx.canCreate;
  const counts = new Map((list.counts || []).map((c) => [c.alertId, c]));
  const alerts = (list.alerts || []).filter((alert) => !alert.parentId);
  listNode.replaceChildren(...alerts.map((alert) => {
    const c = counts.get(alert.id) || {};
    const members = Number(c.members) || 0;
    const yes = Number(c.yes) || 0;
    const coming = Number(c.coming) || 0;
    const goal = (alert.targets || []).reduce((sum, target) => sum + (Number(target.target) || 0), 0);
    const numbers = [
      ctx.t("history_audience", { audience: alert.audience || "" }),
      members > 0 ? ctx.t("history_sent_to", { count: ctx.formatNumber(members) }) : "",
      members > 0 ? ctx.t("history_yes", { count: ctx.formatNumber(yes) }) : "",
      members > 0 ? ctx.t("history_coming", { count: ctx.formatNumber(coming) }) : "",
      members > 0 && goal > 0 ? ctx.t("history_target_share", { share: ctx.formatShare(yes / goal),
                                                                 target: ctx.formatNumber(goal) }) : "",
    ].filter(Boolean).join(" · ");
    // A button, as the board's tests and keyboard users know it.
    const link = element("button", { type: "button", className: "alert-choice",
                                     "data-alert": alert.id, "data-state": alert.state || "" },
        element("span", { className: "alert-code", text: alert.code }),
        element("span", { className: "alert-name", text: alert.title }),
        element("span", { className: "alert-meta",
                          text: [ctx.stateName(alert.state),
                                 alert.createdAtUnix ? ctx.formatTime(Number(alert.createdAtUnix) * 1000) : "",
                                 alert.createdBy].filter(Boolean).join(" · ") }),
        element("span", { className: "alert-meta", "data-role": "numbers", text: numbers }));
    link.addEventListener("click", () => { location.hash = `alert=${encodeURIComponent(alert.id)}`; });
    // A sent alert's participation report (report.js), beside the button, not in it.
    if (["SENT", "CLOSED"].includes(alert.state)) {
      return element("li", {}, link, element("a", {
        className: "alert-report-link", href: `#report=${encodeURIComponent(alert.id)}`,
        "data-report": alert.id, text: ctx.t("report_link"),
        "aria-label": ctx.t("report_link_label", { code: alert.code || "", title: alert.title || "" }) }));
    }
    return element("li", {}, link);
  }));
  return alerts.length;
}

// The administrator's page of accounts (#admin/accounts): who may sign in, with which role
// and regions, and where their codes go. An admin creates an account or disables one; the
// daemon ends a disabled account's sessions at once and checks everything the form sends
// (the roles, a region no member has, an address another account holds), so the page shows
// the daemon's words beside the field it names instead of checking anything itself.

import { $, element, setMessage, showView } from "./dom.js";
import { ApiError } from "./api.js";

const FIELDS = {  // the daemon's field name -> the form's input
  name: "account-name",
  role: "account-role",
  regions: "account-regions",
  mobile: "account-mobile",
  email: "account-email",
};

// `context`: { api() the signed-in Api, role() the signed-in role, t(key, values),
// errorText(error) }.
export function createAccountsPage(context) {
  const { t } = context;
  let accounts = null;  // GET /v1/accounts, once loaded

  function clearFieldErrors() {
    for (const id of Object.values(FIELDS)) $(id).removeAttribute("aria-invalid");
  }

  function syncRegionsRow() {
    // Regions scope a coordinator; the other roles see every region.
    $("account-regions-row").hidden = $("account-role").value !== "coordinator";
  }

  function roleText(role) {
    const key = `role_${role}`;
    const text = t(key);
    return text === key ? role : text;
  }

  function render() {
    if (!accounts) return;
    const list = $("accounts-list");
    setMessage($("accounts-message"), accounts.length ? "" : t("accounts_empty"));
    list.replaceChildren(...accounts.map((account) => {
      const addresses = [account.mobile, account.email].filter(Boolean).join(" · ");
      const regions = account.role === "coordinator" ? (account.regions || []).join(", ") : "";
      const item = element("li", { className: "account", "data-account": account.id },
          element("p", { className: "account-name", text: account.name }),
          element("p", { className: "muted",
                         text: [roleText(account.role), regions].filter(Boolean).join(" · ") }),
          element("p", { className: "muted account-addresses", text: addresses }));
      if (account.disabled) {
        item.dataset.disabled = "true";
        item.append(element("p", { className: "badge", text: t("account_disabled") }));
      } else {
        const button = element("button", { type: "button", className: "quiet-button",
                                           text: t("account_disable") });
        button.setAttribute("aria-label", t("account_disable_label", { name: account.name }));
        button.addEventListener("click", () => disable(account, button));
        item.append(button);
      }
      return item;
    }));
  }

  async function load() {
    setMessage($("accounts-message"), t("loading"));
    try {
      const answer = await context.api().getJson("/v1/accounts");
      accounts = (answer.accounts || []).sort((a, b) => a.name.localeCompare(b.name));
      render();
    } catch (error) {
      setMessage($("accounts-message"), context.errorText(error), "error");
    }
  }

  async function disable(account, button) {
    // A native confirm: read out by screen readers, and one tap on a phone.
    if (!window.confirm(t("account_disable_confirm", { name: account.name }))) return;
    button.disabled = true;
    try {
      const updated = await context.api().postJson(
          `/v1/accounts/${encodeURIComponent(account.id)}:disable`, {});
      accounts = accounts.map((a) => (a.id === updated.id ? updated : a));
      render();
      setMessage($("accounts-message"), t("account_disabled_done", { name: account.name }), "ok");
    } catch (error) {
      button.disabled = false;
      setMessage($("accounts-message"), context.errorText(error), "error");
    }
  }

  async function create(event) {
    event.preventDefault();
    clearFieldErrors();
    const message = $("account-form-message");
    const role = $("account-role").value;
    const body = {
      name: $("account-name").value.trim(),
      role,
      regions: role === "coordinator"
          ? $("account-regions").value.split(",").map((r) => r.trim()).filter(Boolean) : [],
      mobile: $("account-mobile").value.trim(),
      email: $("account-email").value.trim(),
      force: $("account-force").checked,
    };
    const submit = $("account-create");
    submit.disabled = true;
    setMessage(message, t("account_creating"));
    try {
      const created = await context.api().postJson("/v1/accounts", body);
      $("account-form").reset();
      syncRegionsRow();
      accounts = [...(accounts || []), created].sort((a, b) => a.name.localeCompare(b.name));
      render();
      setMessage(message, t("account_created", { name: created.name }), "ok");
      $("account-name").focus();
    } catch (error) {
      setMessage(message, context.errorText(error), "error");
      const input = error instanceof ApiError && FIELDS[error.field] ? $(FIELDS[error.field]) : null;
      if (input) {
        input.setAttribute("aria-invalid", "true");
        input.focus();
      }
    } finally {
      submit.disabled = false;
    }
  }

  $("account-role").addEventListener("change", syncRegionsRow);
  $("account-form").addEventListener("submit", create);

  return {
    open() {
      showView("accounts-view");
      syncRegionsRow();
      setMessage($("account-form-message"), "");
      if (context.role() !== "admin") {
        accounts = null;
        $("accounts-list").replaceChildren();
        $("account-form").hidden = true;
        setMessage($("accounts-message"), t("accounts_admin_only"), "error");
        return;
      }
      $("account-form").hidden = false;
      load();
    },
    relabel: render,
  };
}

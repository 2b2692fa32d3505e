#pragma once
// Each file in api/ adds one group of routes to the router.

namespace tocsin::http {
class Router;
}

namespace tocsin::api {

struct Services;

// GET /healthz /readyz /metrics, GET /v1/status
void add_system_routes(http::Router& router, Services& services);
// POST /v1/tokens, GET /v1/tokens, POST /v1/tokens/{id}:revoke
void add_token_routes(http::Router& router, Services& services);
// POST /v1/accounts, GET /v1/accounts, POST /v1/accounts/{id}:disable
void add_account_routes(http::Router& router, Services& services);
// POST /v1/sessions:code, POST /v1/sessions (sign in by code),
// POST /v1/session:sign-out, POST /v1/session:sign-out-everywhere
void add_session_routes(http::Router& router, Services& services);
// POST /v1/members:import, GET /v1/members:count, GET /v1/members:labels
void add_member_routes(http::Router& router, Services& services);
// POST /v1/alerts, GET /v1/alerts, GET /v1/alerts/{id}, GET /v1/alerts/{id}/preview,
// POST /v1/alerts/{id}:approve | :send | :cancel | :close
void add_alert_routes(http::Router& router, Services& services);
// GET /v1/templates, GET|PUT /v1/templates/{kind}: the union's alert templates
void add_template_routes(http::Router& router, Services& services);
// POST /v1/alerts/{id}:request-approval | :decline | :test, GET /v1/alerts/{id}/approval,
// GET /v1/alerts/{id}/audit
void add_approval_routes(http::Router& router, Services& services);
// POST /hooks/twilio/{gateway}/status, GET|POST /hooks/kannel/{gateway}/dlr
void add_hook_routes(http::Router& router, Services& services);
// GET|POST /r/{token}: the one-click RSVP page linked from each message
void add_rsvp_page_routes(http::Router& router, Services& services);
// GET /v1/alerts/{id}/replies?status=unknown, POST /v1/alerts/{id}/replies/{member}:resolve
void add_reply_routes(http::Router& router, Services& services);
// GET /v1/alerts/{id}/turnout, GET /v1/alerts/{id}/rides.csv
void add_turnout_routes(http::Router& router, Services& services);
// GET|POST /v1/alerts/{id}/rides, POST /v1/alerts/{id}/rides/{match}:undo
void add_ride_routes(http::Router& router, Services& services);
// GET /v1/alerts/{id}/manifest, GET /v1/alerts/{id}/manifest.csv
void add_manifest_routes(http::Router& router, Services& services);
// POST /v1/alerts/{id}/pickups/{pickup}:add-bus
void add_seat_routes(http::Router& router, Services& services);
// GET /v1/alerts/{id}/report[.csv], GET /v1/reports/locals[.csv]: participation afterwards
void add_report_routes(http::Router& router, Services& services);
// POST /v1/alerts/{id}/checkins, GET /v1/alerts/{id}/checkins:search
void add_checkin_routes(http::Router& router, Services& services);
// GET / and GET /dashboard/{file}: the dashboard's static page
void add_dashboard_routes(http::Router& router, Services& services);

// Every route of the daemon, in one place.
inline void add_all_routes(http::Router& router, Services& services) {
  add_system_routes(router, services);
  add_token_routes(router, services);
  add_account_routes(router, services);
  add_session_routes(router, services);
  add_member_routes(router, services);
  add_alert_routes(router, services);
  add_template_routes(router, services);
  add_approval_routes(router, services);
  add_hook_routes(router, services);
  add_rsvp_page_routes(router, services);
  add_reply_routes(router, services);
  add_turnout_routes(router, services);
  add_ride_routes(router, services);
  add_manifest_routes(router, services);
  add_seat_routes(router, services);
  add_report_routes(router, services);
  add_checkin_routes(router, services);
  add_dashboard_routes(router, services);
}

}  // namespace tocsin::api

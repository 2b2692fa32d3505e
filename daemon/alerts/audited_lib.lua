-- Included by every script that writes an alert's audit entry: audited(trail, field,
-- value...) adds the entry to the alert's own trail, alert:{id}:audit (declared in KEYS,
-- under the alert's hash tag), which GET /v1/alerts/{id}/audit reads without scanning the
-- global stream. The caller relays the trail to the global audit stream after the call
-- (alerts/alert_relay.h): a script touches the keys of one hash slot only.
local function audited(trail, ...)
  redis.call('XADD', trail, '*', ...)
end

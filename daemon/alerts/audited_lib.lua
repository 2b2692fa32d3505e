-- Included by every script that writes an alert's audit entry: audited(audit, alert_key,
-- field, value...) adds the entry to the global audit stream and the same fields to the
-- alert's own trail, alert:{id}:audit, which GET /v1/alerts/{id}/audit reads without
-- scanning the global stream.
local function audited(audit, alert_key, ...)
  redis.call('XADD', audit, '*', ...)
  redis.call('XADD', alert_key .. ':audit', '*', ...)
end

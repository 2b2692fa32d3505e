-- Included by the scripts that may end an alert's send (dispatch/record.lua after the last
-- record, dispatch/send_jobs.lua when its last jobs were recorded before they were all
-- queued). Needs alerts/audited_lib.lua included before it.
--   finish_if_done(alert, counts, trail, id, now)  marks a `sending` alert `sent` once no job
--                                  is pending, no retry waits and every job is queued (field
--                                  jobs_queued not '0'; absent for a send started by an older
--                                  tocsind, which queued all its jobs at once), with its
--                                  audit entry on the alert's trail; true when it did
local function finish_if_done(alert, counts, trail, id, now)
  local f = redis.call('HMGET', alert, 'state', 'jobs_pending', 'retries_pending', 'jobs_queued')
  if f[1] ~= 'sending' or tonumber(f[2] or '0') > 0 or tonumber(f[3] or '0') > 0 or
     f[4] == '0' then
    return false
  end
  redis.call('HSET', alert, 'state', 'sent', 'finished_at_ms', now)
  local c = redis.call('HMGET', counts, 'sent', 'failed', 'opted_out', 'expired')
  local detail = 'sent=' .. (c[1] or 0) .. ' failed=' .. (c[2] or 0) ..
                 ' opted_out=' .. (c[3] or 0) .. ' expired=' .. (c[4] or 0)
  audited(trail, 'actor', 'tocsind', 'action', 'alert.sent', 'subject', id,
          'detail', detail)
  return true
end

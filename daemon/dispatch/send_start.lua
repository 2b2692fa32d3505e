#!lua
-- Starts sending an alert: checks its state and the approval rule, turns the staged
-- audience into the frozen one and its staged jobs into the alert's unqueued jobs, marks it
-- `sending`, and schedules its escalation waves and its "queue|<id>" item in the same step,
-- through the alert's outbox of scheduler items, which the caller applies to the scheduler
-- after (schedule/schedule_outbox.h; a crash in between is made up by the relay's sweep):
-- a sending alert is never left without its reminders, nor jobs without someone to queue
-- them.
-- An officer starts a draft or approved alert; the scheduler only a scheduled one, so a
-- cancel that answered before this script ran wins (cancelled is refused). What the
-- scheduler is refused is recorded on the alert, since no one is there to read the answer:
-- past its expiry it is cancelled by "expiry"; above the approval threshold without a
-- second executive's approval it goes back to an unapproved draft.
-- The audience was staged slice by slice before this script (dispatch/audience_freeze.h):
-- the state is checked again here, and only then do the staging keys become the alert's
-- (RENAME, O(1) however large), so two concurrent sends cannot both start, nor the loser
-- overwrite the winner's frozen audience. The jobs are then moved onto the send queue a few
-- at a time by dispatch/send_jobs.lua (job_writer.h); until the last is queued, jobs_queued
-- is 0 and the alert cannot finish. send_jobs.lua also counts each job's members as
-- targeted as it queues them, so turnout_targeted is set here: the prepare step counts no
-- one.
-- KEYS[1] alert:{id}, KEYS[2] the staged audience, KEYS[3] the frozen audience
-- alert:{id}:audience, KEYS[4] the staged jobs, KEYS[5] the unqueued jobs
-- alert:{id}:jobs:unqueued (staged keys renamed here, or unlinked), KEYS[6] alert:{id}:audit
-- (its trail), KEYS[7] alert:{id}:schedule_out (its scheduler items)
-- ARGV[1] now (ms), ARGV[2] actor name, ARGV[3] approval threshold, ARGV[4] the due time
-- (ms) of the item "queue|<id>", ARGV[5] alert id, ARGV[6] origin ("officer" | "schedule"),
-- ARGV[7] the actor's token id ("" for the scheduler), then the due time (ms) of each of
-- the alert's escalation waves, scheduled as items "wave|<id>|<n>".
-- Returns { status, state after, audience size, jobs }, status "started", "not_found",
-- "wrong_state", "needs_approval" or "expired".
--!include alerts/audited_lib.lua
local alert, staged, frozen, staged_jobs, unqueued = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local trail, outbox = KEYS[6], KEYS[7]
local now, actor = ARGV[1], ARGV[2]
local threshold, queue_due, id = tonumber(ARGV[3]), ARGV[4], ARGV[5]
local from_schedule = ARGV[6] == 'schedule'
local token = ARGV[7] ~= '' and (' token=' .. ARGV[7]) or ''
local f = redis.call('HMGET', alert, 'state', 'created_by_token', 'approved_by_token',
                     'expires_at_ms')
-- UNLINK: freeing a staged audience of 600,000 members is left to a Redis thread.
local function refuse(status, state, size)
  redis.call('UNLINK', staged, staged_jobs)
  return { status, state or '', size or 0, 0 }
end
if not f[1] then return refuse('not_found') end
local state = f[1]
if from_schedule then
  if state ~= 'scheduled' then return refuse('wrong_state', state) end
elseif state ~= 'draft' and state ~= 'approved' then
  return refuse('wrong_state', state)
end
local expires = tonumber(f[4] or '0') or 0
if expires > 0 and expires <= tonumber(now) then
  if from_schedule then
    redis.call('HSET', alert, 'state', 'cancelled', 'cancelled_by', 'expiry',
               'cancelled_at_ms', now)
    audited(trail, 'actor', actor, 'action', 'alert.schedule_expired',
               'subject', id, 'detail', 'expires_at_ms=' .. expires .. ' nothing sent')
    return refuse('expired', 'cancelled')
  end
  return refuse('expired', state)
end
local size = redis.call('SCARD', staged)
-- Approved by a second executive: approved_by_token set and not the creator's (a
-- scheduled alert keeps the approval it had when it was scheduled).
local second = f[3] and f[3] ~= f[2]
if size > threshold and not ((state == 'approved' or state == 'scheduled') and second) then
  if from_schedule then
    redis.call('HSET', alert, 'state', 'draft')
    redis.call('HDEL', alert, 'approved_by', 'approved_by_token', 'approved_at_ms')
    audited(trail, 'actor', actor, 'action', 'alert.schedule_refused',
               'subject', id, 'detail', 'members=' .. size .. ' threshold=' .. threshold ..
               ' needs a second executive\'s approval; nothing sent')
    return refuse('needs_approval', 'draft', size)
  end
  return refuse('needs_approval', state, size)
end

local jobs = size > 0 and redis.call('LLEN', staged_jobs) or 0
if jobs > 0 then
  redis.call('RENAME', staged, frozen)
  redis.call('PERSIST', frozen)
  redis.call('RENAME', staged_jobs, unqueued)
  redis.call('PERSIST', unqueued)
else
  redis.call('UNLINK', staged, staged_jobs, frozen, unqueued)
end
local new_state = jobs > 0 and 'sending' or 'sent'
redis.call('HSET', alert, 'state', new_state, 'audience_size', size, 'sending_at_ms', now,
           'sent_by', actor, 'jobs_pending', 0, 'jobs_queued', jobs > 0 and 0 or 1,
           'retries_pending', 0, 'turnout_targeted', 1)
if jobs == 0 then redis.call('HSET', alert, 'finished_at_ms', now) end
if jobs > 0 then
  redis.call('XADD', outbox, '*', 'op', 'add', 'item', 'queue|' .. id, 'due', queue_due)
  for i = 8, #ARGV do
    redis.call('XADD', outbox, '*', 'op', 'add', 'item', 'wave|' .. id .. '|' .. (i - 7),
               'due', ARGV[i])
  end
end
audited(trail, 'actor', actor, 'action', 'alert.send', 'subject', id,
           'detail', 'members=' .. size .. ' jobs=' .. jobs ..
                     (from_schedule and ' scheduled' or '') .. token)
return { 'started', new_state, size, jobs }

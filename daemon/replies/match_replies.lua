#!lua
-- Which alert and member each reply of a batch answers (replies/reply_scripts.h): the most
-- recently sent open alert (sending or sent, among the 200 latest) that went to the
-- reply's number, or, when the reply quotes a code, that alert if it is open and went to
-- the number. A reply to a wave or follow-up (a child alert) answers its parent, if the
-- parent is open.
-- KEYS[1] the alerts' index, then per reply i (from 1) KEYS[1 + i]: the key of the code it
-- quotes, or '' when none
-- ARGV per reply: the sender's number (E.164), the code it quotes or ''
-- Returns per reply {alert, member, region, sector, local, language, title}, all '' when
-- none.
-- Read from data, not declared: each listed alert's hash (alert:{id}) and recipients
-- (alert:{id}:to), and the matched member's index (member:{id}:idx).
-- The open alerts among the 200 most recently created, most recently sent first. Read at
-- each batch, so a reply to an alert sent a moment ago finds it. A child (a wave or a
-- follow-up: it has a parent) went to its own numbers, but answers count on its parent,
-- and only while the parent takes answers.
local states, open = {}, {}
local function state_of(id)
  if states[id] == nil then
    local f = redis.call('HMGET', 'alert:{' .. id .. '}', 'state', 'sending_at_ms', 'parent')
    states[id] = { state = f[1], at = tonumber(f[2]) or 0, parent = f[3] }
  end
  return states[id]
end
local function takes_answers(s) return s.state == 'sending' or s.state == 'sent' end
for _, id in ipairs(redis.call('ZREVRANGE', KEYS[1], 0, 199)) do
  local s = state_of(id)
  if takes_answers(s) then
    local target = s.parent or id
    if target == id or takes_answers(state_of(target)) then
      open[#open + 1] = { id = id, target = target, at = s.at }
    end
  end
end
table.sort(open, function(a, b) return a.at > b.at end)

local out = {}
for b = 1, #ARGV - 1, 2 do
  local number, code = ARGV[b], ARGV[b + 1]
  local candidates = open
  if code ~= '' then
    -- The quoted code names the parent; its children share it.
    local id = redis.call('GET', KEYS[2 + (b - 1) / 2])
    candidates = {}
    for _, candidate in ipairs(open) do
      if candidate.target == id then candidates[#candidates + 1] = candidate end
    end
  end
  local alert, member = '', ''
  for _, candidate in ipairs(candidates) do
    local m = redis.call('HGET', 'alert:{' .. candidate.id .. '}:to', number)
    if m then
      alert, member = candidate.target, m
      break
    end
  end
  if member ~= '' then
    local idx = redis.call('HMGET', 'member:' .. member .. ':idx', 'region', 'sector', 'local',
                           'language', 'title')
    out[#out + 1] = { alert, member, idx[1] or '', idx[2] or '', idx[3] or '', idx[4] or '',
                      idx[5] or '' }
  else
    out[#out + 1] = { '', '', '', '', '', '', '' }
  end
end
return out

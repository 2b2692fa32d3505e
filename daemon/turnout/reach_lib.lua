-- Lua shared by every script that changes an alert's live turnout counts (dispatch's
-- prepare and record scripts, delivery receipts, the reply scripts, the job queuing):
-- each includes this file ("--!include"), so the counting rules are written once.
-- turnout/reach_count.h is the same arithmetic in C++, which the tests' recounts use.
--
-- alert:{id}:dims   member -> their "place": the prefixes of the fields they count in,
--                   "r|all|", then "r|sector:s|", "r|local:l|", "r|title:t|" for the values
--                   they have (folded, as member:{id}:idx holds them when the member is
--                   first counted), joined by \31. Where the member counts for the rest of
--                   the alert, so a roster change in mid-blast cannot make the counts drift.
--                   Written once per member, only where absent (HSETNX, or an HMGET then
--                   one HSET of the absent ones in the same call), which also makes
--                   `targeted` count each member once, whoever gets there first.
-- alert:{id}:reach  "region|dimension|measure" -> members, per member the BEST state of
--                   their channels (delivered > sent > failed > expired > opted_out >
--                   skipped; retrying, cancelled and no state are not counted: pending).
--                   A member with no address on the alert's channels never gets a state:
--                   the prepare step puts them in alert:{id}:unreachable and counts them
--                   as skipped.
--
-- Functions (base = "alert:{id}"):
--   turnout_place_of(region, sector, local, title)   a place (above)
--   turnout_count(base, suffix, place, measure, amount)   adds to the fields of a place in
--                                  base .. suffix (":reach", ":tally")
--   turnout_add(key, prefixes, measure, amount)   adds to the fields of these prefixes
--   turnout_flush()                writes what was added (HMGET, HSET, HDEL of the fields
--                                  back to zero), notes the fields written in the hash's
--                                  ":moved" set (for the event stream's publisher) and the
--                                  regions counted in alert:{id}:regions (for /metrics).
--                                  Every script calls it before returning.
--   turnout_target(base, member, place_or_nil)    true when newly counted as targeted
--   turnout_target_all(base, members, places)   the same for a list of members (places[i]
--                                  is members[i]'s, nil for TURNOUT_NOWHERE) in one HMGET and
--                                  one HSET of dims; returns how many were newly counted
--   turnout_place(base, member, given)  their place, from dims, else `given` (the place
--                                  the caller read from the roster: turnout/targeting.h),
--                                  else (given nil) TURNOUT_NOWHERE: a script reads nothing
--                                  outside the alert's hash slot, and every member a send
--                                  reaches is placed in dims as their job is queued
--   reach_best(state_a, state_b)   the measure of the better of two delivery states, or nil
--   reach_move(base, member, old_best, new_best, place_or_nil)  true when the counts moved
--                                  (the member's place from dims when not given)
--   reach_log(base, member, old_best, new_best)   the same, through the move log (below)
--   reach_log_flush()              writes the logged moves, applies the logs that are due
--   reach_apply(base)              applies an alert's whole log now
--   turnout_changed(base)          INCR turnout_version and turnout_tracked, SET turnout_at
--                                  (ms): once per call
local REACH_RANK = { delivered = 6, sent = 5, failed = 4, expired = 3, opted_out = 2,
                     skipped = 1 }
local function turnout_part(value)
  if value == nil or value == '' then return '-' end
  if not string.find(value, '|', 1, true) then return value end
  return (string.gsub(value, '|', '/'))
end
-- A member's place: the prefixes of the fields they count in, joined by \031.
local function turnout_place_of(region, sector, loc, title)
  local r = turnout_part(region) .. '|'
  local place = r .. 'all|'
  if sector and sector ~= '' then
    place = place .. '\031' .. r .. 'sector:' .. turnout_part(sector) .. '|'
  end
  if loc and loc ~= '' then place = place .. '\031' .. r .. 'local:' .. turnout_part(loc) .. '|' end
  if title and title ~= '' then
    place = place .. '\031' .. r .. 'title:' .. turnout_part(title) .. '|'
  end
  return place
end
-- The place of a member found nowhere (no dims, none given): the region "-" only.
local TURNOUT_NOWHERE = turnout_place_of('', nil, nil, nil)
-- Changes are summed here and written by turnout_flush(): per member only a table entry
-- (place, measure); per call, for each hash, one HMGET and one HSET of the fields that
-- moved (and an HDEL of those back to zero), so a batch of a thousand members costs a few
-- calls rather than thousands, and each place's field names are built once.
local turnout_by_place, turnout_fields = {}, {}
local function turnout_count(base, suffix, place, measure, amount)
  local key = base .. suffix
  local places = turnout_by_place[key]
  if not places then
    places = {}
    turnout_by_place[key] = places
  end
  local measures = places[place]
  if not measures then
    measures = {}
    places[place] = measures
  end
  measures[measure] = (measures[measure] or 0) + amount
end
local function turnout_add(key, prefixes, measure, amount)
  local fields = turnout_fields[key]
  if not fields then
    fields = {}
    turnout_fields[key] = fields
  end
  for _, prefix in ipairs(prefixes) do
    local field = prefix .. measure
    fields[field] = (fields[field] or 0) + amount
  end
end
local function turnout_flush()
  local regions = {}
  for key, places in pairs(turnout_by_place) do
    local fields = turnout_fields[key]
    if not fields then
      fields = {}
      turnout_fields[key] = fields
    end
    local base = string.match(key, '^(.*):[^:]*$')
    for place, measures in pairs(places) do
      for prefix in string.gmatch(place, '[^\031]+') do
        for measure, amount in pairs(measures) do
          local field = prefix .. measure
          fields[field] = (fields[field] or 0) + amount
        end
      end
      regions[base] = regions[base] or {}
      regions[base][string.match(place, '^[^|]*')] = true
    end
  end
  for key, fields in pairs(turnout_fields) do
    local names = {}
    for field, amount in pairs(fields) do
      if amount ~= 0 then names[#names + 1] = field end
    end
    -- In slices: unpack() is bounded by Lua's stack.
    for first = 1, #names, 1000 do
      local last = math.min(first + 999, #names)
      local old = redis.call('HMGET', key, unpack(names, first, last))
      local set, gone = {}, {}
      for i = first, last do
        local field = names[i]
        local value = (tonumber(old[i - first + 1]) or 0) + fields[field]
        if value == 0 then
          gone[#gone + 1] = field
        else
          set[#set + 1] = field
          set[#set + 1] = string.format('%d', value)
        end
      end
      if #set > 0 then redis.call('HSET', key, unpack(set)) end
      if #gone > 0 then redis.call('HDEL', key, unpack(gone)) end
      -- For the event stream's publisher, which compares only the fields that moved. Only
      -- those not noted yet: an SADD that adds any field goes to the AOF with all it names,
      -- and most were noted by the calls since the publisher last took them.
      local moved = key .. ':moved'
      local noted = redis.call('SMISMEMBER', moved, unpack(names, first, last))
      local new = {}
      for i = first, last do
        if noted[i - first + 1] == 0 then new[#new + 1] = names[i] end
      end
      if #new > 0 then redis.call('SADD', moved, unpack(new)) end
    end
  end
  for base, set in pairs(regions) do
    local list = {}
    for region in pairs(set) do list[#list + 1] = region end
    redis.call('SADD', base .. ':regions', unpack(list))
  end
  turnout_by_place, turnout_fields = {}, {}
end
local function turnout_target(base, member, place)
  place = place or TURNOUT_NOWHERE
  if redis.call('HSETNX', base .. ':dims', member, place) == 0 then return false end
  turnout_count(base, ':reach', place, 'targeted', 1)
  return true
end
-- Members' places as dims holds them (false: not placed yet), in one HMGET per slice.
local function turnout_places_read(base, members)
  local places = {}
  for first = 1, #members, 1000 do
    local last = math.min(first + 999, #members)
    local got = redis.call('HMGET', base .. ':dims', unpack(members, first, last))
    for k = first, last do places[members[k]] = got[k - first + 1] end
  end
  return places
end
-- A job's worth of members read and placed in two calls rather than one HSETNX each: a
-- call from a script costs Redis more than the work it does, and each is one AOF entry.
-- A member given twice is placed at the first of their places, as HSETNX would.
local function turnout_target_all(base, members, places)
  local unique, given = {}, {}
  for i, member in ipairs(members) do
    if given[member] == nil then
      unique[#unique + 1] = member
      given[member] = places[i] or TURNOUT_NOWHERE
    end
  end
  local placed = turnout_places_read(base, unique)
  local writes = {}
  for _, member in ipairs(unique) do
    if not placed[member] then
      writes[#writes + 1] = member
      writes[#writes + 1] = given[member]
      turnout_count(base, ':reach', given[member], 'targeted', 1)
    end
  end
  for first = 1, #writes, 2000 do
    redis.call('HSET', base .. ':dims', unpack(writes, first, math.min(first + 1999, #writes)))
  end
  return #writes / 2
end
local function turnout_place(base, member, given)
  return redis.call('HGET', base .. ':dims', member) or given or TURNOUT_NOWHERE
end
local function reach_measure(state)
  if not state then return nil end
  if REACH_RANK[state] then return state end
  local kind = string.match(state, '^[^:]*')
  if REACH_RANK[kind] then return kind end
  return nil
end
local function reach_best(a, b)
  local ma, mb = reach_measure(a), reach_measure(b)
  if not ma then return mb end
  if not mb then return ma end
  if REACH_RANK[ma] >= REACH_RANK[mb] then return ma end
  return mb
end
local function reach_move(base, member, old_best, new_best, place)
  if old_best == new_best then return false end
  -- A member reached before being counted as targeted (never, in practice: their job's
  -- queuing counts them first) is counted now, so targeted stays >= what it is split into.
  place = place or redis.call('HGET', base .. ':dims', member)
  if not place then
    place = TURNOUT_NOWHERE
    turnout_target(base, member, place)
  end
  if old_best then turnout_count(base, ':reach', place, old_best, -1) end
  if new_best then turnout_count(base, ':reach', place, new_best, 1) end
  return true
end
-- The delivery path logs its moves instead of counting each at once: while an alert is
-- sending, alert:{id}:reach_log (a LIST of member, old best, new best; '' for none) is
-- applied when it holds REACH_LOG_MOVES moves or its oldest is REACH_LOG_MS old (time in
-- alert:{id}:reach_log_at), so that each field moved by hundreds of members is written
-- once rather than once per member. Once the alert is no longer sending every call
-- applies it. The log is in Redis: nothing is lost to a crash, and moves are applied in
-- the order they happened. The call that applies the log holds Redis for it: 250 moves
-- (plus that call's own) take a few milliseconds; at 2,000 such a call took 15-20 ms.
local REACH_LOG_MOVES, REACH_LOG_MS = 250, 100
local reach_logs = {}
local function reach_log(base, member, old_best, new_best)
  if old_best == new_best then return false end
  local log = reach_logs[base]
  if not log then
    log = {}
    reach_logs[base] = log
  end
  log[#log + 1] = member
  log[#log + 1] = old_best or ''
  log[#log + 1] = new_best or ''
  return true
end
local function reach_apply(base)
  local key = base .. ':reach_log'
  local moved = 0
  while true do
    local entries = redis.call('LPOP', key, 3 * REACH_LOG_MOVES)
    if not entries then break end
    -- The moved members' places in one HMGET, not one HGET per move.
    local members, seen = {}, {}
    for i = 1, #entries - 2, 3 do
      if not seen[entries[i]] then
        seen[entries[i]] = true
        members[#members + 1] = entries[i]
      end
    end
    local places = turnout_places_read(base, members)
    for i = 1, #entries - 2, 3 do
      local member, old, new = entries[i], entries[i + 1], entries[i + 2]
      reach_move(base, member, old ~= '' and old or nil, new ~= '' and new or nil,
                 places[member] or nil)
      -- reach_move placed an unplaced member (at TURNOUT_NOWHERE): their next moves too.
      places[member] = places[member] or TURNOUT_NOWHERE
    end
    moved = moved + #entries / 3
  end
  redis.call('DEL', base .. ':reach_log_at')
  return moved
end
local function turnout_now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Writes this call's logged moves and applies each alert's log when due. Returns the
-- bases whose counts moved (call turnout_flush() and turnout_changed() for them after).
local function reach_log_flush()
  local applied = {}
  local now
  for base, log in pairs(reach_logs) do
    local key = base .. ':reach_log'
    local length = 0
    for first = 1, #log, 3000 do
      length = redis.call('RPUSH', key, unpack(log, first, math.min(first + 2999, #log)))
    end
    now = now or turnout_now_ms()
    local since
    if length == #log then
      redis.call('SET', base .. ':reach_log_at', now)
      since = now
    else
      since = tonumber(redis.call('GET', base .. ':reach_log_at')) or now
    end
    if length >= 3 * REACH_LOG_MOVES or now - since >= REACH_LOG_MS or
       redis.call('HGET', base, 'state') ~= 'sending' then
      if reach_apply(base) > 0 then applied[#applied + 1] = base end
    end
  end
  reach_logs = {}
  return applied
end
local function turnout_changed(base)
  redis.call('INCR', base .. ':turnout_version')
  -- Changes noted in the :moved sets: the publisher compares whole hashes when the version
  -- moved more than this (a writer that notes nothing, events/publish_turnout.lua).
  redis.call('INCR', base .. ':turnout_tracked')
  local t = redis.call('TIME')
  redis.call('SET', base .. ':turnout_at',
             t[1] .. string.format('%03d', math.floor(tonumber(t[2]) / 1000)))
end

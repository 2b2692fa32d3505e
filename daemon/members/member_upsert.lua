#!lua
-- Upserts a batch of members (the roster importer's write), each with every index that
-- names it, in one atomic step: a reader never sees a member half-moved between regions.
-- Opt-outs are read from the registry here, in the same step, so a STOP that lands during
-- an import is never undone by it. The language is indexed for the alert preview, which
-- counts recipients per language without parsing records, and the job title for the
-- turnout's breakdown. Every id is distinct (the importer drops repeats); index values
-- arrive folded. Every key carries the {roster} tag.
-- KEYS[1] {roster}:members:all, KEYS[2] members:sms, KEYS[3] members:email, KEYS[4]
-- optout:sms:members, KEYS[5] optout:email:members, KEYS[6] optout:sms, KEYS[7]
-- optout:email, then per member, in ARGV's order: {roster}:member:<id>, its :idx,
-- phone:<mobile>, aud:region:<region>, aud:sector:<sector>, aud:local:<local>, then one
-- aud:tag:<tag> per tag (the keys of empty values are passed and never touched), then the
-- sets it is indexed in now (member_index_lib.lua)
-- ARGV[1] dry run ('1' | '0'), ARGV[2] number of members, then per member 11 values: id,
-- record bytes, region, sector, local, tags (joined by \031), mobile, email, language
-- ("fr" | "en"), job title, number of tag keys; then what it is indexed under now
-- (member_index_lib.lua)
-- Returns per member status * 2 + shared_phone: status 0 new, 1 updated, 2 unchanged;
-- shared_phone 1 when another stored member has this mobile. Or { -1 } (nothing changed)
-- when a member's index no longer holds what the caller read.
--!include members/member_index_lib.lua
local FIELDS = 11
local all, with_sms, with_email = KEYS[1], KEYS[2], KEYS[3]
local sms_out, email_out, sms_registry, email_registry = KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local dry = ARGV[1] == '1'
local n = tonumber(ARGV[2])
-- Where each member's KEYS and ARGV start.
local firsts = {}
local k, a = 7, 2
for i = 1, n do
  firsts[i] = { k = k, a = a }
  local tag_count = tonumber(ARGV[a + FIELDS])
  k = k + 6 + tag_count + indexed_keys(a + FIELDS)
  a = a + FIELDS + INDEXED_ARGS
end
if not dry then
  for i = 1, n do
    local f = firsts[i]
    if not indexed_as(KEYS[f.k + 2], f.a + FIELDS) then return { -1 } end
  end
end
local out = {}
for i = 1, n do
  local b, k = firsts[i].a, firsts[i].k
  local id, bytes = ARGV[b + 1], ARGV[b + 2]
  local region, sector, loc, tags = ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6]
  local mobile, email, language, title = ARGV[b + 7], ARGV[b + 8], ARGV[b + 9], ARGV[b + 10]
  local tag_count = tonumber(ARGV[b + 11])
  local key, idx_key, phone_key = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3]
  local region_key, sector_key, local_key = KEYS[k + 4], KEYS[k + 5], KEYS[k + 6]
  local first_tag = k + 7
  local indexed_k = k + 6 + tag_count
  local old = redis.call('GET', key)
  local status = 2
  if old ~= bytes then
    status = old and 1 or 0
    if not dry then
      if old then unindex(id, indexed_k, b + FIELDS) end
      redis.call('SET', key, bytes)
      redis.call('HSET', idx_key, 'region', region, 'sector', sector, 'local', loc, 'tags', tags,
                 'mobile', mobile, 'email', email, 'language', language, 'title', title)
      if region ~= '' then collect(additions, region_key, id) end
      if sector ~= '' then collect(additions, sector_key, id) end
      if loc ~= '' then collect(additions, local_key, id) end
      for t = first_tag, first_tag + tag_count - 1 do collect(additions, KEYS[t], id) end
      collect(additions, all, id)
      if mobile ~= '' then
        collect(additions, with_sms, id)
        redis.call('SADD', phone_key, id)
        if redis.call('SISMEMBER', sms_registry, mobile) == 1 then
          collect(additions, sms_out, id)
        elseif old then
          collect(removals, sms_out, id)
        end
      elseif old then
        collect(removals, with_sms, id)
        collect(removals, sms_out, id)
      end
      if email ~= '' then
        collect(additions, with_email, id)
        if redis.call('SISMEMBER', email_registry, email) == 1 then
          collect(additions, email_out, id)
        elseif old then
          collect(removals, email_out, id)
        end
      elseif old then
        collect(removals, with_email, id)
        collect(removals, email_out, id)
      end
    end
  elseif not dry then
    -- An unchanged member indexed before languages or titles were: a re-import fills the
    -- fields in (HSETNX writes, and reaches the AOF, only when one is missing).
    redis.call('HSETNX', idx_key, 'language', language)
    redis.call('HSETNX', idx_key, 'title', title)
  end
  local shared = 0
  if mobile ~= '' then
    local holders = redis.call('SCARD', phone_key)
    -- Whether this member is one of the holders: surely after a write or when unchanged;
    -- a dry run of a new or changed member has to ask.
    local holds = 1
    if dry and status ~= 2 then holds = redis.call('SISMEMBER', phone_key, id) end
    if holders - holds > 0 then shared = 1 end
  end
  out[#out + 1] = status * 2 + shared
end
apply('SREM', removals)
apply('SADD', additions)
return out

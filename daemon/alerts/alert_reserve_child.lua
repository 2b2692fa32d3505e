#!lua
-- Reserves a slot of an alert ("wave:2", "followup:<random>") for a child alert (a wave or
-- a follow-up: alerts/child_alert.h), once: the first id given keeps the slot, and a wave
-- run again (after a crash, or by a second daemon) gets the same id back. The reservation
-- and the parent's audit entry in one step, under the parent's hash tag; the child itself
-- is written next (alert_create_child.lua, under its own tag), so a child id in the parent's
-- children may name no alert yet, until the creation is done or run again.
-- KEYS[1] alert:{parent}, KEYS[2] alert:{parent}:children, KEYS[3] alert:{parent}:audit
-- ARGV[1] slot, ARGV[2] the child id to reserve, ARGV[3] actor, ARGV[4] audit detail
-- Returns { 'reserved', id } (ARGV[2], now the slot's), { 'exists', the slot's child id },
-- or { 'no_parent', '' }.
--!include alerts/audited_lib.lua
local existing = redis.call('HGET', KEYS[2], ARGV[1])
if existing then return { 'exists', existing } end
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'no_parent', '' } end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
-- The parent's trail shows its follow-ups and waves.
audited(KEYS[3], 'actor', ARGV[3], 'action', 'alert.child_create', 'subject', ARGV[2],
        'detail', ARGV[4])
return { 'reserved', ARGV[2] }

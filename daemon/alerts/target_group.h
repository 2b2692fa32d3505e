#pragma once
// The groups of an alert's audience that a wave or a follow-up goes to (issue 8), and the
// one rule deciding whether a member is in one. The rule is written in Lua (escalation/group_lib.lua),
// because Redis applies it twice: when the child's audience is planned (group_audience.h)
// and again for each member just before their message is prepared (dispatch's prepare
// script), so a member who answers in between is not reminded.
//
//   no_answer      no RSVP and no unclear reply waiting
//   yes / maybe    the member's current RSVP is that answer
//   yes_with_bus   yes, with at least one bus seat
//   seated_unconfirmed  holding a bus seat not yet confirmed (the seat confirmation's wave)
//   waitlisted     waiting for a bus seat
//   not_delivered  no channel of the parent was sent to or delivered to the member, and
//                  the parent is done with them (a final state on some channel, or no
//                  address on its channels): "their SMS failed"

#include <string_view>

namespace tocsin::alerts {

inline constexpr std::string_view kTargetGroups[] = {
    "no_answer", "yes", "maybe", "yes_with_bus", "seated_unconfirmed", "waitlisted",
    "not_delivered"};

bool is_target_group(std::string_view name);

// "no_answer, yes, ..., or not_delivered", for error messages.
std::string_view target_group_list();

// Why a member planned for a child is not sent it after all: "skipped:answered" for
// no_answer, "skipped:left_group" otherwise (a yes turned no gets no bus details).
std::string_view left_group_state(std::string_view group);

}  // namespace tocsin::alerts

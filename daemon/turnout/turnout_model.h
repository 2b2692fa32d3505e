#pragma once
// The turnout of an alert (issue 7, contract section 2) built from its raw fields: the
// union of alert:{id}:reach and alert:{id}:tally, "<region>|<dimension>|<measure>" -> count
// (turnout_field.h). Only fields in the viewer's scope are used, so nothing of a region
// outside it can show up in any part of the result (totals, breakdowns, pickup points,
// targets, labels). Pure: the reader (turnout_reader.h) fetches the inputs; the dashboard's
// JavaScript applies the same rules to the raw fields it receives live.
//
// Counts, from the measures summed over the fields of a group:
//   sent      = sent + delivered            (accepted by a gateway)
//   pending   = targeted - (sent + delivered + failed + opted_out + expired + skipped), >= 0
//   no_answer = targeted - (yes + no + maybe + unknown), >= 0
//   bus_seats = bus, car_seats = car; the others as stored (the event day's "seated",
//   "waitlisted", "present", "present_self" and a pickup point's "buses" come from
//   alert:{id}:day).

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "proto/tocsin.pb.h"
#include "turnout/turnout_scope.h"

namespace tocsin::turnout {

using RawFields = std::map<std::string, int64_t>;
// The global `labels` hash: "region:<folded>", "sector:<folded>", "local:<folded>",
// "title:<folded>" -> the name as a roster first wrote it. Missing names show the key.
using Labels = std::map<std::string, std::string>;

// Whether the gateways of a channel ("sms", "email") send delivery receipts (the engine's
// gateways know: adapters::Gateway::has_receipts). Empty: not known, said as none.
using ReceiptsOf = std::function<bool(std::string_view channel)>;

// The fields of `raw` in scope (malformed names dropped).
RawFields scoped_fields(const RawFields& raw, const Scope& scope);

// The label keys the result of build_turnout() may show for these (scoped) fields and
// this scope: what the reader asks the `labels` hash for.
std::vector<std::string> label_keys(const RawFields& scoped, const Scope& scope);

// The counts of one group from its measures ("targeted" -> 12, "yes" -> 3, ...).
TurnoutCounts counts_of(const std::map<std::string, int64_t, std::less<>>& measures);

// The turnout of `alert` (its state as alert:{id} holds it) seen through `scope`. Fields
// outside the scope are ignored, wherever they come from. updated_at_ms and last_event_id
// are the reader's to fill. alert.channels lists the alert's channels with `receipts`.
TurnoutResponse build_turnout(const Alert& alert, std::string_view state, const RawFields& raw,
                              const Labels& labels, const Scope& scope,
                              const ReceiptsOf& receipts = {});

// A turnout built earlier (a snapshot, e.g. parsed from the event stream's JSON) with its
// raw fields changed as an event stream's change carries them (absolute values; 0 removes
// the field), every count built again. For `tocsin watch`: the snapshot's names, pickup
// points and targets are kept; its fields are already scoped by the server.
TurnoutResponse apply_changes(const TurnoutResponse& snapshot, const RawFields& changes);

// JSON with the proto field names (snake_case) and every field, zeros included.
std::string to_json(const TurnoutResponse& turnout);

}  // namespace tocsin::turnout

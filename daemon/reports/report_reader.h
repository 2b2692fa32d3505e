#pragma once
// Reads what the participation reports (participation.h, locals_report.h) are built from:
// an alert's kept counts (alert:{id}:reach, :tally, :day), its RSVPs and check-ins for the
// no-shows (in slices: HSCAN, so an alert of 150,000 answers never blocks Redis in one
// reply), and the display names the report shows. Used by GET /v1/alerts/{id}/report and
// GET /v1/reports/locals.
//
// The counts are read in one transaction, the RSVPs and check-ins after it: a report taken
// while members are still answering or checking in may be a few changes apart between its
// no-shows and its other counts; one taken after the event is exact.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "proto/report.pb.h"
#include "reports/participation.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::reports {

struct ReportRead {
  enum class Status { ok, not_found, unavailable };
  Status status = Status::unavailable;
  ParticipationReport report;
};

boost::asio::awaitable<ReportRead> read_report(redis::Client& redis, const std::string& alert_id,
                                               const turnout::Scope& scope,
                                               int min_group = kMinGroup);

// The last `last` alerts of `kind` that were sent (state sent or closed; waves and
// follow-ups are not listed, their replies count on their alert), newest first. nullopt
// when Redis failed.
boost::asio::awaitable<std::optional<LocalsReport>> read_locals_report(
    redis::Client& redis, AlertKind kind, int last, const turnout::Scope& scope,
    int min_group = kMinGroup);

}  // namespace tocsin::reports

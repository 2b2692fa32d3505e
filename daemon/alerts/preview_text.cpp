#include "alerts/preview_text.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <vector>

#include "util/columns.h"

namespace tocsin::alerts {
namespace {

// French first (the default language), then the others in order.
std::vector<std::string> languages_of(const Alert& alert) {
  std::set<std::string> others;
  for (const auto& [language, message] : alert.messages()) {
    if (language != "fr") others.insert(language);
  }
  std::vector<std::string> languages{"fr"};
  languages.insert(languages.end(), others.begin(), others.end());
  return languages;
}

void write_recipients(std::ostream& out, const AlertResponse& response) {
  const Alert& alert = response.alert();
  const std::vector<std::string> languages = languages_of(alert);
  std::map<std::pair<std::string, std::string>, int64_t> counts;
  for (const AlertRecipients& row : response.preview().recipients()) {
    counts[{row.channel(), row.language()}] += row.recipients();
  }
  std::vector<TextRow> rows;
  TextRow header{"recipients"};
  header.insert(header.end(), languages.begin(), languages.end());
  header.push_back("total");
  rows.push_back(header);
  auto add_channel = [&](const std::string& channel, const std::string& label) {
    TextRow row{label};
    int64_t total = 0;
    for (const std::string& language : languages) {
      const int64_t n = counts[{channel, language}];
      row.push_back(std::to_string(n));
      total += n;
    }
    row.push_back(std::to_string(total));
    rows.push_back(std::move(row));
  };
  if (alert.channels() == SMS || alert.channels() == BOTH) add_channel("sms", "SMS");
  if (alert.channels() == EMAIL || alert.channels() == BOTH) add_channel("email", "email");
  write_columns(out, rows);
}

void write_indented(std::ostream& out, const std::string& text) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out << "    " << text.substr(start, end - start) << "\n";
    start = end + 1;
  }
}

void write_sms(std::ostream& out, const AlertSmsPreview& sms) {
  const bool gsm = sms.encoding() == "gsm7";
  out << "SMS, " << sms.language() << ": " << (gsm ? "GSM-7" : "UCS-2") << ", " << sms.segments()
      << (sms.segments() == 1 ? " segment" : " segments") << " (" << sms.units()
      << (gsm ? " septets)" : " UTF-16 units)");
  if (sms.non_gsm_characters_size() > 0) {
    out << ", UCS-2 because of:";
    for (const std::string& c : sms.non_gsm_characters()) out << " " << c;
  }
  out << "\n";
  write_indented(out, sms.text());
}

// "sms", "email", "both".
std::string channel_word(Channel channel) {
  std::string word = Channel_Name(channel);
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return word;
}

// Each wave the alert carries, approved with it: when, to whom, how, and its French SMS or
// subject as written (each member's own text is rendered when the wave runs).
void write_waves(std::ostream& out, const Alert& alert) {
  if (alert.waves_size() == 0) return;
  out << "\nwaves (approved with this alert; each goes to its group as it is then):\n";
  for (int i = 0; i < alert.waves_size(); ++i) {
    const Wave& wave = alert.waves(i);
    out << "  " << i + 1 << ". "
        << (wave.at().empty() ? std::to_string(wave.delay_minutes()) + " min after sending"
                              : "at " + wave.at())
        << ", to " << wave.target_group() << ", by " << channel_word(wave.channels());
    const auto fr = wave.messages().find("fr");
    if (fr != wave.messages().end()) {
      const std::string& text =
          !fr->second.sms().empty() ? fr->second.sms() : fr->second.email_subject();
      out << ": \"" << text << "\"";
    }
    out << "\n";
  }
}

}  // namespace

std::string format_duration(double seconds) {
  if (!(seconds > 0)) return "0 s";
  if (seconds < 1) return "under 1 s";
  const auto total = static_cast<int64_t>(std::ceil(seconds));
  if (total < 60) return std::to_string(total) + " s";
  if (total < 3600) {
    const int64_t s = total % 60;
    return std::to_string(total / 60) + " min" + (s == 0 ? "" : " " + std::to_string(s) + " s");
  }
  // Rounded up to the minute: past an hour, seconds are noise.
  const int64_t minutes = (total + 59) / 60;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%lld h %02lld min", static_cast<long long>(minutes / 60),
                static_cast<long long>(minutes % 60));
  return buffer;
}

std::string format_dollars(double cents) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "$%.2f", std::round(cents) / 100.0);
  return buffer;
}

void write_preview(std::ostream& out, const AlertResponse& response) {
  const AlertPreview& preview = response.preview();
  const Alert& alert = response.alert();
  out << "Audience: " << response.audience_members() << " members ("
      << (alert.parent_id().empty()
              ? alert.audience()
              : "those of alert " + alert.code() + " in group " + alert.target_group() + " now")
      << ")";
  if (response.needs_second_approval()) {
    out << ", above the approval threshold of " << response.approval_threshold()
        << ": a second executive must approve it";
  }
  out << "\n";
  // First, where an officer about to approve reads.
  for (const std::string& warning : preview.warnings()) out << "warning: " << warning << "\n";
  out << "\n";
  write_recipients(out, response);
  const std::vector<std::string> languages = languages_of(response.alert());
  for (const std::string& language : languages) {
    for (const AlertSmsPreview& sms : preview.sms()) {
      if (sms.language() != language) continue;
      out << "\n";
      write_sms(out, sms);
    }
  }
  if (preview.email_size() > 0) out << "\n";
  for (const std::string& language : languages) {
    for (const AlertEmailPreview& email : preview.email()) {
      if (email.language() != language) continue;
      out << "email, " << email.language() << ", subject: " << email.subject() << "\n";
    }
  }
  out << "\n";
  out << "estimated cost: " << format_dollars(preview.estimated_cost_cents()) << " ("
      << preview.sms_segments() << " SMS segments, " << preview.email_recipients() << " emails)\n";
  out << "estimated time: " << format_duration(preview.estimated_seconds()) << "\n";
  write_waves(out, alert);
}

}  // namespace tocsin::alerts

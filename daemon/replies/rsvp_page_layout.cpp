#include "replies/rsvp_page_layout.h"

#include "http/html_escape.h"

namespace tocsin::replies {
namespace {

// Large tap targets and plain block layout: no flexbox or grid, which old browsers lack.
constexpr std::string_view kStyle =
    "body{font-family:Arial,Helvetica,sans-serif;margin:0 auto;padding:12px;max-width:34em;"
    "line-height:1.4;color:#111;background:#fff}"
    "h1{font-size:1.3em;margin:.4em 0}"
    ".event{background:#f2f2f2;border-left:4px solid #b00;padding:8px 10px;margin:10px 0}"
    ".current{background:#eef6ee;padding:8px 10px;margin:10px 0}"
    ".problem{background:#fde8e8;border:1px solid #b42318;padding:8px 10px;margin:10px 0}"
    "label{display:block;margin:12px 0 4px;font-weight:bold}"
    "select{font-size:1em;padding:6px;width:100%;max-width:100%}"
    "fieldset{border:0;padding:0;margin:12px 0 0;min-width:0}"
    "legend{font-weight:bold;padding:0;margin-bottom:4px}"
    ".choice{margin:4px 0;padding:10px;font-weight:normal;border:1px solid #bbb;"
    "border-radius:4px;word-wrap:break-word;overflow-wrap:break-word}"
    ".choice input{margin:0 8px 0 0}"
    "button{display:block;width:100%;font-size:1.15em;padding:12px;margin:10px 0;border:0;"
    "border-radius:4px;color:#fff}"
    ".yes{background:#1a7f37}.no{background:#b42318}.maybe{background:#555}"
    ".hint{color:#444;font-size:.9em}"
    ".checkin{border:2px solid #1b5e20;padding:8px 10px;margin:10px 0}"
    ".checkin h2{font-size:1.1em;margin:0 0 4px}"
    ".checkin .qr{max-width:260px;margin:8px auto}"
    ".checkin .code{text-align:center;font-size:1.3em;letter-spacing:.12em}"
    "hr{border:0;border-top:1px solid #ccc;margin:18px 0}";

}  // namespace

std::string rsvp_html_page(std::string_view language, std::string_view title,
                           std::string_view body_html) {
  std::string page;
  page.reserve(body_html.size() + 1500);
  page += "<!DOCTYPE html>\n<html lang=\"";
  page += language == "en" ? "en" : "fr";
  page +=
      "\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"robots\" content=\"noindex, nofollow\">\n<title>";
  page += http::html_escape(title);
  page += "</title>\n<style>";
  page += kStyle;
  page += "</style>\n</head>\n<body>\n";
  page += body_html;
  page += "\n</body>\n</html>\n";
  return page;
}

}  // namespace tocsin::replies

#include "http/same_origin.h"

#include <gtest/gtest.h>

#include "http/html_escape.h"

namespace tocsin::http {
namespace {

TEST(SameOrigin, MatchesOurPublicUrl) {
  EXPECT_TRUE(same_origin("https://tocsin.example", "https://tocsin.example"));
  EXPECT_TRUE(same_origin("https://tocsin.example", "https://tocsin.example/"));
  EXPECT_TRUE(same_origin("https://TOCSIN.example:443", "https://tocsin.example"));
  EXPECT_TRUE(same_origin("http://127.0.0.1:8080", "http://127.0.0.1:8080"));
}

TEST(SameOrigin, RefusesAnyOtherOrigin) {
  EXPECT_FALSE(same_origin("https://evil.example", "https://tocsin.example"));
  EXPECT_FALSE(same_origin("http://tocsin.example", "https://tocsin.example"));
  EXPECT_FALSE(same_origin("https://tocsin.example:8443", "https://tocsin.example"));
  EXPECT_FALSE(same_origin("https://tocsin.example.evil.example", "https://tocsin.example"));
  EXPECT_FALSE(same_origin("http://127.0.0.1:8081", "http://127.0.0.1:8080"));
  EXPECT_FALSE(same_origin("null", "https://tocsin.example"));
  EXPECT_FALSE(same_origin("", "https://tocsin.example"));
  EXPECT_FALSE(same_origin("not a url", "https://tocsin.example"));
}

constexpr char kOurs[] = "https://tocsin.example";

TEST(FormOrigin, SecFetchSiteDecidesWhenTheBrowserSendsIt) {
  // Chromium posting a page sent with Referrer-Policy: no-referrer: Origin null, yet ours.
  EXPECT_EQ(form_origin("same-origin", "null", kOurs), FormOrigin::ours);
  EXPECT_EQ(form_origin("same-origin", "", kOurs), FormOrigin::ours);
  EXPECT_EQ(form_origin("cross-site", "null", kOurs), FormOrigin::foreign);
  EXPECT_EQ(form_origin("cross-site", kOurs, kOurs), FormOrigin::foreign);
  // A sibling subdomain is another site's page for us.
  EXPECT_EQ(form_origin("same-site", "https://blog.tocsin.example", kOurs), FormOrigin::foreign);
}

TEST(FormOrigin, WithoutSecFetchSiteTheOriginDecidesUnlessItIsNullOrMissing) {
  EXPECT_EQ(form_origin("", "https://TOCSIN.example:443", kOurs), FormOrigin::ours);
  EXPECT_EQ(form_origin("", "https://evil.example", kOurs), FormOrigin::foreign);
  EXPECT_EQ(form_origin("", "null", kOurs), FormOrigin::unknown);
  EXPECT_EQ(form_origin("", "", kOurs), FormOrigin::unknown);
  // "none" is the user's own navigation (a reload re-posting): it says nothing of the form.
  EXPECT_EQ(form_origin("none", "null", kOurs), FormOrigin::unknown);
  EXPECT_EQ(form_origin("none", "https://evil.example", kOurs), FormOrigin::foreign);
  EXPECT_EQ(form_origin("bogus", kOurs, kOurs), FormOrigin::ours);
}

TEST(HtmlEscape, EscapesWhatCouldEndTextOrAttribute) {
  EXPECT_EQ(html_escape("<a href=\"x\">O'Neil & fils</a>"),
            "&lt;a href=&quot;x&quot;&gt;O&#39;Neil &amp; fils&lt;/a&gt;");
  EXPECT_EQ(html_escape("Zoé Côté"), "Zoé Côté");
  EXPECT_EQ(html_escape(""), "");
}

}  // namespace
}  // namespace tocsin::http

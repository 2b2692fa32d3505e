// The message each member gets: their language (French by default), their placeholders,
// the event time in the union's zone, their region's pickup point, the GSM-friendly SMS
// rewrite and its segment count, the email parts, and the idempotency key.

#include "dispatch/message_renderer.h"

#include <gtest/gtest.h>

#include <string>

#include "alerts/sms_encoding.h"

namespace tocsin::dispatch {
namespace {

// As alerts_preview_test.cpp does: the formatters take the zone and switch to it.
const std::string kZone = "America/Toronto";
const std::string kLink = "https://tocsin.example/r/A7.k3J9xQ2mPa";

Alert make_alert() {
  Alert alert;
  alert.set_id("al-9");
  alert.set_code("A7");
  alert.set_kind(EMERGENCY_ASSEMBLY);
  // 11:00 UTC: 7 h 00 in Toronto (summer time), never 11 h 00 (UTC) or the host's zone.
  alert.set_event_time("2027-06-06T11:00:00Z");
  alert.set_place("l'Assemblée nationale");
  alert.set_channels(BOTH);
  AlertMessage& fr = (*alert.mutable_messages())["fr"];
  fr.set_sms(
      "{first_name}, assemblée {event_time} devant {place}. Bus : {pickup}. Réponds OUI "
      "{code} ou va sur {rsvp_link}");
  fr.set_email_subject("{code} : assemblée {event_time}");
  fr.set_email_body("Bonjour {first_name},\nrendez-vous {event_time} devant {place}.\n"
                    "Bus : {pickup}\nRéponds : {rsvp_link}\n");
  AlertMessage& en = (*alert.mutable_messages())["en"];
  en.set_sms(
      "{first_name}, assembly {event_time} at {place}. Bus: {pickup}. Reply YES {code} or go "
      "to {rsvp_link}");
  en.set_email_subject("{code}: assembly {event_time}");
  en.set_email_body("Hello {first_name},\nmeet {event_time} at {place}.\nBus: {pickup}\n"
                    "Answer: {rsvp_link}\n");

  PickupPoint* longueuil = alert.add_pickup_points();
  longueuil->set_id("LGL");
  longueuil->set_name("Terminus Longueuil, quai 12");
  longueuil->set_region("Montérégie");
  longueuil->set_departs_at("2027-06-06T05:30:00-04:00");
  // A second point for the same region: the first listed is the members' point.
  PickupPoint* brossard = alert.add_pickup_points();
  brossard->set_id("BRO");
  brossard->set_name("Quartier DIX30");
  brossard->set_region("MONTEREGIE");
  brossard->set_departs_at("2027-06-06T05:00:00-04:00");
  // No departure time yet: the name alone.
  PickupPoint* sherbrooke = alert.add_pickup_points();
  sherbrooke->set_id("SHE");
  sherbrooke->set_name("Carrefour de l'Estrie");
  sherbrooke->set_region("Estrie");
  return alert;
}

Member make_member(std::string id, std::string first_name, std::string language,
                   std::string region) {
  Member member;
  member.set_id(std::move(id));
  member.set_first_name(std::move(first_name));
  member.set_language(std::move(language));
  member.set_region(std::move(region));
  return member;
}

TEST(MessageRenderer, FrenchMemberGetsFrenchWithEveryPlaceholder) {
  const MessageRenderer renderer(make_alert(), kZone);
  const adapters::OutgoingMessage message = renderer.render(
      make_member("m-1", "Marie", "fr", "monteregie"), "sms", "+15145550123", kLink);
  EXPECT_EQ(message.language, "fr");
  EXPECT_EQ(message.text,
            "Marie, assemblée dimanche 6 juin, 7 h 00 devant l'Assemblée nationale. Bus : "
            "Terminus Longueuil, quai 12, 5 h 30. Réponds OUI A7 ou va sur " +
                kLink);
  EXPECT_EQ(message.alert_id, "al-9");
  EXPECT_EQ(message.member_id, "m-1");
  EXPECT_EQ(message.channel, "sms");
  EXPECT_EQ(message.to, "+15145550123");
}

TEST(MessageRenderer, EnglishMemberGetsEnglish) {
  const MessageRenderer renderer(make_alert(), kZone);
  // A French member first, so the English one is not served from the French cache.
  renderer.render(make_member("m-1", "Marie", "fr", "Montérégie"), "sms", "+15145550123", kLink);
  const adapters::OutgoingMessage message = renderer.render(
      make_member("m-2", "Alex", "en", "Montérégie"), "sms", "+15145550124", kLink);
  EXPECT_EQ(message.language, "en");
  EXPECT_EQ(message.text,
            "Alex, assembly Sunday, June 6, 7:00 a.m. at l'Assemblée nationale. Bus: Terminus "
            "Longueuil, quai 12, 5:30 a.m.. Reply YES A7 or go to " +
                kLink);
}

TEST(MessageRenderer, LanguageWithoutAMessageGetsFrench) {
  Alert french_only = make_alert();
  french_only.mutable_messages()->erase("en");
  const MessageRenderer renderer(french_only, kZone);
  for (const std::string language : {"en", "es", ""}) {
    const adapters::OutgoingMessage message = renderer.render(
        make_member("m-3", "Sam", language, "Montérégie"), "sms", "+15145550125", kLink);
    EXPECT_EQ(message.language, "fr") << language;
    // All of it French, the date and the pickup time included.
    EXPECT_EQ(message.text,
              "Sam, assemblée dimanche 6 juin, 7 h 00 devant l'Assemblée nationale. Bus : "
              "Terminus Longueuil, quai 12, 5 h 30. Réponds OUI A7 ou va sur " +
                  kLink)
        << language;
  }
  // With both messages, a Spanish speaker still gets French.
  const MessageRenderer both(make_alert(), kZone);
  EXPECT_EQ(both.render(make_member("m-4", "Ana", "es", ""), "sms", "+1", kLink).language, "fr");
}

TEST(MessageRenderer, PickupMatchesTheRegionIgnoringAccentsAndCase) {
  Alert alert = make_alert();
  (*alert.mutable_messages())["fr"].set_sms("[{pickup}]");
  const MessageRenderer renderer(alert, kZone);
  auto pickup_for = [&](const std::string& region) {
    return renderer.render(make_member("m-5", "Luc", "fr", region), "sms", "+1", kLink).text;
  };
  for (const std::string region : {"Montérégie", "monteregie", "MONTÉRÉGIE", " Monteregie "}) {
    EXPECT_EQ(pickup_for(region), "[Terminus Longueuil, quai 12, 5 h 30]") << region;
  }
  EXPECT_EQ(pickup_for("estrie"), "[Carrefour de l'Estrie]");
  // No point for the region: empty.
  EXPECT_EQ(pickup_for("Outaouais"), "[]");
  EXPECT_EQ(pickup_for(""), "[]");
}

TEST(MessageRenderer, FoldAccentsKeepsTheSmsInGsm7) {
  Alert alert = make_alert();
  (*alert.mutable_messages())["fr"].set_sms("Même si tu es en congé, sois là ! {code}");

  alert.set_fold_accents(true);
  const adapters::OutgoingMessage folded =
      MessageRenderer(alert, kZone).render(make_member("m-6", "Marie", "fr", ""), "sms", "+1", kLink);
  // ê is outside GSM-7 and folds to e; é and à are in GSM-7 and stay.
  EXPECT_EQ(folded.text, "Meme si tu es en congé, sois là ! A7");
  EXPECT_EQ(alerts::measure_sms(folded.text).encoding, alerts::SmsEncoding::gsm7);
  EXPECT_EQ(folded.segments, 1);

  alert.set_fold_accents(false);
  const adapters::OutgoingMessage kept =
      MessageRenderer(alert, kZone).render(make_member("m-6", "Marie", "fr", ""), "sms", "+1", kLink);
  EXPECT_EQ(kept.text, "Même si tu es en congé, sois là ! A7");
  EXPECT_EQ(alerts::measure_sms(kept.text).encoding, alerts::SmsEncoding::ucs2);
  EXPECT_EQ(kept.segments, 1);
}

TEST(MessageRenderer, TypographyIsRewrittenEvenWithoutFolding) {
  Alert alert = make_alert();
  alert.set_fold_accents(false);
  (*alert.mutable_messages())["fr"].set_sms("Grève d’avertissement « {code} » – {first_name}…");
  const adapters::OutgoingMessage message = MessageRenderer(alert, kZone).render(
      make_member("m-7", "Marie", "fr", ""), "sms", "+1", kLink);
  EXPECT_EQ(message.text, "Grève d'avertissement \" A7 \" - Marie...");
  EXPECT_EQ(alerts::measure_sms(message.text).encoding, alerts::SmsEncoding::gsm7);
}

TEST(MessageRenderer, LongUcs2SmsCountsItsSegments) {
  Alert alert = make_alert();
  alert.set_fold_accents(false);
  // 150 UTF-16 units with ê: UCS-2, 67 units a part, so 3 segments (2 would hold 134).
  const std::string body = "Même " + std::string(145, 'x');
  (*alert.mutable_messages())["fr"].set_sms(body);
  const adapters::OutgoingMessage ucs2 = MessageRenderer(alert, kZone).render(
      make_member("m-8", "Marie", "fr", ""), "sms", "+1", kLink);
  EXPECT_EQ(ucs2.text, body);
  EXPECT_EQ(ucs2.segments, 3);

  // The same text folded is 150 GSM-7 septets: one segment.
  alert.set_fold_accents(true);
  const adapters::OutgoingMessage gsm7 = MessageRenderer(alert, kZone).render(
      make_member("m-8", "Marie", "fr", ""), "sms", "+1", kLink);
  EXPECT_EQ(gsm7.text, "Meme " + std::string(145, 'x'));
  EXPECT_EQ(gsm7.segments, 1);

  // 202 units: 4 segments.
  (*alert.mutable_messages())["fr"].set_sms("Même " + std::string(197, 'x'));
  alert.set_fold_accents(false);
  EXPECT_EQ(MessageRenderer(alert, kZone)
                .render(make_member("m-8", "Marie", "fr", ""), "sms", "+1", kLink)
                .segments,
            4);
}

TEST(MessageRenderer, SegmentsAreThoseOfTheSentText) {
  const MessageRenderer renderer(make_alert(), kZone);
  for (const std::string language : {"fr", "en"}) {
    const adapters::OutgoingMessage message = renderer.render(
        make_member("m-9", "Marie-Ève", language, "Montérégie"), "sms", "+1", kLink);
    EXPECT_EQ(message.segments, static_cast<int>(alerts::measure_sms(message.text).segments))
        << language;
    EXPECT_GE(message.segments, 2) << language << ": " << message.text.size() << " bytes";
  }
}

TEST(MessageRenderer, EmailGetsSubjectAndBodyAndOneSegment) {
  Alert alert = make_alert();
  alert.set_fold_accents(true);  // SMS only: an email keeps its accents
  (*alert.mutable_messages())["fr"].set_email_subject("{code} : grève {event_time}");
  const MessageRenderer renderer(alert, kZone);
  const adapters::OutgoingMessage fr = renderer.render(
      make_member("m-10", "Marie", "fr", "Estrie"), "email", "marie@example.org", kLink);
  EXPECT_EQ(fr.channel, "email");
  EXPECT_EQ(fr.to, "marie@example.org");
  EXPECT_EQ(fr.language, "fr");
  EXPECT_EQ(fr.email_subject, "A7 : grève dimanche 6 juin, 7 h 00");
  EXPECT_EQ(fr.text,
            "Bonjour Marie,\nrendez-vous dimanche 6 juin, 7 h 00 devant l'Assemblée nationale.\n"
            "Bus : Carrefour de l'Estrie\nRéponds : " +
                kLink + "\n");
  EXPECT_EQ(fr.segments, 1);

  const adapters::OutgoingMessage en = renderer.render(
      make_member("m-11", "Alex", "en", "Montérégie"), "email", "alex@example.org", kLink);
  EXPECT_EQ(en.language, "en");
  EXPECT_EQ(en.email_subject, "A7: assembly Sunday, June 6, 7:00 a.m.");
  EXPECT_EQ(en.text,
            "Hello Alex,\nmeet Sunday, June 6, 7:00 a.m. at l'Assemblée nationale.\n"
            "Bus: Terminus Longueuil, quai 12, 5:30 a.m.\nAnswer: " +
                kLink + "\n");
  EXPECT_EQ(en.segments, 1);
}

TEST(MessageRenderer, IdempotencyKeyIsAlertMemberChannel) {
  const MessageRenderer renderer(make_alert(), kZone);
  const Member member = make_member("m-12", "Marie", "fr", "");
  EXPECT_EQ(renderer.render(member, "sms", "+1", kLink).idempotency_key, "al-9:m-12:sms");
  EXPECT_EQ(renderer.render(member, "email", "m@example.org", kLink).idempotency_key,
            "al-9:m-12:email");
}

TEST(MessageRenderer, CarriesCodeLinkAndExpiry) {
  Alert alert = make_alert();
  alert.set_expires_at("2027-06-06T12:00:00-04:00");
  const MessageRenderer renderer(alert, kZone);
  for (const std::string channel : {"sms", "email"}) {
    const adapters::OutgoingMessage message =
        renderer.render(make_member("m-13", "Marie", "fr", ""), channel, "x", kLink);
    EXPECT_EQ(message.alert_code, "A7") << channel;
    EXPECT_EQ(message.rsvp_link, kLink) << channel;
    EXPECT_EQ(message.expires_at_unix, 1812297600) << channel;  // 2027-06-06T16:00:00Z
  }
  // No expiry: 0.
  EXPECT_EQ(MessageRenderer(make_alert(), kZone)
                .render(make_member("m-13", "Marie", "fr", ""), "sms", "+1", kLink)
                .expires_at_unix,
            0);
}

TEST(MessageRenderer, SmsOnlyAlertFallingBackToEmailSendsTheSmsText) {
  Alert alert = make_alert();
  alert.set_channels(SMS);
  alert.set_fold_accents(true);
  for (auto& [language, texts] : *alert.mutable_messages()) {
    texts.clear_email_subject();
    texts.clear_email_body();
  }
  const adapters::OutgoingMessage message = MessageRenderer(alert, kZone).render(
      make_member("m-14", "Marie", "fr", "Estrie"), "email", "marie@example.org", kLink);
  // The SMS text as written (no GSM rewrite: it is an email), its opening words as subject.
  const std::string text =
      "Marie, assemblée dimanche 6 juin, 7 h 00 devant l'Assemblée nationale. Bus : "
      "Carrefour de l'Estrie. Réponds OUI A7 ou va sur " +
      kLink;
  EXPECT_EQ(message.text, text);
  EXPECT_EQ(message.email_subject, "Marie, assemblée dimanche 6 juin, 7 h 00 devant…");
  EXPECT_LE(message.email_subject.size(), 60u + std::string("…").size());
  EXPECT_EQ(message.segments, 1);
}

}  // namespace
}  // namespace tocsin::dispatch

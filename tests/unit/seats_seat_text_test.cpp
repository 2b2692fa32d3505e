#include "seats/seat_text.h"

#include <gtest/gtest.h>

#include "alerts/sms_encoding.h"
#include "replies/confirmation_text.h"
#include "seats/seat_status.h"

namespace tocsin::seats {
namespace {

TEST(SeatStatus, ReadsTheSeatAfterTheStatusAndNothingWithout) {
  auto seated = parse_record_status("recorded\x1f" "seated\x1f" "P\x1f" "2\x1f" "1\x1f" "0");
  EXPECT_EQ(seated.status, "recorded");
  EXPECT_EQ(seated.seat.state, "seated");
  EXPECT_EQ(seated.seat.pickup, "P");
  EXPECT_EQ(seated.seat.bus, 2);
  auto waiting = parse_record_status("same\x1f" "waitlisted\x1f" "P\x1f" "0\x1f" "1\x1f" "12");
  EXPECT_EQ(waiting.status, "same");
  EXPECT_EQ(waiting.seat.rank, 12);
  auto plain = parse_record_status("opted_out");
  EXPECT_EQ(plain.status, "opted_out");
  EXPECT_EQ(plain.seat.state, "");
}

TEST(SeatText, APromotionNamesTheBusAndTheWayToGiveTheSeatUpInTheMembersLanguage) {
  SeatNews news{.kind = "promoted", .language = "fr", .alert_code = "A7", .bus = 2,
                .pickup = "Terminus Longueuil, 5 h 30"};
  EXPECT_EQ(seat_news_text(news),
            "Bonne nouvelle! Une place s'est libérée pour toi: autobus 2, départ Terminus "
            "Longueuil, 5 h 30. Si tu ne peux plus venir, réponds NON A7.");
  news.language = "en";
  news.pickup = "Longueuil terminal, 5:30 a.m.";
  EXPECT_EQ(seat_news_text(news),
            "Good news! A seat opened up for you: bus 2, leaves from Longueuil terminal, 5:30 "
            "a.m.. If you can no longer come, reply NO A7.");
  SeatNews lapsed{.kind = "lapsed", .language = "fr", .alert_code = "A7", .rank = 4};
  EXPECT_NE(seat_news_text(lapsed).find("rang 4"), std::string::npos);
  EXPECT_LE(alerts::measure_sms(seat_news_text(lapsed)).segments, 2u);
}

TEST(SeatText, TheConfirmationOfASeatSaysTheBusAndOfAWaitlistTheRank) {
  replies::ConfirmationFacts facts;
  facts.language = "fr";
  facts.alert_code = "A7";
  facts.record.answer = "yes";
  facts.record.bus_seats = 1;
  facts.pickup = "Terminus Longueuil, 5 h 30";
  facts.seat = {.state = "seated", .pickup = "P", .bus = 2, .seats = 1};
  EXPECT_EQ(replies::confirmation_text(facts),
            "Merci! Présence confirmée. Place confirmée, autobus 2, départ Terminus Longueuil, "
            "5 h 30. Pour changer: NON A7.");
  facts.seat = {.state = "waitlisted", .pickup = "P", .seats = 1, .rank = 12};
  facts.language = "en";
  EXPECT_EQ(replies::confirmation_text(facts),
            "Thanks! You're confirmed. The buses are full: you are number 12 on the waitlist. We "
            "will text you as soon as a seat opens up. To change: NO A7.");
}

}  // namespace
}  // namespace tocsin::seats

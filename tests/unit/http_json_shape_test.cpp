// Request bodies whose shape does not fit their message: protobuf's JSON parser would
// flatten, drop or empty them; from_json refuses them, naming the field as written.

#include <gtest/gtest.h>

#include <string>

#include "http/json.h"
#include "http/json_shape.h"
#include "proto/tocsin.pb.h"

namespace tocsin::http {
namespace {

struct Refusal {
  std::string error;
  std::string field;
};

Refusal refusal(const std::string& json) {
  Alert alert;
  Refusal out;
  EXPECT_FALSE(from_json(json, &alert, &out.error, &out.field)) << json;
  return out;
}

TEST(HttpJsonShape, AWellShapedAlertParses) {
  Alert alert;
  std::string error;
  std::string field;
  // null stands for an absent field, as the JSON mapping says.
  ASSERT_TRUE(from_json(R"({"title":"T","pickupPoints":[{"id":"MTL","name":"Gare"}],)"
                        R"("messages":{"fr":{"sms":"x"}},"channels":"SMS","waves":null})",
                        &alert, &error, &field))
      << error;
  EXPECT_EQ(alert.pickup_points(0).name(), "Gare");
  EXPECT_EQ(alert.messages().at("fr").sms(), "x");
  // An unknown key is left to protobuf, whose reason names it.
  EXPECT_FALSE(from_json(R"({"title":"T","titel":"x"})", &alert, &error, &field));
  EXPECT_NE(error.find("titel"), std::string::npos) << error;
}

TEST(HttpJsonShape, AnArrayInsideARepeatedFieldIsRefused) {
  const auto nested = refusal(R"({"pickupPoints":[[{"id":"MTL","name":"Gare"}]]})");
  EXPECT_EQ(nested.field, "pickupPoints[0]");
  EXPECT_EQ(nested.error, "pickupPoints[0]: is an array, expected an object");
  // The key as written: the proto name works too.
  EXPECT_EQ(refusal(R"({"pickup_points":[{"id":"A"},[]]})").error,
            "pickup_points[1]: is an array, expected an object");
}

TEST(HttpJsonShape, NullElementsAreRefused) {
  EXPECT_EQ(refusal(R"({"pickupPoints":[null]})").error,
            "pickupPoints[0]: is null, expected an object");
  EXPECT_EQ(refusal(R"({"waves":[{"messages":{"fr":null}}]})").error,
            "waves[0].messages.fr: is null, expected an object");
}

TEST(HttpJsonShape, WrongContainersAreRefused) {
  EXPECT_EQ(refusal(R"({"pickupPoints":{"id":"MTL"}})").error,
            "pickupPoints: is an object, expected an array");
  EXPECT_EQ(refusal(R"({"messages":[{"sms":"x"}]})").error,
            "messages: is an array, expected an object");
  EXPECT_EQ(refusal(R"({"title":["a"]})").error, "title: is an array, expected a string");
  EXPECT_EQ(refusal(R"({"title":{"fr":"a"}})").error, "title: is an object, expected a string");
  EXPECT_EQ(refusal(R"({"pickupPoints":[{"busCapacity":[1]}]})").error,
            "pickupPoints[0].busCapacity: is an array, expected a number");
  EXPECT_EQ(refusal(R"([{"title":"a"}])").error, "body: is an array, expected an object");
}

TEST(HttpJsonShape, DeepNestingIsRefusedByTheKeyItIsUnder) {
  const std::string deep =
      R"({"title":"T","pickupPoints":)" + std::string(10000, '[') + std::string(10000, ']') + "}";
  const auto refused = refusal(deep);
  EXPECT_EQ(refused.field, "pickupPoints");
  EXPECT_EQ(refused.error, "pickupPoints: nests arrays or objects more than 16 deep");
  EXPECT_EQ(refusal(std::string(100, '[') + std::string(100, ']')).error,
            "body: nests arrays or objects more than 16 deep");
  // Brackets inside strings are text.
  Alert alert;
  std::string error;
  EXPECT_TRUE(from_json(R"({"title":")" + std::string(100, '[') + R"(\"{"})", &alert, &error))
      << error;
  EXPECT_EQ(alert.title(), std::string(100, '[') + "\"{");
}

TEST(HttpJsonShape, WhatIsNotJsonGetsProtobufsReason) {
  Alert alert;
  std::string error;
  std::string field;
  EXPECT_FALSE(from_json("{not json", &alert, &error, &field));
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(field, "");
}

}  // namespace
}  // namespace tocsin::http

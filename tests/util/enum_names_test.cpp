#include "ocpp/util/enum_names.hpp"

#include <gtest/gtest.h>
#include <string_view>

namespace {

enum class Colour { Red, Green, Blue };

constexpr ocpp::EnumName<Colour> kColours[] = {{Colour::Red, "red"}, {Colour::Green, "green"}};

// The lookups are constexpr: a table can be checked at compile time.
static_assert(std::string_view(ocpp::name_of(kColours, Colour::Green, "?")) == "green");
static_assert(*ocpp::value_of(kColours, "red") == Colour::Red);

} // namespace

TEST(EnumNames, NamesAValue) {
    EXPECT_STREQ(ocpp::name_of(kColours, Colour::Red, "?"), "red");
    EXPECT_STREQ(ocpp::name_of(kColours, Colour::Green, "?"), "green");
}

TEST(EnumNames, FallsBackForAValueMissingFromTheTable) {
    EXPECT_STREQ(ocpp::name_of(kColours, Colour::Blue, "unknown"), "unknown");
    EXPECT_STREQ(ocpp::name_of(kColours, static_cast<Colour>(42), "?"), "?");
}

TEST(EnumNames, FindsAValueByItsName) {
    EXPECT_EQ(ocpp::value_of(kColours, "red"), Colour::Red);
    EXPECT_EQ(ocpp::value_of(kColours, "green"), Colour::Green);
}

TEST(EnumNames, FindsNothingForAnUnknownOrMiscasedName) {
    EXPECT_FALSE(ocpp::value_of(kColours, "blue").has_value());
    EXPECT_FALSE(ocpp::value_of(kColours, "Red").has_value());
    EXPECT_FALSE(ocpp::value_of(kColours, "").has_value());
}

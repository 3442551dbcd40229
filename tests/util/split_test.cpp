// Splitting lists in text into their non-empty pieces (ocpp/text/split).
#include <gtest/gtest.h>

#include "ocpp/text/split.hpp"

namespace ocpp::text {
namespace {

using Pieces = std::vector<std::string_view>;

TEST(SplitNonempty, DropsEmptyPieces) {
    EXPECT_EQ(split_nonempty("/a//b/", '/'), (Pieces{"a", "b"}));
    EXPECT_EQ(split_nonempty("a", '/'), (Pieces{"a"}));
    EXPECT_EQ(split_nonempty("", '/'), Pieces{});
    EXPECT_EQ(split_nonempty("///", '/'), Pieces{});
}

TEST(SplitNonempty, StripsTheGivenCharacters) {
    EXPECT_EQ(split_nonempty(" ocpp1.6 ,\tocpp2.0.1, , ", ',', " \t"), (Pieces{"ocpp1.6", "ocpp2.0.1"}));
    EXPECT_EQ(split_nonempty(" a b ", ',', " "), (Pieces{"a b"}));
    EXPECT_EQ(split_nonempty(" a ", ','), (Pieces{" a "}));
}

} // namespace
} // namespace ocpp::text

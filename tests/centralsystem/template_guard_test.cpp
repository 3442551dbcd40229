// A template being applied is not deleted, and one being deleted is not applied: otherwise chargers would hold a
// profile whose template and record are gone, which nobody could see or clear.
#include "centralsystem/sites/template_guard.hpp"

#include <gtest/gtest.h>

namespace {

using cs::sites::TemplateGuard;

TEST(TemplateGuard, ADeleteWaitsUntilEveryApplyOfThatTemplateHasAnswered) {
    TemplateGuard g;
    ASSERT_TRUE(g.begin_apply(5));
    ASSERT_TRUE(g.begin_apply(5));
    EXPECT_FALSE(g.begin_delete(5));
    EXPECT_TRUE(g.begin_delete(6)); // another template is not held up
    g.end_delete(6);
    g.end_apply(5);
    EXPECT_FALSE(g.begin_delete(5)); // one apply still on its way
    g.end_apply(5);
    EXPECT_TRUE(g.begin_delete(5));
}

TEST(TemplateGuard, AnApplyIsRefusedWhileItsTemplateIsBeingDeleted) {
    TemplateGuard g;
    ASSERT_TRUE(g.begin_delete(7));
    EXPECT_FALSE(g.begin_apply(7));
    EXPECT_TRUE(g.begin_apply(8));
    g.end_delete(7);
    EXPECT_TRUE(g.begin_apply(7));
    g.end_apply(9); // an end without a begin changes nothing
    EXPECT_FALSE(g.begin_delete(7));
}

} // namespace

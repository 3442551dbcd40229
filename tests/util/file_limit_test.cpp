// The open-file limit: raised to the hard limit at start, and how many connections fit under it.
#include "ocpp/system/file_limit.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace ocpp {
namespace {

TEST(FileLimit, TheSoftLimitIsRaisedToTheHardOne) {
    rlimit lim{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &lim), 0);
    if (lim.rlim_max == RLIM_INFINITY || lim.rlim_max <= 256) {
        GTEST_SKIP() << "needs a finite hard limit above 256";
    }
    rlimit lowered = lim;
    lowered.rlim_cur = 256; // as `ulimit -Sn 256` would leave it
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
    const FileLimit raised = raise_file_limit();
    EXPECT_EQ(raised.soft_before, 256u);
    EXPECT_EQ(raised.soft, static_cast<std::uint64_t>(lim.rlim_max));
    EXPECT_EQ(raised.hard, static_cast<std::uint64_t>(lim.rlim_max));
    EXPECT_EQ(current_file_limit(), raised.soft);
}

TEST(FileLimit, OpenFilesAreCounted) {
    const auto before = open_file_count();
    ASSERT_TRUE(before);
    const int fd = ::open("/dev/null", O_RDONLY);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(open_file_count(), *before + 1);
    ::close(fd);
    EXPECT_EQ(open_file_count(), before);
}

TEST(FileLimit, ConnectionsFitUnderTheLimitWithHeadroom) {
    EXPECT_EQ(connections_that_fit(20'000, 30, 64), 19'906u); // the usual case: the whole headroom is kept
    EXPECT_EQ(connections_that_fit(128, 20, 64), 54u);        // a small limit: half of what is left
    EXPECT_EQ(connections_that_fit(1'024, 24, 64), 936u);
    EXPECT_EQ(connections_that_fit(22, 20, 64), 1u);
    EXPECT_EQ(connections_that_fit(20, 20, 64), 0u);
    EXPECT_EQ(connections_that_fit(10, 20, 64), 0u);
    EXPECT_GT(connections_that_fit(kUnlimitedFiles, 20, 64), 1'000'000'000u);
}

} // namespace
} // namespace ocpp

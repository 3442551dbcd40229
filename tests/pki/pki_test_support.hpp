#pragma once
// What the ocpp/pki tests share: fixed times, a root made once per test program, and the openssl command line as an
// independent second opinion.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "ocpp/pki/pki.hpp"
#include "tests/support/run_binary.hpp"

namespace ocppkit::test::pki {

using namespace std::chrono_literals;
using ocpp::pki::TimePoint;

// 2030-01-01T00:00:00Z: every certificate of the tests starts here, so validity checks do not depend on today.
inline TimePoint t0() {
    return std::chrono::system_clock::from_time_t(1893456000);
}
inline constexpr std::chrono::seconds kDay = 24h;

// Runs `openssl args...` and answers its output; fails the test when it does not exit 0.
inline std::string openssl(const std::vector<std::string>& args) {
    const RunResult r = run_binary("/usr/bin/openssl", args, std::chrono::seconds(30));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.output;
}

inline ocpp::pki::Subject subject(std::string cn, std::string o = "Acme CPO") {
    ocpp::pki::Subject s;
    s.common_name = std::move(cn);
    s.organization = std::move(o);
    return s;
}

// A root valid for ten years from t0 (P-256), made once.
inline const ocpp::pki::CertificateAuthority& root_ca() {
    static const auto ca = [] {
        auto made = ocpp::pki::CertificateAuthority::create(subject("Test Root", "Acme"), t0(), 3650 * kDay);
        EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
        return std::move(made).value();
    }();
    return ca;
}

inline ocpp::pki::IssueOptions client_options(std::chrono::seconds validity = 365 * kDay) {
    ocpp::pki::IssueOptions options;
    options.usage = ocpp::pki::Usage::ChargePointClient;
    options.not_before = t0();
    options.validity = validity;
    return options;
}

} // namespace ocppkit::test::pki

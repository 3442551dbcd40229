// Fleet planning: IDs, shards, per-charger specs, seeds and the open-file and source-address checks.
#include <gtest/gtest.h>

#include <limits>
#include <set>

#include "simulator/fleet/fleet.hpp"

namespace sim {
namespace {

Options base_options() {
    Options o;
    o.url = "ws://127.0.0.1:8180/ocpp";
    o.chargers = 10;
    o.threads = 2;
    return o;
}

TEST(ChargerId, SixDigitsOrAsManyAsTheFleetNeeds) {
    EXPECT_EQ(charger_id("SIM", 1, 10), "SIM000001");
    EXPECT_EQ(charger_id("SIM", 999999, 999999), "SIM999999");
    EXPECT_EQ(charger_id("CP-", 1, 1'000'000), "CP-0000001");
    EXPECT_EQ(charger_id("CP-", 1'000'000, 1'000'000), "CP-1000000");
    EXPECT_EQ(charger_id("", 42, 100), "000042");
}

TEST(Shards, SplitTheFleetWithoutOverlapOrGaps) {
    for (std::uint64_t total : {1u, 7u, 10u, 1000u}) {
        for (std::uint64_t n : {1u, 2u, 3u, 7u}) {
            std::set<std::string> ids;
            std::uint64_t sum = 0;
            for (std::uint64_t i = 1; i <= n; ++i) {
                Options o = base_options();
                o.chargers = total;
                o.shard = Shard{i, n};
                auto plan = plan_chargers(o);
                ASSERT_TRUE(plan);
                EXPECT_EQ(plan->size(), shard_size(total, o.shard));
                sum += plan->size();
                for (const auto& p : *plan) {
                    EXPECT_EQ((p.global_index - 1) % n, i - 1);
                    EXPECT_EQ(p.spec.id, charger_id("SIM", p.global_index, total));
                    EXPECT_TRUE(ids.insert(p.spec.id).second) << p.spec.id << " twice";
                }
            }
            EXPECT_EQ(sum, total);
            EXPECT_EQ(ids.size(), total);
        }
    }
}

TEST(Shards, Example) {
    Options o = base_options();
    o.shard = Shard{2, 3};
    auto plan = plan_chargers(o);
    ASSERT_TRUE(plan);
    ASSERT_EQ(plan->size(), 3u);
    EXPECT_EQ((*plan)[0].spec.id, "SIM000002");
    EXPECT_EQ((*plan)[1].spec.id, "SIM000005");
    EXPECT_EQ((*plan)[2].spec.id, "SIM000008");
    EXPECT_EQ(shard_size(10, Shard{1, 3}), 4u);
    EXPECT_EQ(shard_size(10, Shard{3, 3}), 3u);
    EXPECT_EQ(shard_size(2, Shard{3, 4}), 0u);
}

TEST(Plan, SpecsCarryTheOptions) {
    Options o = base_options();
    o.connectors = 3;
    o.power_kw = 22;
    o.heartbeat_interval_s = 60;
    o.meter_interval_s = 10;
    o.sessions_per_hour = 4;
    o.session_min_minutes = 1;
    o.session_mean_minutes = 2.5;
    o.session_max_minutes = 4;
    o.id_tags = {"A", "B"};
    o.mode = Mode::Throughput;
    o.action = "MeterValues";
    o.password = "pw";
    o.source_ips = {"127.0.0.1", "127.0.0.2", "127.0.0.3"};
    auto plan = plan_chargers(o);
    ASSERT_TRUE(plan);
    ASSERT_EQ(plan->size(), 10u);
    const ChargerSpec& s = (*plan)[0].spec;
    EXPECT_EQ(s.url, o.url);
    EXPECT_EQ(s.connectors, 3);
    EXPECT_DOUBLE_EQ(s.power_kw, 22);
    EXPECT_EQ(s.heartbeat_interval, std::chrono::seconds(60));
    EXPECT_EQ(s.meter_interval, std::chrono::seconds(10));
    EXPECT_DOUBLE_EQ(s.sessions_per_hour, 4);
    EXPECT_EQ(s.session_min, std::chrono::seconds(60));
    EXPECT_EQ(s.session_mean, std::chrono::seconds(150));
    EXPECT_EQ(s.session_max, std::chrono::seconds(240));
    EXPECT_EQ(s.id_tags, o.id_tags);
    EXPECT_EQ(s.mode, Mode::Throughput);
    EXPECT_EQ(s.throughput_action, "MeterValues");
    EXPECT_EQ(s.password, "pw");
    // Source addresses round-robin over this process's chargers.
    for (std::size_t k = 0; k < plan->size(); ++k) {
        EXPECT_EQ((*plan)[k].spec.source_address, o.source_ips[k % 3]);
    }
}

TEST(Plan, PasswordsFromTheFile) {
    Options o = base_options();
    o.chargers = 2;
    o.password_file = "ids.csv";
    o.passwords = {{"SIM000001", "one"}, {"SIM000002", "two"}};
    auto plan = plan_chargers(o);
    ASSERT_TRUE(plan);
    EXPECT_EQ((*plan)[0].spec.password, "one");
    EXPECT_EQ((*plan)[1].spec.password, "two");

    o.chargers = 3;
    plan = plan_chargers(o);
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.error().message, "--password-file: ids.csv has no password for SIM000003 (2 entries)");

    o = base_options();
    plan = plan_chargers(o);
    ASSERT_TRUE(plan);
    EXPECT_FALSE((*plan)[0].spec.password); // security profile 0
}

TEST(Plan, SeedsAreReproducibleAndDistinct) {
    Options o = base_options();
    o.seed = 99;
    auto a = plan_chargers(o);
    auto b = plan_chargers(o);
    ASSERT_TRUE(a && b);
    std::set<std::uint64_t> seeds;
    for (std::size_t k = 0; k < a->size(); ++k) {
        EXPECT_EQ((*a)[k].seed, (*b)[k].seed);
        EXPECT_EQ((*a)[k].seed, charger_seed(99, (*a)[k].global_index));
        seeds.insert((*a)[k].seed);
    }
    EXPECT_EQ(seeds.size(), a->size());
    EXPECT_NE(charger_seed(1, 5), charger_seed(2, 5));
    // The same charger gets the same seed in a sharded run.
    o.shard = Shard{2, 2};
    auto sharded = plan_chargers(o);
    ASSERT_TRUE(sharded);
    EXPECT_EQ((*sharded)[0].global_index, 2u);
    EXPECT_EQ((*sharded)[0].seed, (*a)[1].seed);
}

TEST(Plan, ChargerUrl) {
    EXPECT_EQ(charger_url("ws://127.0.0.1:8180/ocpp", "SIM000001"), "ws://127.0.0.1:8180/ocpp/SIM000001");
    EXPECT_EQ(charger_url("ws://127.0.0.1:8180/ocpp/", "SIM000001"), "ws://127.0.0.1:8180/ocpp/SIM000001");
    EXPECT_EQ(charger_url("wss://cs.example:443", "CP1"), "wss://cs.example:443/CP1");
}

TEST(Plan, SharesOfAProcessLimit) {
    EXPECT_EQ(share_of(500, 0, 2), 250u);
    EXPECT_EQ(share_of(5, 0, 2), 3u);
    EXPECT_EQ(share_of(5, 1, 2), 2u);
    EXPECT_EQ(share_of(1, 1, 4), 1u); // at least one each
    std::size_t sum = 0;
    for (std::size_t i = 0; i < 7; ++i) {
        sum += share_of(100, i, 7);
    }
    EXPECT_EQ(sum, 100u);
}

TEST(FdLimit, TheRefusalMessage) {
    EXPECT_EQ(check_fd_limit(10'000, 1'024),
              "10,000 chargers need about 10,064 open files; this process may open 1,024 (ulimit -n). Raise the "
              "limit or split the fleet with --shard.");
    EXPECT_FALSE(check_fd_limit(10'000, 20'000));
    EXPECT_FALSE(check_fd_limit(19'936, 20'000));
    EXPECT_TRUE(check_fd_limit(19'937, 20'000));
    EXPECT_FALSE(check_fd_limit(1'000'000, std::numeric_limits<std::uint64_t>::max()));
}

TEST(FdLimit, RaisesTheSoftLimitToTheHardOne) {
    const FdLimit limit = raise_fd_limit();
    EXPECT_GT(limit.soft, 0u);
    EXPECT_LE(limit.soft, limit.hard);
}

TEST(SourceAddresses, WarnBeyondTheLocalPorts) {
    EXPECT_FALSE(check_source_addresses(28'000, 0));
    EXPECT_FALSE(check_source_addresses(50'000, 2));
    const auto warning = check_source_addresses(60'000, 1);
    ASSERT_TRUE(warning);
    EXPECT_NE(warning->find("60,000 chargers from 1 source address"), std::string::npos) << *warning;
    EXPECT_NE(warning->find("--source-ips"), std::string::npos);
    EXPECT_NE(warning->find("at least 3 addresses"), std::string::npos) << *warning;
}

TEST(FleetConfig, FromOptions) {
    Options o = base_options();
    o.threads = 3;
    o.ramp = 1500;
    o.handshakes_in_flight = 40;
    o.call_timeout_s = 2.5;
    FleetConfig c = fleet_config(o);
    EXPECT_EQ(c.threads, 3u);
    EXPECT_DOUBLE_EQ(c.ramp, 1500);
    EXPECT_EQ(c.handshakes_in_flight, 40u);
    EXPECT_EQ(c.peer.call_timeout, std::chrono::milliseconds(2500));
    EXPECT_TRUE(c.peer.validate_outgoing);
    EXPECT_FALSE(c.client.tls);

    o.url = "wss://cs.example/ocpp";
    o.ca_file = "ca.pem";
    o.cert_file = "c.pem";
    o.key_file = "k.pem";
    c = fleet_config(o);
    ASSERT_TRUE(c.client.tls);
    EXPECT_EQ(c.client.tls->ca_file, "ca.pem");
    EXPECT_EQ(c.client.tls->cert_file, "c.pem");
    EXPECT_EQ(c.client.tls->key_file, "k.pem");
}

TEST(WithCommas, Groups) {
    EXPECT_EQ(with_commas(0), "0");
    EXPECT_EQ(with_commas(999), "999");
    EXPECT_EQ(with_commas(1000), "1,000");
    EXPECT_EQ(with_commas(1234567), "1,234,567");
}

} // namespace
} // namespace sim

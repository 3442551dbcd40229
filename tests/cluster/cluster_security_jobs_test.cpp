// Two security jobs never work one charger in a real cluster (cluster_fixture.hpp): two creations over one charger
// sent at once to two nodes store one job and refuse the other naming the charger and the job; and a row of a second
// job over a charger that a running job works (stored past the API, as a store written before this check could hold
// it) ends failed naming the other job, with no second key sent.
#include <future>

#include "centralsystem/db/security/security_jobs.hpp"
#include "tests/centralsystem/security_charger.hpp"
#include "tests/cluster/cluster_fixture.hpp"

namespace {

// One charger's outcome and reason in a job as a node's API shows it; "" when the job or the charger is not there.
std::pair<std::string, std::string> row_of(const rapidjson::Document& job, const std::string& id) {
    if (!job.IsObject() || !job.HasMember("chargers")) {
        return {};
    }
    for (const auto& c : job["chargers"].GetArray()) {
        if (c["chargeBoxId"].GetString() == id) {
            return {c["outcome"].GetString(), c["reason"].GetString()};
        }
    }
    return {};
}

TEST_F(Cluster, TwoSecurityJobsOverOneChargerNeverBothWorkIt) {
    const std::string id = "DUP-1", password = "old-password-DUP-1";
    const auto made = api(nodes_[0], "POST", "/api/v1/chargers",
                          R"({"chargeBoxId":")" + id + R"(","password":")" + password + R"("})");
    ASSERT_EQ(made.status, 201) << made.body;
    SecurityCharger::Setup s;
    s.id = id;
    s.password = password;
    s.port = nodes_[0].port;
    SecurityCharger charger(s);
    charger.on_key(SecurityCharger::OnKey::KeepConnection); // takes its key and stays: awaited, its job runs on
    charger.start();
    ASSERT_TRUE(wait_until([&] { return charger.booted(); }, 20s)) << charger.last_error();
    ASSERT_TRUE(wait_until([&] { return owners().count(id) == 1; }, 10s));

    // Two creations at once through two nodes: one is stored, the other refused naming the charger and that job.
    const std::string body = R"({"kind":"passwordRotation","chargers":["DUP-1"],"confirmSeconds":120})";
    auto at_first =
        std::async(std::launch::async, [&] { return api(nodes_[0], "POST", "/api/v1/security-jobs", body); });
    auto at_second =
        std::async(std::launch::async, [&] { return api(nodes_[1], "POST", "/api/v1/security-jobs", body); });
    const auto one = at_first.get(), other = at_second.get();
    ASSERT_EQ((one.status == 201) + (other.status == 201), 1) << one.body << "\n" << other.body;
    const auto& stored = one.status == 201 ? one : other;
    const auto& refused = one.status == 201 ? other : one;
    const std::int64_t job = parse_json(stored.body)["id"].GetInt64();
    EXPECT_EQ(refused.status, 409) << refused.body;
    EXPECT_NE(refused.body.find("\"field\":\"chargers/0\""), std::string::npos) << refused.body;
    EXPECT_NE(refused.body.find("running security job " + std::to_string(job)), std::string::npos) << refused.body;
    const std::string path = "/api/v1/security-jobs/" + std::to_string(job);
    ASSERT_TRUE(
        wait_until([&] { return row_of(parse_json(api(nodes_[0], "GET", path).body), id).first == "sent"; }, 20s))
        << api(nodes_[0], "GET", path).body;
    EXPECT_EQ(charger.calls("ChangeConfiguration"), 1);

    // A second job over the charger stored past the API: the node holding the charger fails its row, naming the job.
    cs::db::SecurityJobRow row;
    row.kind = "passwordRotation";
    row.created_at = "2026-01-01T00:00:00Z";
    row.concurrency = 1;
    row.max_attempts = 3;
    std::int64_t second = 0;
    {
        auto db = store::open_database(url_);
        ASSERT_TRUE(db) << db.error().message;
        ASSERT_TRUE((*db)->begin());
        auto created = cs::db::create_security_job(**db, row, {id});
        ASSERT_TRUE(created) << created.error().message;
        ASSERT_TRUE((*db)->commit());
        second = *created;
    }
    const std::string second_path = "/api/v1/security-jobs/" + std::to_string(second);
    ASSERT_TRUE(wait_until(
        [&] {
            const auto job_now = parse_json(api(nodes_[1], "GET", second_path).body);
            return job_now.IsObject() && job_now.HasMember("state") &&
                   std::string(job_now["state"].GetString()) == "done";
        },
        20s))
        << api(nodes_[1], "GET", second_path).body;
    const auto [outcome, reason] = row_of(parse_json(api(nodes_[1], "GET", second_path).body), id);
    EXPECT_EQ(outcome, "failed");
    EXPECT_EQ(reason, "takes part in another running security job (job " + std::to_string(job) + ")");
    EXPECT_EQ(charger.calls("ChangeConfiguration"), 1) << "no second key";
    EXPECT_EQ(row_of(parse_json(api(nodes_[0], "GET", path).body), id).first, "sent") << "the first job goes on";
}

} // namespace

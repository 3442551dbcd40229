#pragma once
// Claiming codes: issued by the tester when a charger passed, redeemed once by the central system to create the
// charger with what the tester saw. Codes read well over the phone: "7KQF-3M9X-TR", Crockford base32, 45 random
// bits and a check symbol. Redemption is single-use, expiring and rate-limited per client.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "ocpp/text/datetime.hpp"
#include "store/connection.hpp"

namespace store {

struct Claim {
    std::string code;
    std::string chargebox_id;
    std::string password_hash; // PBKDF2 (see password.hpp); the clear password is never stored
    std::string vendor, model, serial, firmware;
    int connectors = 0;
    int security_profile = 0;
    std::string test_id;
    ocpp::DateTime created, expires;
    std::optional<ocpp::DateTime> redeemed;
};

// The answer to a redemption: the claim, or why not (with the HTTP status a REST API should use).
struct Redemption {
    std::optional<Claim> claim;
    int status = 200; // 404 unknown, 409 already used, 410 expired, 400 malformed, 429 too many failures
    std::string error;
};

// "7KQF-3M9X-TR": 9 random symbols and a Crockford check symbol drawn so it is never one of *~$=U.
std::string generate_claim_code();
// Normalises a typed code (case, O/0, I/L/1, hyphens, spaces) and checks its check symbol; nullopt when malformed.
std::optional<std::string> normalize_claim_code(std::string_view typed);

class Claims {
public:
    static Result<void> migrate(Connection& db);
    // Stores a new claim and returns its code (a fresh one is drawn on the rare collision).
    static Result<std::string> issue(Connection& db, Claim claim, std::chrono::seconds valid_for);
    // Redeems a code once. Failures are counted per client; 10 failures in 10 minutes lock that client out.
    static Result<Redemption> redeem(Connection& db, std::string_view typed_code, ocpp::DateTime now,
                                     std::string_view client);
    // What redeem would answer, without using the code up (failures count alike): for checking a code as it is typed.
    static Result<Redemption> check(Connection& db, std::string_view typed_code, ocpp::DateTime now,
                                    std::string_view client);
    static Result<std::optional<Claim>> find(Connection& db, std::string_view code);

    static constexpr int kMaxFailures = 10;
    static constexpr std::chrono::minutes kFailureWindow{10};

private:
    static Result<Redemption> look_up(Connection& db, std::string_view typed_code, ocpp::DateTime now,
                                      std::string_view client, bool redeem);
};

} // namespace store

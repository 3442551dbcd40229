#pragma once
// SecurityBinary: the real ocpp-centralsystem with an operator CA (CpoName "Acme Charging", a passphrase file) and
// helpers for the security tests: a charger the test controls, a CSR made with ocpp::pki, and the API's lists.
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "ocpp/pki/pki.hpp"
#include "tests/centralsystem/controlled_charger.hpp"
#include "tests/centralsystem/cs_binary.hpp"

namespace cs::test {

inline const std::string kCpo = "Acme Charging";

class SecurityBinary : public CentralSystemBinary {
protected:
    void TearDown() override {
        CentralSystemBinary::TearDown();
        for (const char* suffix : {".pass", ".wrong"}) {
            std::remove((base_ + suffix).c_str());
        }
    }
    std::string passphrase_file(const std::string& passphrase, const char* suffix = ".pass") {
        const std::string path = base_ + suffix;
        std::ofstream(path) << passphrase << "\n";
        return path;
    }
    // Restarts the binary with the operator CA (created on first start).
    void start_with_ca() {
        restart({"--cpo-name", kCpo, "--ca-passphrase-file", passphrase_file("correct horse battery")});
    }
    std::string ca_pem() {
        const auto r = api("GET", "/api/v1/ca");
        EXPECT_EQ(r.status, 200) << r.body;
        const auto d = parse_json(r.body);
        return d.HasMember("ca") ? d["ca"]["certificate"].GetString() : "";
    }
    // A planned charger with one charge point (its EVSE ID made from the Chargebox ID without dashes).
    void add_charger(const std::string& id, const std::string& password) {
        std::string evse;
        for (char ch : id) {
            evse += ch == '-' ? "" : std::string(1, ch);
        }
        const auto r = api("POST", "/api/v1/chargers",
                           R"({"chargeBoxId":")" + id + R"(","password":")" + password +
                               R"(","provider":"acme","chargePoints":[{"connectorId":1,"evseId":"DE*ABC*E)" + evse +
                               R"(*1","standard":"IEC_62196_T2","format":"SOCKET","powerType":"AC_3_PHASE"}]})");
        ASSERT_EQ(r.status, 201) << r.body;
    }
    // A connected, booted charger the test controls; CertificateSigned is answered Accepted.
    std::unique_ptr<ControlledCharger> charger(const std::string& id) {
        add_charger(id, "password-of-" + id);
        auto c = std::make_unique<ControlledCharger>(port_, id, "password-of-" + id);
        c->answer("CertificateSigned", {ControlledCharger::Answer::Result, R"({"status":"Accepted"})", ""});
        EXPECT_TRUE(c->start()) << c->error();
        return c;
    }
    // A fresh ECDSA P-256 key's CSR with this subject.
    static std::string csr(const std::string& cn, const std::string& o) {
        auto key = ocpp::pki::generate_key();
        EXPECT_TRUE(key) << key.error().message;
        ocpp::pki::Subject s;
        s.common_name = cn;
        s.organization = o;
        auto made = ocpp::pki::make_csr(key->private_pem, s);
        EXPECT_TRUE(made) << made.error().message;
        return made ? *made : "";
    }
    // SignCertificate from the charger; the status it got ("Accepted"/"Rejected"), or the error.
    static std::string sign(ControlledCharger& c, const std::string& csr_pem) {
        rapidjson::StringBuffer buf;
        rapidjson::Writer<rapidjson::StringBuffer> w(buf);
        w.StartObject();
        w.Key("csr");
        w.String(csr_pem.c_str());
        w.EndObject();
        const auto a = c.send("SignCertificate", buf.GetString());
        if (!a.result) {
            return "error " + a.error_code;
        }
        return parse_json(a.payload)["status"].GetString();
    }
    // The notifications of one kind, as "chargeBoxId: message" lines.
    std::vector<std::string> notifications(const std::string& kind) {
        const auto d = parse_json(api("GET", "/api/v1/notifications?limit=1000").body);
        std::vector<std::string> out;
        for (const auto& n : d["notifications"].GetArray()) {
            if (kind == n["kind"].GetString()) {
                out.push_back(std::string(n["chargeBoxId"].GetString()) + ": " + n["message"].GetString());
            }
        }
        return out;
    }
};

} // namespace cs::test

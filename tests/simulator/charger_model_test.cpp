// Charger model files: the examples in models/, every bad input with its file:line:column and key, the shares of a
// mixed fleet, and the --model option.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <sstream>

#include "simulator/charger_model.hpp"
#include "simulator/fleet/fleet.hpp"
#include "simulator/fleet/report.hpp"
#include "simulator/options.hpp"
#include "tests/support/paths.hpp"

using sim::ChargerModel;
using sim::parse_charger_model;

namespace {

std::string source(const std::string& path) {
    std::ifstream in(std::string(ocppkit::test::source_dir()) + "/" + path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The error of a model text, "" when it parses.
std::string problem(const std::string& text) {
    auto m = parse_charger_model(text, "m.yaml");
    return m ? std::string() : m.error().message;
}

TEST(ChargerModelFile, TheExampleModelsParse) {
    auto ac = parse_charger_model(source("models/ac-wallbox.yaml"), "models/ac-wallbox.yaml");
    ASSERT_TRUE(ac) << ac.error().message;
    EXPECT_EQ(ac->connectors, 2);
    EXPECT_EQ(ac->power_kw, 11.0);
    auto dc = parse_charger_model(source("models/dc-basic.yaml"), "models/dc-basic.yaml");
    ASSERT_TRUE(dc) << dc.error().message;
    EXPECT_EQ(dc->profiles->csv(), "Core,RemoteTrigger");
    ASSERT_TRUE(dc->periodic_data_transfer);
    EXPECT_EQ(dc->periodic_data_transfer->every, std::chrono::seconds(300));
    EXPECT_EQ(dc->periodic_data_transfer->message_id, "cabinetStatus");
}

TEST(ChargerModelFile, AModelSetsTheSpecAndItsConfigurationKeys) {
    auto m = parse_charger_model("vendor: ACME\nmodel: X1\nfirmware_version: 9.9\nconnectors: 3\npower_kw: 7.4\n"
                                 "voltage: 120\nphases: 1\nprofiles: [Core, Reservation]\n"
                                 "install_firmware_in_session: true\n"
                                 "diagnostics_http_put: true\n"
                                 "config: {ReserveConnectorZeroSupported: true, LocalAuthListMaxLength: 7}\n"
                                 "data_transfer: {vendors: [com.acme]}\n",
                                 "m.yaml");
    ASSERT_TRUE(m) << m.error().message;
    sim::ChargerSpec s;
    sim::apply_model(*m, s);
    EXPECT_EQ(s.vendor, "ACME");
    EXPECT_EQ(s.model, "X1");
    EXPECT_EQ(s.firmware_version, "9.9");
    EXPECT_EQ(s.connectors, 3);
    EXPECT_DOUBLE_EQ(s.power_kw, 7.4);
    EXPECT_DOUBLE_EQ(s.voltage, 120);
    EXPECT_EQ(s.phases, 1);
    EXPECT_EQ(s.profiles.csv(), "Core,Reservation");
    EXPECT_TRUE(s.install_firmware_in_session);
    EXPECT_TRUE(s.diagnostics_http_put);
    EXPECT_EQ(s.data_transfer_vendors, std::vector<std::string>{"com.acme"});
    sim::ConfigStore config(s.connectors, 300, 60, s.profiles.csv());
    for (const auto& [k, v] : s.config_overrides) {
        EXPECT_FALSE(config.override_value(k, v));
    }
    EXPECT_EQ(config.value("ReserveConnectorZeroSupported"), "true"); // read-only for the central system
    EXPECT_EQ(config.int_value("LocalAuthListMaxLength", 0), 7);
}

TEST(ChargerModelFile, TheKeysOfEveryProfileCanBeSet) {
    auto m =
        parse_charger_model("config: {ChargingScheduleMaxPeriods: 48, MaxChargingProfilesInstalled: 20}\n", "m.yaml");
    ASSERT_TRUE(m) << m.error().message;
    sim::ChargerSpec s;
    sim::apply_model(*m, s);
    sim::ConfigStore config(s.connectors, 300, 60, s.profiles.csv());
    for (const auto& [key, value] : s.config_overrides) {
        ASSERT_FALSE(config.override_value(key, value)) << key;
    }
    EXPECT_EQ(config.int_value("ChargingScheduleMaxPeriods", 0), 48);
}

TEST(ChargerModelFile, UnsetFieldsKeepTheSpec) {
    auto m = parse_charger_model("vendor: ACME\n", "m.yaml");
    ASSERT_TRUE(m);
    sim::ChargerSpec s;
    s.connectors = 4;
    sim::apply_model(*m, s);
    EXPECT_EQ(s.connectors, 4);
    EXPECT_EQ(s.profiles.csv(), sim::FeatureProfiles{}.csv());
}

TEST(ChargerModelFile, BadInputsNameFileLineColumnAndKey) {
    EXPECT_EQ(problem("vendor: A\npower_kv: 3\n"),
              "m.yaml:2:1: unknown key \"power_kv\" in model (allowed: vendor, model, firmware_version, connectors, "
              "power_kw, voltage, phases, profiles, config, install_firmware_in_session, diagnostics_http_put, "
              "data_transfer, faulted_connectors, manufacturer_roots, security, security_profile, cpo_name, key_type, "
              "authorization_key_reading, certificate_store_max)");
    EXPECT_EQ(problem("connectors: 0\n"), "m.yaml:1:13: connectors: expected a whole number from 1 to 100");
    EXPECT_EQ(problem("connectors: two\n"), "m.yaml:1:13: connectors: expected a whole number from 1 to 100");
    EXPECT_EQ(problem("phases: 4\n"), "m.yaml:1:9: phases: expected a whole number from 1 to 3");
    EXPECT_NE(problem("power_kw: fast\n").find("m.yaml:1:11: power_kw: expected a number"), std::string::npos);
    EXPECT_NE(problem("power_kw: -5\n").find("m.yaml:1:11: power_kw:"), std::string::npos);
    EXPECT_NE(problem("voltage: 0\n").find("m.yaml:1:10: voltage:"), std::string::npos);
    EXPECT_EQ(problem("install_firmware_in_session: yes please\n"),
              "m.yaml:1:30: install_firmware_in_session: expected true or false");
    EXPECT_EQ(problem("vendor: ThisVendorNameIsFarTooLong\n"),
              "m.yaml:1:9: vendor: expected a text of 1 to 20 characters");
    EXPECT_NE(problem("profiles: [Core, SmartCharge]\n")
                  .find("m.yaml:1:11: profiles: unknown feature profile "
                        "\"SmartCharge\""),
              std::string::npos);
    EXPECT_EQ(problem("vendor: A\nvendor: B\n"), "m.yaml:2:1: vendor: given twice");
    EXPECT_EQ(problem("- a\n- b\n"), "m.yaml: expected a mapping such as \"vendor: ACME\" (see models/)");
    EXPECT_NE(problem("vendor: [unclosed\n").find("m.yaml:"), std::string::npos);
}

TEST(ChargerModelFile, BadConfigurationKeysAndValues) {
    EXPECT_EQ(problem("config:\n  HeartbeatIntervall: 30\n"),
              "m.yaml:2:3: config.HeartbeatIntervall: unknown configuration key \"HeartbeatIntervall\"");
    EXPECT_EQ(problem("config:\n  LocalPreAuthorize: maybe\n"),
              "m.yaml:2:3: config.LocalPreAuthorize: LocalPreAuthorize takes true or false, got \"maybe\"");
    EXPECT_EQ(problem("config:\n  HeartbeatInterval: -1\n"),
              "m.yaml:2:3: config.HeartbeatInterval: HeartbeatInterval takes a whole number from 0, got \"-1\"");
    EXPECT_EQ(problem("config:\n  NumberOfConnectors: 4\n"),
              "m.yaml:2:3: config.NumberOfConnectors: set by connectors/profiles, not here");
    EXPECT_EQ(problem("config:\n  HeartbeatInterval: [1, 2]\n"),
              "m.yaml:2:22: config.HeartbeatInterval: expected a value");
    EXPECT_EQ(problem("config: 5\n"), "m.yaml:1:9: config: expected a mapping of configuration keys to values");
}

TEST(ChargerModelFile, BadDataTransferSettings) {
    EXPECT_EQ(problem("data_transfer:\n  vendor: [a]\n"),
              "m.yaml:2:3: unknown key \"vendor\" in data_transfer (allowed: vendors, periodic)");
    EXPECT_EQ(problem("data_transfer:\n  periodic: {vendor_id: a}\n"),
              "m.yaml:2:13: periodic: vendor_id and every_s are required");
    EXPECT_EQ(problem("data_transfer:\n  periodic: {vendor_id: a, every_s: 0}\n"),
              "m.yaml:2:37: periodic.every_s: expected a whole number from 1 to 86400");
    EXPECT_EQ(problem("data_transfer:\n  periodic: {vendor_id: a, every_s: 5, each: 1}\n"),
              "m.yaml:2:40: unknown key \"each\" in data_transfer.periodic (allowed: vendor_id, message_id, data, "
              "every_s)");
    EXPECT_EQ(problem("data_transfer:\n  vendors: [[a]]\n"),
              "m.yaml:2:13: data_transfer.vendors: expected a list of names");
}

TEST(ModelShares, AMixedFleetGetsEachModelByItsShareExactly) {
    std::vector<sim::ModelChoice> models(2);
    models[0].share = 70;
    models[1].share = 30;
    int counts[2] = {0, 0};
    for (std::uint64_t i = 1; i <= 10; ++i) {
        ++counts[sim::model_for(models, i, 10)];
    }
    EXPECT_EQ(counts[0], 7);
    EXPECT_EQ(counts[1], 3);
    models.resize(3);
    for (auto& m : models) {
        m.share = 1;
    }
    int thirds[3] = {0, 0, 0};
    for (std::uint64_t i = 1; i <= 300; ++i) {
        ++thirds[sim::model_for(models, i, 300)];
    }
    EXPECT_EQ(thirds[0], 100);
    EXPECT_EQ(thirds[1], 100);
    EXPECT_EQ(thirds[2], 100);
}

TEST(ModelOption, FileAndShareAreReadAndBadSharesAreErrors) {
    sim::Options o;
    EXPECT_FALSE(sim::add_models(o, "a.yaml:70,b.yaml:30"));
    EXPECT_FALSE(sim::add_models(o, "c.yaml"));
    ASSERT_EQ(o.models.size(), 3u);
    EXPECT_EQ(o.models[0].file, "a.yaml");
    EXPECT_DOUBLE_EQ(o.models[0].share, 70);
    EXPECT_EQ(o.models[2].file, "c.yaml");
    EXPECT_DOUBLE_EQ(o.models[2].share, 1);
    EXPECT_EQ(sim::add_models(o, "a.yaml:x"), "expected FILE or FILE:SHARE with a share above 0, got \"a.yaml:x\"");
    EXPECT_TRUE(sim::add_models(o, "a.yaml:0"));
    EXPECT_TRUE(sim::add_models(o, ":5"));
    EXPECT_TRUE(sim::add_models(o, ""));
}

TEST(ModelOption, AConfigFileListsModelsWithShares) {
    sim::Options o;
    auto applied = sim::apply_yaml("model: [a.yaml:70, b.yaml:30]\n", "load.yaml", o);
    ASSERT_TRUE(applied) << applied.error().message;
    ASSERT_EQ(o.models.size(), 2u);
    EXPECT_EQ(o.models[1].file, "b.yaml");
    EXPECT_DOUBLE_EQ(o.models[1].share, 30);
    auto bad = sim::apply_yaml("model: a.yaml:-1\n", "load.yaml", o);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message.rfind("load.yaml:1:8: model: ", 0), 0u) << bad.error().message;
}

TEST(ModelOption, TheFleetPlanMixesTheModels) {
    const std::string dir = std::string(ocppkit::test::source_dir()) + "/models/";
    const std::string ac = dir + "ac-wallbox.yaml:3", dc = dir + "dc-basic.yaml:1";
    const char* argv[] = {"ocpp-simulator", "run",     "--url",   "ws://127.0.0.1:9/ocpp", "--chargers", "8", "--model",
                          ac.c_str(),       "--model", dc.c_str()};
    auto cmd = sim::parse_command_line(10, argv);
    ASSERT_TRUE(cmd) << cmd.error().message;
    auto plan = sim::plan_chargers(cmd->options);
    ASSERT_TRUE(plan);
    ASSERT_EQ(plan->size(), 8u);
    int dc_count = 0;
    for (const auto& p : *plan) {
        dc_count += p.spec.model == "DC-50-Basic" ? 1 : 0;
    }
    EXPECT_EQ(dc_count, 2);
    EXPECT_EQ(plan->front().spec.model, "AC-Wallbox-11");
    EXPECT_EQ(plan->back().spec.connectors, 1);
    EXPECT_EQ(plan->back().spec.profiles.csv(), "Core,RemoteTrigger");
}

TEST(ModelOption, TheReportNamesTheModelsAndShares) {
    sim::Options o;
    o.url = "ws://127.0.0.1:9/ocpp";
    ASSERT_FALSE(sim::add_models(o, "a.yaml:70,b.yaml"));
    const std::string json = sim::report_json(sim::RunSummary{}, o, {});
    rapidjson::Document doc;
    ASSERT_FALSE(doc.Parse(json.c_str()).HasParseError()) << json;
    const auto& models = doc["options"]["model"];
    ASSERT_TRUE(models.IsArray()) << json;
    ASSERT_EQ(models.Size(), 2u);
    EXPECT_STREQ(models[0].GetString(), "a.yaml:70");
    EXPECT_STREQ(models[1].GetString(), "b.yaml:1");
}

TEST(ModelOption, ABadModelFileStopsTheCommandLine) {
    const char* argv[] = {"ocpp-simulator", "run", "--url", "ws://127.0.0.1:9/ocpp", "--model", "/nonexistent.yaml"};
    auto cmd = sim::parse_command_line(6, argv);
    ASSERT_FALSE(cmd);
    EXPECT_EQ(cmd.error().message.rfind("--model: ", 0), 0u) << cmd.error().message;
}

TEST(ChargerModelFile, ManufacturerRootsAreReadFromPemFilesBesideTheModel) {
    const std::string dir = ::testing::TempDir();
    std::ofstream(dir + "/mfr-root.pem") << "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    std::ofstream(dir + "/not-pem.txt") << "hello\n";
    auto m = parse_charger_model("manufacturer_roots: [mfr-root.pem]\n", dir + "/m.yaml");
    ASSERT_TRUE(m) << m.error().message;
    sim::ChargerSpec s;
    sim::apply_model(*m, s);
    ASSERT_EQ(s.manufacturer_roots.size(), 1u);
    EXPECT_EQ(s.manufacturer_roots[0].rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
    auto missing = parse_charger_model("manufacturer_roots: [nowhere.pem]\n", dir + "/m.yaml");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("manufacturer_roots: "), std::string::npos) << missing.error().message;
    auto text = parse_charger_model("manufacturer_roots: [not-pem.txt]\n", dir + "/m.yaml");
    ASSERT_FALSE(text);
    EXPECT_NE(text.error().message.find("holds no PEM certificate"), std::string::npos) << text.error().message;
}

} // namespace

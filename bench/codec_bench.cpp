// Micro benchmarks of the protocol core: what one received message and one sent answer cost.
#include <benchmark/benchmark.h>

#include "ocpp/rpc/frame.hpp"
#include "ocpp/v16/messages.hpp"
#include "ocpp/validation/registry.hpp"

namespace {

const ocpp::validation::Registry& schemas() {
    static const auto r = ocpp::validation::Registry::v16().value();
    return r;
}

const char* kBoot =
    R"([2,"19223201","BootNotification",{"chargePointVendor":"VendorX","chargePointModel":"SingleSocketCharger",)"
    R"("chargePointSerialNumber":"SN-0001234","firmwareVersion":"1.4.2","iccid":"8949000000000000001",)"
    R"("imsi":"262010000000001","meterType":"DZG DVH4013","meterSerialNumber":"MTR-778899"}])";
const char* kStatus = R"([2,"19223202","StatusNotification",{"connectorId":1,"errorCode":"NoError",)"
                      R"("status":"Charging","timestamp":"2026-01-31T12:00:00.123Z"}])";

std::string meter_values_frame() {
    std::string f = R"([2,"19223203","MeterValues",{"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":)"
                    R"("2026-01-31T12:00:00Z","sampledValue":[)";
    for (int i = 0; i < 10; ++i) {
        f += (i ? "," : "");
        f += R"({"value":")" + std::to_string(12345 + i) +
             R"(","context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","unit":"Wh"})";
    }
    return f + "]}]}]";
}

// Parse the frame, validate the payload against its schema, convert it to the struct: what a received CALL costs.
template <class Req> void receive(benchmark::State& state, const std::string& text) {
    const auto* schema = schemas().find(Req::action, ocpp::validation::Direction::Request);
    std::vector<ocpp::validation::Finding> findings;
    for (auto _ : state) {
        ocpp::rpc::Frame frame;
        ocpp::rpc::FrameError error;
        if (!ocpp::rpc::parse_frame(text, frame, error)) {
            state.SkipWithError("frame does not parse");
            return;
        }
        findings.clear();
        if (!schema->validate(*frame.payload, findings)) {
            state.SkipWithError("payload does not validate");
            return;
        }
        Req req;
        ocpp::v16::Decoder d;
        if (!read_value(*frame.payload, req, d)) {
            state.SkipWithError("payload does not convert");
            return;
        }
        benchmark::DoNotOptimize(req);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void BM_Receive_BootNotification(benchmark::State& s) {
    receive<ocpp::v16::BootNotificationReq>(s, kBoot);
}
void BM_Receive_StatusNotification(benchmark::State& s) {
    receive<ocpp::v16::StatusNotificationReq>(s, kStatus);
}
void BM_Receive_MeterValues10(benchmark::State& s) {
    receive<ocpp::v16::MeterValuesReq>(s, meter_values_frame());
}

// Serialise a CALLRESULT from its struct: what answering costs.
void BM_Serialize_BootNotificationConf(benchmark::State& state) {
    ocpp::v16::BootNotificationConf conf{ocpp::DateTime::from_unix_ms(1769860800123), 300,
                                         ocpp::v16::RegistrationStatus::Accepted};
    for (auto _ : state) {
        auto text = ocpp::rpc::serialize_result("19223201", [&](ocpp::rpc::JsonWriter& w) { write_value(w, conf); });
        benchmark::DoNotOptimize(text);
    }
}

void BM_Serialize_StatusNotificationConf(benchmark::State& state) {
    ocpp::v16::StatusNotificationConf conf;
    for (auto _ : state) {
        auto text = ocpp::rpc::serialize_result("19223202", [&](ocpp::rpc::JsonWriter& w) { write_value(w, conf); });
        benchmark::DoNotOptimize(text);
    }
}

// Serialise a MeterValues CALL with 10 sampled values (what a charger sends most).
void BM_Serialize_MeterValues10(benchmark::State& state) {
    ocpp::v16::MeterValuesReq req;
    req.connectorId = 1;
    req.transactionId = 42;
    ocpp::v16::MeterValue mv;
    mv.timestamp = ocpp::DateTime::from_unix_ms(1769860800000);
    for (int i = 0; i < 10; ++i) {
        ocpp::v16::SampledValue v;
        v.value = std::to_string(12345 + i);
        v.context = ocpp::v16::ReadingContext::Sample_Periodic;
        v.measurand = ocpp::v16::Measurand::Energy_Active_Import_Register;
        v.unit = ocpp::v16::UnitOfMeasure::Wh;
        mv.sampledValue.push_back(v);
    }
    req.meterValue.push_back(mv);
    for (auto _ : state) {
        auto text = ocpp::rpc::serialize_call("19223203", "MeterValues",
                                              [&](ocpp::rpc::JsonWriter& w) { write_value(w, req); });
        benchmark::DoNotOptimize(text);
    }
}

// Baseline in the same run: RapidJSON parsing the BootNotification frame alone, nothing else.
void BM_Baseline_ParseOnly_BootNotification(benchmark::State& state) {
    const std::string text = kBoot;
    for (auto _ : state) {
        rapidjson::Document d;
        d.Parse(text.data(), text.size());
        benchmark::DoNotOptimize(d);
    }
}

} // namespace

BENCHMARK(BM_Baseline_ParseOnly_BootNotification);
BENCHMARK(BM_Receive_BootNotification);
BENCHMARK(BM_Receive_StatusNotification);
BENCHMARK(BM_Receive_MeterValues10);
BENCHMARK(BM_Serialize_BootNotificationConf);
BENCHMARK(BM_Serialize_StatusNotificationConf);
BENCHMARK(BM_Serialize_MeterValues10);
BENCHMARK_MAIN();

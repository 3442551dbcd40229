// libFuzzer target: a message as it arrives off the wire goes through framing, schema validation and conversion.
// Any crash, hang, leak or sanitizer report is a bug; found inputs go to fuzz/crashes/ as regression tests.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ocpp/rpc/frame.hpp"
#include "ocpp/v16/messages.hpp"
#include "ocpp/validation/registry.hpp"

namespace {

const ocpp::validation::Registry& schemas() {
    static const auto registry = ocpp::validation::Registry::v16().value();
    return registry;
}

template <class T> void convert(const rapidjson::Value& payload) {
    T out;
    ocpp::v16::Decoder d;
    if (read_value(payload, out, d)) {
        (void)ocpp::v16::to_json_string(out);
    }
}

void dispatch(std::string_view action, bool request, const rapidjson::Value& payload) {
#define OCPPKIT_FUZZ_ACTION(A, cp, cs)                                                                                 \
    if (action == #A) {                                                                                                \
        request ? convert<ocpp::v16::A##Req>(payload) : convert<ocpp::v16::A##Conf>(payload);                          \
        return;                                                                                                        \
    }
    OCPP_V16_FOR_EACH_ACTION(OCPPKIT_FUZZ_ACTION)
#undef OCPPKIT_FUZZ_ACTION
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    ocpp::rpc::Frame frame;
    ocpp::rpc::FrameError error;
    if (!ocpp::rpc::parse_frame(text, frame, error)) {
        return 0;
    }
    // A CALLRESULT carries no action: try it as the answer of the action named by its id, when that is one.
    const std::string_view action = frame.type == ocpp::rpc::MessageType::Call ? frame.action : frame.id;
    const bool request = frame.type == ocpp::rpc::MessageType::Call;
    if (const auto* schema = schemas().find(action, request ? ocpp::validation::Direction::Request
                                                            : ocpp::validation::Direction::Response)) {
        std::vector<ocpp::validation::Finding> findings;
        schema->validate(*frame.payload, findings);
        dispatch(action, request, *frame.payload);
    }
    (void)ocpp::rpc::serialize_error(frame.id, error.code, error.message);
    return 0;
}

// The list of step kinds; each is defined in its own file of this folder.
#include "simulator/scenario/steps/registry.hpp"

#include "simulator/scenario/parser.hpp"

namespace scen {

// Each kind is defined in its file: steps/connect.cpp holds connect and reconnect, steps/rest.cpp rest and expect_rest.
extern const StepKind connect_step;
extern const StepKind reconnect_step;
extern const StepKind disconnect_step;
extern const StepKind send_step;
extern const StepKind expect_step;
extern const StepKind expect_call_step;
extern const StepKind expect_close_step;
extern const StepKind wait_step;
extern const StepKind repeat_step;
extern const StepKind fault_step;
extern const StepKind rest_step;
extern const StepKind expect_rest_step;
extern const StepKind set_step;
extern const StepKind accept_step;
extern const StepKind serve_file_step;
extern const StepKind expect_download_step;
extern const StepKind expect_upload_step;
extern const StepKind fetch_step;
extern const StepKind upload_step;

namespace {

// The registry: one line per kind, in the order the error for an unknown step lists them.
// clang-format off
const StepKind* const kinds[] = {
    &connect_step,
    &reconnect_step,
    &disconnect_step,
    &send_step,
    &expect_step,
    &expect_call_step,
    &expect_close_step,
    &wait_step,
    &repeat_step,
    &fault_step,
    &rest_step,
    &expect_rest_step,
    &set_step,
    &accept_step,
    &serve_file_step,
    &expect_download_step,
    &expect_upload_step,
    &fetch_step,
    &upload_step,
};
// clang-format on

} // namespace

const StepKind* find_step_kind(const std::string& key) {
    for (const StepKind* k : kinds) {
        if (key == k->key) {
            return k;
        }
    }
    return nullptr;
}

std::string step_kind_keys() {
    std::string out;
    for (const StepKind* k : kinds) {
        out += (out.empty() ? "" : ", ") + std::string(k->key);
    }
    return out;
}

void StepSource::allow(std::set<std::string> options) const {
    options.insert(name);
    parser.keys(opts, options, name + " step");
}

const char* kind_name(const Step& step) {
    return step.kind ? step.kind->key : "?";
}

} // namespace scen

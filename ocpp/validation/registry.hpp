#pragma once
// The compiled schemas of every action and direction of one OCPP version, looked up by action name.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/util/embedded.hpp"
#include "ocpp/util/result.hpp"
#include "ocpp/validation/schema.hpp"

namespace ocpp::validation {

enum class Direction { Request, Response };

// How incoming payloads that break their schema are treated.
enum class Mode {
    Strict,   // refuse with the matching CALLERROR
    Tolerant, // process when the payload still converts safely; record each deviation
};

const char* to_string(Mode mode);

class Registry {
public:
    // Compiles schema files named <Action>.req.json / <Action>.conf.json; any broken file is an error naming it.
    static Result<Registry> compile(const std::vector<EmbeddedFile>& files);
    // The OCPP 1.6 schemas embedded in the library.
    static Result<Registry> v16();

    const Schema* find(std::string_view action, Direction direction) const;
    bool knows(std::string_view action) const { return find(action, Direction::Request) != nullptr; }
    std::vector<std::string> actions() const;
    std::size_t size() const { return requests_.size() + responses_.size(); }

private:
    std::map<std::string, Schema, std::less<>> requests_;  // by action
    std::map<std::string, Schema, std::less<>> responses_; // by action
};

} // namespace ocpp::validation

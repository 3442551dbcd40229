#pragma once
// The one rule for a Chargebox ID, shared by every program: 1 to 48 characters of a-z A-Z 0-9 * - _ = : + | @ .
// (the identifierString of OCPP 2.0.1 Part 4, a safe choice for 1.6 too), and neither "." nor "..".
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ocpp {

inline constexpr std::size_t kMaxChargeboxId = 48;

// What is wrong with an ID, as a value: callers choose their status from kind, and show message to people.
struct ChargeboxIdProblem {
    enum class Kind { Empty, TooLong, Character, DotSegment };
    Kind kind = Kind::Empty;
    std::size_t position = 0; // Character: the offending character's position, 1-based, counted in characters
    // Printable ASCII only, whatever the ID held; reads after "<what>: ", e.g. 'character 2 is "/" (...); ...',
    // "4000 characters long; ...", "empty; ...".
    std::string message;
};

// True for the characters the rule allows.
bool chargebox_id_char(char c);

// Why `id` is not a Chargebox ID, or nullopt when it is one.
std::optional<ChargeboxIdProblem> check_chargebox_id(std::string_view id);

// The characters the rule allows, for messages: "a-z A-Z 0-9 * - _ = : + | @ .".
std::string_view chargebox_id_alphabet();

} // namespace ocpp

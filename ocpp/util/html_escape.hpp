#pragma once
// Escaping for the self-contained HTML reports the programs write.
#include <string>

namespace ocpp {

// Text for HTML content and attribute values (quoted with " or '): & < > " ' become character references.
std::string html_escape(const std::string& s);

} // namespace ocpp

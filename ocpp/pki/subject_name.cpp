#include "ocpp/pki/subject_name.hpp"

namespace ocpp::pki {

std::string common_name_of(const std::string& subject) {
    // RFC 2253: attributes separated by unescaped ',' (or '+' within one RDN); '\' escapes the next character.
    std::size_t i = 0;
    while (i < subject.size()) {
        std::string attr, value;
        bool in_value = false;
        for (; i < subject.size(); ++i) {
            const char c = subject[i];
            if (c == '\\' && i + 1 < subject.size()) {
                (in_value ? value : attr) += subject[++i];
                continue;
            }
            if (c == ',' || c == '+') {
                ++i;
                break;
            }
            if (c == '=' && !in_value) {
                in_value = true;
                continue;
            }
            (in_value ? value : attr) += c;
        }
        while (!attr.empty() && attr.front() == ' ') {
            attr.erase(attr.begin());
        }
        if (attr == "CN" || attr == "commonName") {
            return value;
        }
    }
    return {};
}

} // namespace ocpp::pki

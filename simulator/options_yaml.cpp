// The option sources other than the command line: the --config YAML file, the --password-file CSV, --source-ips.
#include <arpa/inet.h>

#include <algorithm>
#include <set>

#include <yaml-cpp/yaml.h>

#include "ocpp/system/small_file.hpp"
#include "ocpp/text/chargebox_id.hpp"
#include "ocpp/text/split.hpp"
#include "simulator/options.hpp"

namespace sim {

namespace {

std::string place(const std::string& file, const YAML::Mark& mark) {
    return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": ";
}

std::optional<std::uint32_t> ipv4(const std::string& text) {
    in_addr addr{};
    if (::inet_pton(AF_INET, text.c_str(), &addr) != 1) {
        return std::nullopt;
    }
    return ntohl(addr.s_addr);
}

std::string ipv4_text(std::uint32_t host_order) {
    in_addr addr{};
    addr.s_addr = htonl(host_order);
    char buf[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &addr, buf, sizeof buf);
    return buf;
}

} // namespace

ocpp::Result<void> apply_yaml(const std::string& text, const std::string& file_name, Options& options,
                              const std::vector<std::string>& skip) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        return ocpp::make_error(place(file_name, e.mark) + e.msg);
    }
    if (!root || root.IsNull()) {
        return {}; // an empty file sets nothing
    }
    if (!root.IsMap()) {
        return ocpp::make_error(place(file_name, root.Mark()) +
                                "expected a mapping of option names to values, e.g. \"chargers: 100\"");
    }
    for (const auto& item : root) {
        const YAML::Node& key = item.first;
        const YAML::Node& value = item.second;
        if (!key.IsScalar()) {
            return ocpp::make_error(place(file_name, key.Mark()) + "expected an option name");
        }
        const std::string name = key.Scalar();
        const OptionDef* def = find_option(name);
        if (!def) {
            const std::string near = closest_option(name);
            return ocpp::make_error(place(file_name, key.Mark()) + "unknown setting \"" + name + "\"" +
                                    (near.empty() ? "" : " (did you mean " + near + "?)"));
        }
        if (name == "config" || name == "help") {
            return ocpp::make_error(place(file_name, key.Mark()) + name + ": not allowed in a config file");
        }
        if (std::find(skip.begin(), skip.end(), name) != skip.end()) {
            continue; // the command line wins
        }
        std::string joined;
        if (value.IsScalar()) {
            joined = value.Scalar();
        } else if (value.IsSequence()) {
            for (const auto& element : value) {
                if (!element.IsScalar()) {
                    return ocpp::make_error(place(file_name, element.Mark()) + name + ": expected a list of values");
                }
                joined += (joined.empty() ? "" : ",") + element.Scalar();
            }
        } else {
            return ocpp::make_error(place(file_name, value.IsNull() ? key.Mark() : value.Mark()) + name +
                                    ": expected a value (" + def->metavar + ")");
        }
        if (auto problem = def->apply(options, joined)) {
            return ocpp::make_error(place(file_name, value.Mark()) + name + ": " + *problem);
        }
    }
    return {};
}

std::optional<std::string> add_models(Options& o, const std::string& value) {
    std::string::size_type start = 0;
    while (start <= value.size()) {
        const auto comma = value.find(',', start);
        const std::string item = std::string(
            ocpp::text::trim(value.substr(start, comma == std::string::npos ? comma : comma - start), " \t"));
        start = comma == std::string::npos ? value.size() + 1 : comma + 1;
        ModelChoice choice;
        choice.file = item;
        if (const auto colon = item.rfind(':'); colon != std::string::npos) {
            const std::string share = item.substr(colon + 1);
            char* end = nullptr;
            choice.share = std::strtod(share.c_str(), &end);
            if (share.empty() || *end != '\0' || !(choice.share > 0) || choice.share > 1e6) {
                return "expected FILE or FILE:SHARE with a share above 0, got " + quoted(item);
            }
            choice.file = item.substr(0, colon);
        }
        if (choice.file.empty()) {
            return "expected FILE or FILE:SHARE, got " + quoted(value);
        }
        if (o.models.size() >= 100) {
            return "at most 100 models";
        }
        o.models.push_back(std::move(choice));
    }
    return std::nullopt;
}

ocpp::Result<void> load_models(Options& o) {
    for (auto& choice : o.models) {
        auto text = ocpp::read_small_file(choice.file);
        if (!text) {
            return ocpp::make_error("--model: " + text.error().message);
        }
        auto model = parse_charger_model(*text, choice.file);
        if (!model) {
            return ocpp::make_error("--model: " + model.error().message);
        }
        choice.model = std::move(*model);
    }
    return {};
}

ocpp::Result<std::map<std::string, std::string>> parse_password_csv(const std::string& text,
                                                                    const std::string& file_name) {
    std::map<std::string, std::string> out;
    std::map<std::string, std::size_t> first_line;
    std::size_t line_no = 0;
    std::string::size_type start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        std::string line = text.substr(start, end - start);
        start = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        const std::string trimmed = std::string(ocpp::text::trim(line, " \t"));
        if (trimmed.empty() || trimmed.front() == '#') {
            continue;
        }
        if (out.empty() && first_line.empty() && (trimmed == "id,password" || trimmed == "id;password")) {
            continue; // a header line
        }
        const std::string where = file_name + ":" + std::to_string(line_no) + ": ";
        const auto comma = line.find(',');
        // The password is not echoed: it is a secret.
        if (comma == std::string::npos) {
            return ocpp::make_error(where + "expected \"id,password\", found no comma");
        }
        const std::string id = std::string(ocpp::text::trim(line.substr(0, comma), " \t"));
        const std::string password = line.substr(comma + 1);
        if (id.empty()) {
            return ocpp::make_error(where + "expected \"id,password\", the id is empty");
        }
        if (auto problem = ocpp::check_chargebox_id(id)) {
            return ocpp::make_error(where + "the id is not a Chargebox ID: " + problem->message);
        }
        if (password.empty()) {
            return ocpp::make_error(where + "expected \"id,password\", the password of " + id + " is empty");
        }
        if (auto seen = first_line.find(id); seen != first_line.end()) {
            return ocpp::make_error(where + id + " appears again (first on line " + std::to_string(seen->second) + ")");
        }
        first_line[id] = line_no;
        out[id] = password;
    }
    if (out.empty()) {
        return ocpp::make_error(file_name + ": no \"id,password\" lines");
    }
    return out;
}

ocpp::Result<std::vector<std::string>> parse_source_ips(const std::string& text) {
    constexpr std::size_t kMaxAddresses = 1024;
    const std::string bad = "expected addresses a,b,c or a range like 127.0.0.1-127.0.0.8, got " + quoted(text);
    std::vector<std::string> out;
    std::set<std::string> seen;
    auto add = [&](std::string ip) -> bool {
        if (!seen.insert(ip).second) {
            return false;
        }
        out.push_back(std::move(ip));
        return true;
    };
    std::string::size_type start = 0;
    while (true) {
        const auto comma = text.find(',', start);
        const std::string item = std::string(ocpp::text::trim(text.substr(start, comma - start), " \t"));
        if (item.empty()) {
            return ocpp::make_error(bad);
        }
        if (const auto dash = item.find('-'); dash != std::string::npos) {
            const auto first = ipv4(std::string(ocpp::text::trim(item.substr(0, dash), " \t")));
            const std::string last_text = std::string(ocpp::text::trim(item.substr(dash + 1), " \t"));
            std::optional<std::uint32_t> last;
            if (last_text.find('.') != std::string::npos) {
                last = ipv4(last_text);
            } else if (first && !last_text.empty() && last_text.size() <= 3 &&
                       std::all_of(last_text.begin(), last_text.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
                       std::stoi(last_text) <= 255) {
                // "127.0.0.1-8": only the last octet of the end address
                last = (*first & 0xFFFFFF00u) | static_cast<std::uint32_t>(std::stoi(last_text));
            }
            if (!first || !last) {
                return ocpp::make_error(bad + " (" + item + " is not an IPv4 range)");
            }
            if (*last < *first) {
                return ocpp::make_error(bad + " (the range " + item + " runs backwards)");
            }
            if (*last - *first >= kMaxAddresses) {
                return ocpp::make_error(bad + " (more than " + std::to_string(kMaxAddresses) + " addresses)");
            }
            for (std::uint32_t a = *first;; ++a) {
                if (!add(ipv4_text(a))) {
                    return ocpp::make_error(bad + " (" + ipv4_text(a) + " is listed twice)");
                }
                if (a == *last) {
                    break;
                }
            }
        } else {
            in6_addr v6{};
            if (!ipv4(item) && ::inet_pton(AF_INET6, item.c_str(), &v6) != 1) {
                return ocpp::make_error(bad + " (" + item + " is not an IP address)");
            }
            if (!add(item)) {
                return ocpp::make_error(bad + " (" + item + " is listed twice)");
            }
        }
        if (out.size() > kMaxAddresses) {
            return ocpp::make_error(bad + " (more than " + std::to_string(kMaxAddresses) + " addresses)");
        }
        if (comma == std::string::npos) {
            return out;
        }
        start = comma + 1;
    }
}

} // namespace sim

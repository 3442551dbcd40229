#include "simulator/charger_model.hpp"

#include <cmath>
#include <set>

#include <yaml-cpp/yaml.h>

#include "ocpp/system/small_file.hpp"

namespace sim {

namespace {

std::string at(const std::string& file, const YAML::Mark& mark) {
    return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": ";
}

// Reads one model file; every method returns the problem with the node, or nothing.
class ModelReader {
public:
    explicit ModelReader(std::string file)
        : file_(std::move(file)) {}

    std::optional<std::string> text(const YAML::Node& n, const std::string& key, std::size_t max,
                                    std::optional<std::string>& out) const {
        if (!n.IsScalar() || n.Scalar().empty() || n.Scalar().size() > max) {
            return fail(n, key, "expected a text of 1 to " + std::to_string(max) + " characters");
        }
        out = n.Scalar();
        return std::nullopt;
    }
    std::optional<std::string> integer(const YAML::Node& n, const std::string& key, long lo, long hi,
                                       std::optional<int>& out) const {
        if (n.IsScalar()) {
            const std::string& s = n.Scalar();
            char* end = nullptr;
            const long v = std::strtol(s.c_str(), &end, 10);
            if (!s.empty() && *end == '\0' && v >= lo && v <= hi) {
                out = static_cast<int>(v);
                return std::nullopt;
            }
        }
        return fail(n, key, "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    std::optional<std::string> number(const YAML::Node& n, const std::string& key, double lo, double hi,
                                      std::optional<double>& out) const {
        if (n.IsScalar()) {
            const std::string& s = n.Scalar();
            char* end = nullptr;
            const double v = std::strtod(s.c_str(), &end);
            if (!s.empty() && *end == '\0' && std::isfinite(v) && v > lo && v <= hi) {
                out = v;
                return std::nullopt;
            }
        }
        std::string range = "above " + std::to_string(static_cast<long>(lo)) + " and at most ";
        return fail(n, key, "expected a number " + range + std::to_string(static_cast<long>(hi)));
    }
    std::optional<std::string> boolean(const YAML::Node& n, const std::string& key, std::optional<bool>& out) const {
        if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) {
            out = n.Scalar() == "true";
            return std::nullopt;
        }
        return fail(n, key, "expected true or false");
    }
    // A YAML list or a comma-separated text.
    std::optional<std::string> list(const YAML::Node& n, const std::string& key, std::vector<std::string>& out) const {
        if (n.IsScalar()) {
            std::string item;
            for (const char c : n.Scalar() + ",") {
                if (c == ',') {
                    if (!item.empty()) {
                        out.push_back(item);
                    }
                    item.clear();
                } else if (c != ' ') {
                    item += c;
                }
            }
            return std::nullopt;
        }
        if (!n.IsSequence()) {
            return fail(n, key, "expected a list");
        }
        for (const auto& e : n) {
            if (!e.IsScalar() || e.Scalar().empty()) {
                return fail(e, key, "expected a list of names");
            }
            out.push_back(e.Scalar());
        }
        return std::nullopt;
    }
    const std::string& file() const { return file_; } // the model file's name as given
    std::optional<std::string> fail(const YAML::Node& n, const std::string& key, const std::string& what) const {
        return at(file_, n.Mark()) + key + ": " + what;
    }
    std::optional<std::string> unknown(const YAML::Node& key, const char* where, const char* allowed) const {
        return at(file_, key.Mark()) + "unknown key \"" + key.Scalar() + "\" in " + where + " (allowed: " + allowed +
               ")";
    }

private:
    std::string file_;
};

std::optional<std::string> read_periodic(const ModelReader& r, const YAML::Node& n, PeriodicDataTransfer& out) {
    if (!n.IsMap()) {
        return r.fail(n, "periodic", "expected a mapping with vendor_id, message_id, data, every_s");
    }
    std::optional<std::string> vendor, message, data;
    std::optional<int> every;
    for (const auto& item : n) {
        const std::string key = item.first.Scalar();
        std::optional<std::string> problem;
        if (key == "vendor_id") {
            problem = r.text(item.second, "periodic.vendor_id", 255, vendor);
        } else if (key == "message_id") {
            problem = r.text(item.second, "periodic.message_id", 50, message);
        } else if (key == "data") {
            problem = r.text(item.second, "periodic.data", 4096, data);
        } else if (key == "every_s") {
            problem = r.integer(item.second, "periodic.every_s", 1, 86400, every);
        } else {
            problem = r.unknown(item.first, "data_transfer.periodic", "vendor_id, message_id, data, every_s");
        }
        if (problem) {
            return problem;
        }
    }
    if (!vendor || !every) {
        return r.fail(n, "periodic", "vendor_id and every_s are required");
    }
    out = PeriodicDataTransfer{*vendor, message.value_or(""), data.value_or(""), std::chrono::seconds(*every)};
    return std::nullopt;
}

std::optional<std::string> read_data_transfer(const ModelReader& r, const YAML::Node& n, ChargerModel& m) {
    if (!n.IsMap()) {
        return r.fail(n, "data_transfer", "expected a mapping with vendors and periodic");
    }
    for (const auto& item : n) {
        const std::string key = item.first.Scalar();
        if (key == "vendors") {
            std::vector<std::string> vendors;
            if (auto problem = r.list(item.second, "data_transfer.vendors", vendors)) {
                return problem;
            }
            m.data_transfer_vendors = std::move(vendors);
        } else if (key == "periodic") {
            PeriodicDataTransfer p;
            if (auto problem = read_periodic(r, item.second, p)) {
                return problem;
            }
            m.periodic_data_transfer = std::move(p);
        } else {
            return r.unknown(item.first, "data_transfer", "vendors, periodic");
        }
    }
    return std::nullopt;
}

std::optional<std::string> read_config(const ModelReader& r, const YAML::Node& n, ChargerModel& m) {
    if (!n.IsMap()) {
        return r.fail(n, "config", "expected a mapping of configuration keys to values");
    }
    ConfigStore probe(1, 300, 60, FeatureProfiles{}.csv()); // every profile on: knows every key and its kind
    for (const auto& item : n) {
        const std::string key = item.first.Scalar();
        if (!item.second.IsScalar()) {
            return r.fail(item.second, "config." + key, "expected a value");
        }
        if (key == "NumberOfConnectors" || key == "SupportedFeatureProfiles") {
            return r.fail(item.first, "config." + key, "set by connectors/profiles, not here");
        }
        if (auto problem = probe.override_value(key, item.second.Scalar())) {
            return r.fail(item.first, "config." + key, *problem);
        }
        m.config.emplace_back(key, item.second.Scalar());
    }
    return std::nullopt;
}

std::optional<std::string> read_profiles(const ModelReader& r, const YAML::Node& v, ChargerModel& m) {
    std::vector<std::string> names;
    if (auto problem = r.list(v, "profiles", names)) {
        return problem;
    }
    std::string csv;
    for (const auto& name : names) {
        csv += (csv.empty() ? "" : ",") + name;
    }
    auto parsed = FeatureProfiles::parse(csv);
    if (!parsed) {
        return r.fail(v, "profiles", parsed.error().message);
    }
    m.profiles = *parsed;
    return std::nullopt;
}

// faulted_connectors: connectors Faulted from the start, as a list ([2]: OtherError) or a mapping to the errorCode
// ({2: GroundFailure}).
std::optional<std::string> read_faulted(const ModelReader& r, const YAML::Node& v, ChargerModel& m) {
    std::vector<std::pair<int, ocpp::v16::ChargePointErrorCode>> out;
    auto add = [&](const YAML::Node& c, const YAML::Node* code) -> std::optional<std::string> {
        std::optional<int> n;
        if (auto problem = r.integer(c, "faulted_connectors", 1, 100, n)) {
            return problem;
        }
        auto e = ocpp::v16::ChargePointErrorCode::OtherError;
        if (code && (!code->IsScalar() || !ocpp::v16::from_string(code->Scalar(), e) ||
                     e == ocpp::v16::ChargePointErrorCode::NoError)) {
            return r.fail(*code, "faulted_connectors", "expected an OCPP 1.6 ChargePointErrorCode other than NoError");
        }
        out.emplace_back(*n, e);
        return std::nullopt;
    };
    if (!v.IsSequence() && !v.IsMap()) {
        return r.fail(v, "faulted_connectors", "expected a list of connectors or a mapping to their errorCode");
    }
    for (const auto& item : v) {
        auto problem = v.IsMap() ? add(item.first, &item.second) : add(item, nullptr);
        if (problem) {
            return problem;
        }
    }
    m.faulted_connectors = std::move(out);
    return std::nullopt;
}

// manufacturer_roots: PEM certificate files (relative to the model file), at most kMaxRoots of up to 64 KiB each.
std::optional<std::string> read_manufacturer_roots(const ModelReader& r, const YAML::Node& v, ChargerModel& m) {
    constexpr std::size_t kMaxRoots = 16;
    std::vector<std::string> files;
    if (auto problem = r.list(v, "manufacturer_roots", files)) {
        return problem;
    }
    if (files.size() > kMaxRoots) {
        return r.fail(v, "manufacturer_roots", "at most " + std::to_string(kMaxRoots) + " files");
    }
    const std::string dir =
        r.file().find('/') == std::string::npos ? std::string() : r.file().substr(0, r.file().rfind('/') + 1);
    std::vector<std::string> pems;
    for (const auto& file : files) {
        const std::string path = file.empty() || file.front() == '/' ? file : dir + file;
        auto text = ocpp::read_small_file(path, 64 * 1024);
        if (!text) {
            return r.fail(v, "manufacturer_roots", text.error().message);
        }
        if (text->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
            return r.fail(v, "manufacturer_roots", path + " holds no PEM certificate");
        }
        pems.push_back(std::move(*text));
    }
    m.manufacturer_roots = std::move(pems);
    return std::nullopt;
}

// A name from a fixed list, e.g. key_type: ec-p256.
template <class T, std::size_t N>
std::optional<std::string> choice(const ModelReader& r, const YAML::Node& n, const std::string& key,
                                  const std::pair<const char*, T> (&names)[N], std::optional<T>& out) {
    std::string allowed;
    for (const auto& [name, value] : names) {
        if (n.IsScalar() && n.Scalar() == name) {
            out = value;
            return std::nullopt;
        }
        allowed += (allowed.empty() ? "" : ", ") + std::string(name);
    }
    return r.fail(n, key, "expected one of " + allowed);
}

using KeyType = ocpp::pki::KeyType;
constexpr std::pair<const char*, KeyType> kKeyTypes[] = {
    {"ec-p256", KeyType::EcP256},   {"ec-p384", KeyType::EcP384},   {"rsa-2048", KeyType::Rsa2048},
    {"rsa-3072", KeyType::Rsa3072}, {"rsa-4096", KeyType::Rsa4096},
};
constexpr std::pair<const char*, AuthorizationKeyReading> kReadings[] = {
    {"whitepaper", AuthorizationKeyReading::Whitepaper},
    {"hex", AuthorizationKeyReading::Hex},
    {"decoded", AuthorizationKeyReading::Decoded},
};

// The keys of a model file and how each is read; the "allowed" list of an unknown key comes from here.
using ReadField = std::optional<std::string> (*)(const ModelReader&, const YAML::Node&, ChargerModel&);
struct Field {
    const char* key;
    ReadField read;
};
using R = const ModelReader&;
using N = const YAML::Node&;
using M = ChargerModel&;
constexpr Field kFields[] = {
    // vendor and model are CiString20 in BootNotification, firmwareVersion CiString50.
    {"vendor", [](R r, N v, M m) { return r.text(v, "vendor", 20, m.vendor); }},
    {"model", [](R r, N v, M m) { return r.text(v, "model", 20, m.model); }},
    {"firmware_version", [](R r, N v, M m) { return r.text(v, "firmware_version", 50, m.firmware_version); }},
    {"connectors", [](R r, N v, M m) { return r.integer(v, "connectors", 1, 100, m.connectors); }},
    {"power_kw", [](R r, N v, M m) { return r.number(v, "power_kw", 0, 1000, m.power_kw); }},
    {"voltage", [](R r, N v, M m) { return r.number(v, "voltage", 0, 1000, m.voltage); }},
    {"phases", [](R r, N v, M m) { return r.integer(v, "phases", 1, 3, m.phases); }},
    {"profiles", read_profiles},
    {"config", read_config},
    {"install_firmware_in_session",
     [](R r, N v, M m) { return r.boolean(v, "install_firmware_in_session", m.install_firmware_in_session); }},
    {"diagnostics_http_put",
     [](R r, N v, M m) { return r.boolean(v, "diagnostics_http_put", m.diagnostics_http_put); }},
    {"data_transfer", read_data_transfer},
    {"faulted_connectors", read_faulted},
    {"manufacturer_roots", read_manufacturer_roots},
    {"security", [](R r, N v, M m) { return r.boolean(v, "security", m.security); }},
    {"security_profile", [](R r, N v, M m) { return r.integer(v, "security_profile", 0, 3, m.security_profile); }},
    // CpoName goes into the O of a CSR: an X.509 organizationName has at most 64 characters.
    {"cpo_name", [](R r, N v, M m) { return r.text(v, "cpo_name", 64, m.cpo_name); }},
    {"key_type", [](R r, N v, M m) { return choice(r, v, "key_type", kKeyTypes, m.key_type); }},
    {"authorization_key_reading",
     [](R r, N v, M m) { return choice(r, v, "authorization_key_reading", kReadings, m.authorization_key_reading); }},
    {"certificate_store_max",
     [](R r, N v, M m) { return r.integer(v, "certificate_store_max", 1, 100, m.certificate_store_max); }},
};

std::string allowed_keys() {
    std::string out;
    for (const auto& f : kFields) {
        out += (out.empty() ? "" : ", ") + std::string(f.key);
    }
    return out;
}

} // namespace

ocpp::Result<ChargerModel> parse_charger_model(const std::string& text, const std::string& file_name) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        return ocpp::make_error(at(file_name, e.mark) + e.msg);
    }
    if (!root || !root.IsMap()) {
        return ocpp::make_error(file_name + ": expected a mapping such as \"vendor: ACME\" (see models/)");
    }
    ModelReader r(file_name);
    ChargerModel m;
    std::set<std::string> seen;
    for (const auto& item : root) {
        const YAML::Node& key_node = item.first;
        const std::string key = key_node.IsScalar() ? key_node.Scalar() : std::string();
        if (!seen.insert(key).second) {
            return ocpp::make_error(at(file_name, key_node.Mark()) + key + ": given twice");
        }
        const Field* field = nullptr;
        for (const auto& f : kFields) {
            if (key == f.key) {
                field = &f;
            }
        }
        auto problem = field ? field->read(r, item.second, m) : r.unknown(key_node, "model", allowed_keys().c_str());
        if (problem) {
            return ocpp::make_error(*problem);
        }
    }
    for (const auto& [c, code] : m.faulted_connectors.value_or(decltype(m.faulted_connectors)::value_type{})) {
        if (c > m.connectors.value_or(100)) {
            return ocpp::make_error(file_name + ": faulted_connectors: connector " + std::to_string(c) +
                                    " is beyond the model's " + std::to_string(*m.connectors) + " connectors");
        }
    }
    return m;
}

void apply_model(const ChargerModel& m, ChargerSpec& s) {
    s.vendor = m.vendor.value_or(s.vendor);
    s.model = m.model.value_or(s.model);
    s.firmware_version = m.firmware_version.value_or(s.firmware_version);
    s.connectors = m.connectors.value_or(s.connectors);
    s.power_kw = m.power_kw.value_or(s.power_kw);
    s.voltage = m.voltage.value_or(s.voltage);
    s.phases = m.phases.value_or(s.phases);
    s.profiles = m.profiles.value_or(s.profiles);
    s.install_firmware_in_session = m.install_firmware_in_session.value_or(s.install_firmware_in_session);
    s.diagnostics_http_put = m.diagnostics_http_put.value_or(s.diagnostics_http_put);
    s.manufacturer_roots = m.manufacturer_roots.value_or(s.manufacturer_roots);
    s.data_transfer_vendors = m.data_transfer_vendors.value_or(s.data_transfer_vendors);
    s.faulted_connectors = m.faulted_connectors.value_or(s.faulted_connectors);
    if (m.periodic_data_transfer) {
        s.periodic_data_transfer = m.periodic_data_transfer;
    }
    s.config_overrides = m.config;
    if (m.security) {
        s.profiles.security = *m.security;
    }
    if (m.security_profile) {
        s.security_profile = m.security_profile;
    }
    s.cpo_name = m.cpo_name.value_or(s.cpo_name);
    s.key_type = m.key_type.value_or(s.key_type);
    s.authorization_key_reading = m.authorization_key_reading.value_or(s.authorization_key_reading);
    s.certificate_store_max = m.certificate_store_max.value_or(s.certificate_store_max);
}

std::size_t model_for(const std::vector<ModelChoice>& models, std::uint64_t index, std::uint64_t total) {
    double sum = 0;
    for (const auto& c : models) {
        sum += c.share;
    }
    if (models.empty() || total == 0 || sum <= 0) {
        return 0;
    }
    // The charger's position in the fleet, 0..1, against the running share of the models.
    const double position = (static_cast<double>(index) - 0.5) / static_cast<double>(total);
    double running = 0;
    for (std::size_t i = 0; i < models.size(); ++i) {
        running += models[i].share / sum;
        if (position < running) {
            return i;
        }
    }
    return models.size() - 1;
}

} // namespace sim

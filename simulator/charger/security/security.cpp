// The security whitepaper's connection side of a simulated charger: the SecurityProfile and AuthorizationKey
// configuration keys, the reconnect with new credentials or a higher profile, the fall back to the previous settings
// when the new ones do not get in, and the security events of failed connections. The certificates are in
// certificates.cpp.
#include "ocpp/pki/authorization_key.hpp"
#include "simulator/charger/call.hpp"
#include "simulator/charger/charger.hpp"
#include "simulator/charger/security/security_state.hpp"

namespace sim {

using namespace ocpp::v16;

namespace {

// Long enough for the ChangeConfiguration answer and the security event to go out before the connection closes.
constexpr auto kCloseAfterChange = std::chrono::milliseconds(300);
// Failed attempts with new settings (of any kind) before the charger goes back to the previous ones; a refusal by
// the server (HTTP 401, a TLS failure) makes it go back at once.
constexpr int kAttemptsBeforeFallback = 3;

bool is_secure(const std::string& url) {
    return url.rfind("wss://", 0) == 0;
}

int initial_profile(const ChargerSpec& spec) {
    if (spec.security_profile) {
        return *spec.security_profile;
    }
    if (is_secure(spec.url)) {
        return spec.client_certificate ? 3 : 2;
    }
    return spec.password ? 1 : 0;
}

} // namespace

void add_security_keys(ConfigStore& config, const ChargerSpec& spec) {
    using K = ConfigStore::Kind;
    config.add({"AdditionalRootCertificateCheck", "false", true, K::Bool});
    config.add({"AuthorizationKey", "", false, K::Text, true});
    config.add({"CertificateSignedMaxChainSize", "10000", true, K::Int});
    config.add({"CertificateStoreMaxLength", std::to_string(spec.certificate_store_max), true, K::Int});
    config.add({"CpoName", spec.cpo_name, false, K::Text});
    config.add({"SecurityProfile", std::to_string(initial_profile(spec)), false, K::Int});
}

std::string basic_password(const std::string& key, AuthorizationKeyReading reading) {
    switch (reading) {
    case AuthorizationKeyReading::Hex:
        return key;
    case AuthorizationKeyReading::Decoded:
        return ocpp::pki::decode_hex(key).value_or(key);
    case AuthorizationKeyReading::Whitepaper:
        break;
    }
    const auto readings = ocpp::pki::basic_passwords_for_key(key);
    return readings.empty() ? key : readings.front();
}

SecurityState& Charger::security_state() {
    if (!security_) {
        security_ = std::make_unique<SecurityState>();
        security_->plain_url = spec_.url;
    }
    return *security_;
}

int Charger::security_profile() const {
    return config_.int_value("SecurityProfile", initial_profile(spec_));
}

void Charger::register_security() {
    register_certificates();
}

std::optional<ConfigurationStatus> Charger::change_security_key(const std::string& key, const std::string& value) {
    if (!spec_.profiles.security || (key != "AuthorizationKey" && key != "SecurityProfile")) {
        return std::nullopt;
    }
    const int current = security_profile();
    auto& st = security_state();
    if (key == "AuthorizationKey") {
        if (ocpp::pki::authorization_key_problem(value)) {
            return ConfigurationStatus::Rejected;
        }
        st.authorization_key = value;
        security_event("ReconfigurationOfSecurityParameters", "AuthorizationKey changed");
        if (current == 1 || current == 2) {
            switch_settings(settings_for(current)); // the same profile with the new password
        }
        return ConfigurationStatus::Accepted;
    }
    char* end = nullptr;
    const long wanted = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || wanted < 0 || wanted > 3 || wanted < current) {
        return ConfigurationStatus::Rejected; // a profile only goes up
    }
    if (wanted == current) {
        return ConfigurationStatus::Accepted;
    }
    ConnectionSettings next = settings_for(static_cast<int>(wanted));
    const bool has_password = next.password.has_value();
    const bool has_root = !installed_certificates(CertificateUse::CentralSystemRootCertificate).empty();
    if ((wanted == 1 && !has_password) || (wanted >= 2 && !has_root) ||
        (wanted == 3 && !valid_charge_point_certificate())) {
        return ConfigurationStatus::Rejected;
    }
    security_event("ReconfigurationOfSecurityParameters",
                   "SecurityProfile " + std::to_string(current) + " -> " + std::to_string(wanted));
    switch_settings(std::move(next));
    return ConfigurationStatus::Accepted;
}

ConnectionSettings Charger::settings_for(int profile) {
    auto& st = security_state();
    ConnectionSettings s;
    s.profile = profile;
    if (profile <= 1) {
        s.url = st.plain_url;
    } else if (!spec_.secure_url.empty()) {
        s.url = spec_.secure_url;
    } else if (st.plain_url.rfind("ws://", 0) == 0) {
        s.url = "wss://" + st.plain_url.substr(5);
    } else {
        s.url = st.plain_url;
    }
    if (profile == 1 || profile == 2) {
        s.password =
            st.authorization_key.empty()
                ? spec_.password
                : std::optional<std::string>(basic_password(st.authorization_key, spec_.authorization_key_reading));
    }
    if (profile >= 2) {
        s.tls = connection_tls(profile);
    }
    return s;
}

std::shared_ptr<const ocpp::net::ConnectTls> Charger::connection_tls(int profile) const {
    auto roots = installed_certificates(CertificateUse::CentralSystemRootCertificate);
    if (roots.empty()) {
        return nullptr; // the trust anchors (and client certificate) of the command line
    }
    auto tls = std::make_shared<ocpp::net::ConnectTls>();
    tls->trusted_roots_pem = std::move(roots);
    if (profile == 3 && security_ && !security_->client_chain_pem.empty()) {
        tls->certificate_chain_pem = security_->client_chain_pem;
        tls->private_key_pem = security_->client_key_pem;
    }
    return tls;
}

void Charger::refresh_connection_tls() {
    const int profile = security_profile();
    if (profile >= 2) {
        if (auto tls = connection_tls(profile)) {
            spec_.tls = std::move(tls);
        }
    }
}

void Charger::apply_settings(const ConnectionSettings& s) {
    spec_.url = s.url;
    spec_.password = s.password;
    spec_.tls = s.tls;
    config_.store("SecurityProfile", std::to_string(s.profile));
}

void Charger::switch_settings(ConnectionSettings next) {
    auto& st = security_state();
    if (!st.fallback) {
        // The settings that got in last; a second change before the first got in keeps falling back to these.
        st.fallback = ConnectionSettings{security_profile(), spec_.url, spec_.password, spec_.tls};
    }
    st.failures_with_new = 0;
    apply_settings(next);
    if (!st.reconnect) {
        st.reconnect = env_.executor.make_timer();
    }
    std::weak_ptr<Charger> weak = weak_from_this();
    st.reconnect->start(kCloseAfterChange, [weak] {
        auto self = weak.lock();
        if (self && self->peer_ && self->peer_->is_open()) {
            self->closing_ = true;
            self->peer_->close(1000, "security settings changed");
        }
    });
}

void Charger::security_connect_failed(const ocpp::net::ConnectError& error) {
    if (!spec_.profiles.security) {
        return;
    }
    using Kind = ocpp::net::ConnectError::Kind;
    const bool unauthorized = error.kind == Kind::HttpStatus && error.http_status == 401;
    if (unauthorized) {
        security_event("FailedToAuthenticateAtCentralSystem", error.message);
    }
    if (error.kind == Kind::Tls && error.server_untrusted) {
        security_event("InvalidCentralSystemCertificate", error.message);
    }
    if (!security_ || !security_->fallback) {
        return;
    }
    auto& st = *security_;
    ++st.failures_with_new;
    if (unauthorized || error.kind == Kind::Tls || st.failures_with_new >= kAttemptsBeforeFallback) {
        env_.log.info(spec_.id, "new security settings did not get in (" + error.message +
                                    "); back to security profile " + std::to_string(st.fallback->profile));
        apply_settings(*st.fallback);
        st.fallback.reset();
        st.failures_with_new = 0;
    }
}

void Charger::security_connected() {
    if (security_ && security_->fallback) {
        security_->fallback.reset(); // the new settings got in: they are the ones to keep
        security_->failures_with_new = 0;
    }
}

} // namespace sim

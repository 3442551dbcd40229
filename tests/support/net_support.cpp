#include "tests/support/net_support.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <stdexcept>

#include <gtest/gtest.h>

namespace ocppkit::test {

LogCapture::LogCapture()
    : logger_(ocpp::LogLevel::Debug, [this](ocpp::LogLevel level, std::string_view component,
                                            std::string_view message) {
        std::lock_guard lock(mutex_);
        lines_.push_back(std::string(to_string(level)) + " " + std::string(component) + ": " + std::string(message));
    }) {}

bool LogCapture::contains(const std::string& needle) const {
    std::lock_guard lock(mutex_);
    for (const auto& line : lines_) {
        if (line.find(needle) != std::string::npos) {
            return true;
        }
    }
    return false;
}

std::string LogCapture::all() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& line : lines_) {
        out += line + "\n";
    }
    return out;
}

namespace {

class PkiHolder : public ::testing::Environment {
public:
    static PkiHolder& instance() {
        static PkiHolder* holder = [] {
            auto* h = new PkiHolder;
            ::testing::AddGlobalTestEnvironment(h); // gtest owns it; TearDown removes the directory
            return h;
        }();
        return *holder;
    }
    void TearDown() override {
        if (pki_ && !pki_->dir.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(pki_->dir, ec);
        }
    }
    std::optional<TestPki> pki_;
    std::string error_;
    bool tried_ = false;
};

// Registered at start-up so that the temp directory is removed when the tests end.
[[maybe_unused]] PkiHolder& register_holder = PkiHolder::instance();

bool run(const std::string& command, const std::string& dir, std::string& error) {
    const std::string full = "cd '" + dir + "' && " + command + " >>openssl.log 2>&1";
    if (std::system(full.c_str()) != 0) {
        error = "command failed: " + command;
        return false;
    }
    return true;
}

bool write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    return static_cast<bool>(out);
}

bool make_pki(TestPki& pki, std::string& error) {
    char templ[] = "/tmp/ocppkit-net-pki-XXXXXX";
    if (::mkdtemp(templ) == nullptr) {
        error = "mkdtemp failed";
        return false;
    }
    pki.dir = templ;
    const std::string& d = pki.dir;
    write_file(d + "/server.ext", "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                                  "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n");
    write_file(d + "/wrong.ext", "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                 "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:example.invalid\n");
    write_file(d + "/client.ext", "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                  "extendedKeyUsage=clientAuth\n");
    const std::string ec_key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    const std::string ca_ext =
        "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign";
    auto make_ca = [&](const std::string& name, const std::string& cn) {
        return run("openssl req -x509 " + ec_key + " -keyout " + name + ".key -out " + name +
                       ".pem -days 2 -subj '/CN=" + cn + "' " + ca_ext,
                   d, error);
    };
    auto make_leaf = [&](const std::string& name, const std::string& key_opts, const std::string& subject,
                         const std::string& ca, const std::string& ext) {
        return run("openssl req " + key_opts + " -keyout " + name + ".key -out " + name + ".csr -subj '" + subject +
                       "'",
                   d, error) &&
               run("openssl x509 -req -in " + name + ".csr -CA " + ca + ".pem -CAkey " + ca +
                       ".key -CAcreateserial -out " + name + ".pem -days 2 -extfile " + ext,
                   d, error);
    };
    if (!make_ca("ca", "ocppkit test CA") || !make_ca("other_ca", "ocppkit other CA") ||
        !make_leaf("server_rsa", "-newkey rsa:2048 -nodes", "/CN=localhost", "ca", "server.ext") ||
        !make_leaf("server_ec", ec_key, "/CN=localhost", "ca", "server.ext") ||
        !make_leaf("server_wrong", ec_key, "/CN=example.invalid", "ca", "wrong.ext") ||
        !make_leaf("client", ec_key, "/O=ocppkit test/CN=CB-0001", "ca", "client.ext") ||
        !make_leaf("other_client", ec_key, "/CN=CB-0001", "other_ca", "client.ext")) {
        return false;
    }
    pki.ca_cert = d + "/ca.pem";
    pki.server_rsa_cert = d + "/server_rsa.pem";
    pki.server_rsa_key = d + "/server_rsa.key";
    pki.server_ec_cert = d + "/server_ec.pem";
    pki.server_ec_key = d + "/server_ec.key";
    pki.server_wrong_name_cert = d + "/server_wrong.pem";
    pki.server_wrong_name_key = d + "/server_wrong.key";
    pki.client_cert = d + "/client.pem";
    pki.client_key = d + "/client.key";
    pki.other_ca_cert = d + "/other_ca.pem";
    pki.other_client_cert = d + "/other_client.pem";
    pki.other_client_key = d + "/other_client.key";
    return true;
}

} // namespace

const TestPki* TestPki::get(std::string* error) {
    auto& holder = PkiHolder::instance();
    if (!holder.tried_) {
        holder.tried_ = true;
        TestPki pki;
        if (make_pki(pki, holder.error_)) {
            holder.pki_ = std::move(pki);
        } else if (!pki.dir.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(pki.dir, ec);
        }
    }
    if (error != nullptr) {
        *error = holder.error_;
    }
    return holder.pki_ ? &*holder.pki_ : nullptr;
}

Connected connect_sync(LoopThread& lt, ocpp::net::Client& client, const ocpp::net::ConnectOptions& options) {
    auto promise = std::make_shared<std::promise<Connected>>();
    auto future = promise->get_future();
    lt.call([&] {
        client.connect(options, [promise](ocpp::net::SessionPtr session, std::optional<ocpp::net::ConnectError> error) {
            promise->set_value(Connected{std::move(session), std::move(error)});
        });
        return 0;
    });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
        throw std::runtime_error("connect did not complete");
    }
    return future.get();
}

} // namespace ocppkit::test

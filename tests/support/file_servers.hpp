#pragma once
// Real file servers for the transfer, firmware and diagnostics tests, each on 127.0.0.1 over a temporary directory
// of its own (removed with the object), started as a child process and stopped by its PID:
// python3 -m http.server (downloads), upload_server.py (HTTP PUT and multipart POST, slow answers under /slow/) and
// python3 -m pyftpdlib (FTP with one writable user).
#include <cstdint>
#include <memory>
#include <string>

#include "tests/support/child_process.hpp"

namespace ocppkit::test {

// A fresh temporary directory, removed recursively with the object.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    // Writes `content` to path()/name (creating folders); returns the full path.
    std::string write(const std::string& name, const std::string& content) const;
    // The content of path()/name, empty when absent.
    std::string read(const std::string& name) const;
    bool exists(const std::string& name) const;

private:
    std::string path_;
};

// One server process; start() waits until it accepts connections.
class FileServer {
public:
    enum class Kind { HttpDownload, HttpUpload, Ftp };
    // slow_seconds: how long the upload server stalls paths under /slow/.
    explicit FileServer(Kind kind, double slow_seconds = 10);
    ~FileServer();
    FileServer(const FileServer&) = delete;
    FileServer& operator=(const FileServer&) = delete;

    // The upload server speaks HTTPS with this certificate and key (call before start()).
    void use_tls(std::string cert, std::string key) {
        cert_ = std::move(cert);
        key_ = std::move(key);
    }
    // Starts the server; false with the reason in `error` when it does not come up within 10 s.
    bool start(std::string& error);
    std::uint16_t port() const { return port_; }
    const TempDir& dir() const { return dir_; }
    // "http://127.0.0.1:PORT/path" ("https://" with TLS), or "ftp://USER:PASSWORD@127.0.0.1:PORT/path" for FTP.
    std::string url(const std::string& path) const;
    static constexpr const char* kFtpUser = "charger";
    static constexpr const char* kFtpPassword = "s3cret-pw";

private:
    Kind kind_;
    double slow_;
    TempDir dir_;
    std::uint16_t port_ = 0;
    std::string cert_, key_;
    std::unique_ptr<ChildProcess> process_;
};

// The Python interpreter with the Debian packages (pyftpdlib): /usr/bin/python3.
std::string system_python();

} // namespace ocppkit::test

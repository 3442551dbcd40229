#include "tests/support/file_servers.hpp"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "tests/support/http_client.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/wait.hpp"

namespace ocppkit::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "ocppkit-files-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) {
        path_ = tmpl;
    }
}

TempDir::~TempDir() {
    std::error_code ec;
    if (!path_.empty()) {
        fs::remove_all(path_, ec);
    }
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
    const fs::path p = fs::path(path_) / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
}

std::string TempDir::read(const std::string& name) const {
    return file_text((fs::path(path_) / name).string());
}

bool TempDir::exists(const std::string& name) const {
    return fs::exists(fs::path(path_) / name);
}

std::string system_python() {
    return fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

FileServer::FileServer(Kind kind, double slow_seconds)
    : kind_(kind)
    , slow_(slow_seconds) {}

FileServer::~FileServer() {
    if (process_) {
        process_->stop(std::chrono::seconds(2));
    }
}

bool FileServer::start(std::string& error) {
    const std::string py = system_python();
    std::vector<std::string> argv{py};
    if (kind_ == Kind::HttpUpload) {
        argv.insert(argv.end(), {"-u", std::string(ocppkit::test::source_dir()) + "/tests/support/upload_server.py",
                                 dir_.path(), "0", std::to_string(slow_)});
        if (!cert_.empty()) {
            argv.insert(argv.end(), {cert_, key_});
        }
    } else {
        port_ = free_port();
        if (kind_ == Kind::HttpDownload) {
            argv.insert(argv.end(), {"-m", "http.server", "--bind", "127.0.0.1", "--directory", dir_.path(),
                                     std::to_string(port_)});
        } else {
            argv.insert(argv.end(), {"-m", "pyftpdlib", "-i", "127.0.0.1", "-p", std::to_string(port_), "-d",
                                     dir_.path(), "-w", "-u", kFtpUser, "-P", kFtpPassword});
        }
    }
    process_ = ChildProcess::spawn(argv, error);
    if (!process_) {
        return false;
    }
    if (kind_ == Kind::HttpUpload) {
        const auto line = process_->wait_for_line("listening ", std::chrono::seconds(10));
        if (!line) {
            error = "upload server did not start: " + process_->stderr_text();
            return false;
        }
        port_ = static_cast<std::uint16_t>(std::stoi(line->substr(10)));
        return true;
    }
    if (!wait_until([this] { return accepts_tcp(port_); }, std::chrono::seconds(10))) {
        error = "server on port " + std::to_string(port_) + " did not start: " + process_->stderr_text();
        return false;
    }
    return true;
}

std::string FileServer::url(const std::string& path) const {
    const std::string p = path.empty() || path[0] != '/' ? "/" + path : path;
    if (kind_ == Kind::Ftp) {
        return std::string("ftp://") + kFtpUser + ":" + kFtpPassword + "@127.0.0.1:" + std::to_string(port_) + p;
    }
    return std::string(cert_.empty() ? "http" : "https") + "://127.0.0.1:" + std::to_string(port_) + p;
}

} // namespace ocppkit::test

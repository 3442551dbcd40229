#include "ocpp/system/small_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ocpp {

namespace {

std::string quoted(const std::string& path) {
    std::string out = "\"";
    for (char c : path) {
        const auto b = static_cast<unsigned char>(c);
        out += b < 0x20 || b == 0x7F ? '?' : c;
    }
    return out + "\"";
}

FileProblem from_errno(const std::string& path, int err) {
    const auto kind = err == ENOENT || err == ENOTDIR ? FileProblem::Kind::Missing : FileProblem::Kind::Unreadable;
    return FileProblem{kind, "cannot read " + quoted(path) + ": " + std::strerror(err)};
}

std::optional<FileProblem> stat_problem(const std::string& path, const struct stat& st) {
    if (S_ISDIR(st.st_mode)) {
        return FileProblem{FileProblem::Kind::Directory, quoted(path) + " is a directory, not a file"};
    }
    return std::nullopt;
}

} // namespace

std::optional<FileProblem> file_problem(const std::string& path) {
    if (path.empty()) {
        return FileProblem{FileProblem::Kind::Missing, "expected a file name, got \"\""};
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return from_errno(path, errno);
    }
    if (auto p = stat_problem(path, st)) {
        return p;
    }
    if (::access(path.c_str(), R_OK) != 0) {
        return from_errno(path, errno);
    }
    return std::nullopt;
}

Result<std::string> read_small_file(const std::string& path, std::size_t max_bytes) {
    if (path.empty()) {
        return make_error("expected a file name, got \"\"");
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return make_error(from_errno(path, errno).message);
    }
    struct stat st {};
    std::optional<FileProblem> problem;
    if (::fstat(fd, &st) != 0) {
        problem = from_errno(path, errno);
    } else {
        problem = stat_problem(path, st);
    }
    if (!problem && static_cast<std::size_t>(st.st_size) > max_bytes) {
        problem = FileProblem{FileProblem::Kind::TooLarge,
                              quoted(path) + " is larger than " + std::to_string(max_bytes) + " bytes"};
    }
    std::string text;
    char buf[65536];
    while (!problem) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            problem = from_errno(path, errno);
        } else if (n == 0) {
            break;
        } else if (text.size() + static_cast<std::size_t>(n) > max_bytes) {
            problem = FileProblem{FileProblem::Kind::TooLarge,
                                  quoted(path) + " is larger than " + std::to_string(max_bytes) + " bytes"};
        } else {
            text.append(buf, static_cast<std::size_t>(n));
        }
    }
    ::close(fd);
    if (problem) {
        return make_error(problem->message);
    }
    return text;
}

} // namespace ocpp

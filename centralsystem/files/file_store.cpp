// The central system's file store (file_store.hpp): plain files in one directory, written whole to a temporary name
// and renamed, so that a reader never sees half a file; bounded by count and bytes, oldest first out.
#include "centralsystem/files/file_store.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

namespace cs {

namespace fs = std::filesystem;

namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string hex(const unsigned char* bytes, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += kHex[bytes[i] >> 4];
        out += kHex[bytes[i] & 15];
    }
    return out;
}

std::string sha256_hex(std::string_view content) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(content.data(), content.size(), digest, &len, EVP_sha256(), nullptr);
    return hex(digest, len);
}

bool safe_name(const std::string& name) {
    return !name.empty() && name.size() <= 128 && name[0] != '.' && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-';
    });
}

} // namespace

std::string random_token() {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
        return ""; // callers refuse an empty token
    }
    return hex(bytes, sizeof bytes);
}

ocpp::Result<void> FileStore::open() const {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec || !fs::is_directory(dir_)) {
        return ocpp::make_error("cannot create the file store " + dir_ + ": " + ec.message());
    }
    return {};
}

FileShare FileStore::share_of(const std::string& name) const {
    FileShare rest{"", max_files_, max_bytes_};
    for (const auto& share : shares_) {
        if (name.rfind(share.prefix, 0) == 0) {
            return share;
        }
        rest.max_files -= std::min(rest.max_files, share.max_files);
        rest.max_bytes -= std::min(rest.max_bytes, share.max_bytes);
    }
    return rest;
}

ocpp::Result<StoredFile> FileStore::put(const std::string& name, std::string_view content,
                                        const std::vector<std::string>& in_use) {
    if (!safe_name(name)) {
        return ocpp::make_error("not a file store name: " + name);
    }
    if (const auto share = share_of(name); content.size() > share.max_bytes || share.max_files == 0) {
        return ocpp::Error{"the file store keeps at most " + std::to_string(share.max_bytes) + " bytes in " +
                               std::to_string(share.max_files) + " files of this kind; this one has " +
                               std::to_string(content.size()) + " bytes",
                           ocpp::ErrorKind::Invalid};
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto r = open(); !r) {
        return r.error();
    }
    const fs::path target = fs::path(dir_) / name;
    const fs::path temporary = fs::path(dir_) / (".part-" + name);
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        if (!out) {
            std::error_code ignored;
            fs::remove(temporary, ignored);
            return ocpp::make_error("cannot write " + temporary.string());
        }
    }
    std::error_code ec;
    fs::rename(temporary, target, ec);
    if (ec) {
        return ocpp::make_error("cannot store " + target.string() + ": " + ec.message());
    }
    if (!make_room(name, in_use)) {
        std::error_code ignored;
        fs::remove(target, ignored);
        const auto share = share_of(name);
        return ocpp::Error{"the file store keeps at most " + std::to_string(share.max_files) + " files and " +
                               std::to_string(share.max_bytes) +
                               " bytes of this kind, and the files that make up the rest are still served by "
                               "unfinished updates or roll-outs; try again once they have ended",
                           ocpp::ErrorKind::Io};
    }
    return StoredFile{name, content.size(), sha256_hex(content)};
}

ocpp::Result<std::string> FileStore::read(const std::string& name) const {
    if (!safe_name(name)) {
        return ocpp::Error{"not a file store name: " + name, ocpp::ErrorKind::Invalid};
    }
    std::ifstream in(fs::path(dir_) / name, std::ios::binary);
    if (!in) {
        return ocpp::Error{"the file " + name + " is no longer kept", ocpp::ErrorKind::NotFound};
    }
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool FileStore::make_room(const std::string& keep, const std::vector<std::string>& in_use) {
    const FileShare share = share_of(keep);
    // A file of no share is one whose name none of the shares' prefixes starts.
    auto in_share = [&](const std::string& name) {
        if (!share.prefix.empty()) {
            return name.rfind(share.prefix, 0) == 0;
        }
        return std::none_of(shares_.begin(), shares_.end(),
                            [&](const FileShare& s) { return name.rfind(s.prefix, 0) == 0; });
    };
    struct Entry {
        fs::path path;
        fs::file_time_type at;
        std::uint64_t size;
    };
    std::vector<Entry> files;
    std::uint64_t bytes = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
        std::error_code item;
        const std::string name = e.path().filename().string();
        if (!e.is_regular_file(item) || name.rfind(".part-", 0) == 0 || !in_share(name)) {
            continue;
        }
        const auto size = e.file_size(item);
        files.push_back(Entry{e.path(), e.last_write_time(item), size});
        bytes += size;
    }
    std::sort(files.begin(), files.end(), [](const Entry& a, const Entry& b) { return a.at < b.at; });
    std::size_t count = files.size();
    for (const auto& f : files) {
        if (count <= share.max_files && bytes <= share.max_bytes) {
            break;
        }
        const std::string name = f.path.filename().string();
        if (name == keep || std::find(in_use.begin(), in_use.end(), name) != in_use.end()) {
            continue; // the new file, or one a charger may still be downloading
        }
        std::error_code removed;
        if (fs::remove(f.path, removed)) {
            bytes -= f.size;
            --count;
        }
    }
    return count <= share.max_files && bytes <= share.max_bytes;
}

} // namespace cs

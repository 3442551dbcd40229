#pragma once
// FileStore: the files the central system keeps for itself (logs chargers uploaded after GetLog) in one directory,
// bounded by count and bytes: beyond either, the oldest files go. Names are chosen here, never by a peer. Blocking
// file I/O: call it from a worker thread (the central system's background pool), never from the loop.
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/util/result.hpp"

namespace cs {

struct StoredFile {
    std::string name; // the name in the store
    std::uint64_t size = 0;
    std::string sha256; // hex
};

// A part of the store for the files whose names start with `prefix`, with bounds of its own: making room for one of
// them removes only files of the same share, so logs chargers upload never push out the operator's firmware.
struct FileShare {
    std::string prefix;
    std::size_t max_files = 0;
    std::uint64_t max_bytes = 0;
};

class FileStore {
public:
    // Files of no share are bounded by what the shares leave of max_files and max_bytes.
    FileStore(std::string dir, std::size_t max_files, std::uint64_t max_bytes, std::vector<FileShare> shares = {})
        : dir_(std::move(dir))
        , max_files_(max_files)
        , max_bytes_(max_bytes)
        , shares_(std::move(shares)) {}

    // Creates the directory when missing; why not, when it cannot.
    ocpp::Result<void> open() const;
    // Writes content as a new file named `name` ([A-Za-z0-9._-] only), then makes room: the oldest files of its share
    // beyond the share's bounds are removed. A file larger than its share is an Invalid error and nothing is written.
    // Files named in `in_use` (served to chargers by an unfinished update) are never removed to make room: when the
    // share cannot be brought within its bounds without them, the new file is not kept and the error says so
    // (kind Io: trying again after those updates end will help).
    ocpp::Result<StoredFile> put(const std::string& name, std::string_view content,
                                 const std::vector<std::string>& in_use = {});
    // The whole file; an error of kind NotFound when it is gone (made room for).
    ocpp::Result<std::string> read(const std::string& name) const;
    const std::string& dir() const { return dir_; }
    // The bounds that hold for `name`: its share's, or for a file of no share what the shares leave.
    FileShare share_of(const std::string& name) const;

private:
    // Removes the oldest files of keep's share until it is within its bounds, sparing `keep` and `in_use`; false when
    // that is not enough.
    bool make_room(const std::string& keep, const std::vector<std::string>& in_use);

    std::string dir_;
    std::size_t max_files_;
    std::uint64_t max_bytes_;
    std::vector<FileShare> shares_;
    std::mutex mutex_; // put() from more than one worker thread
};

// A fresh unguessable token: 32 random bytes in hex.
std::string random_token();

} // namespace cs

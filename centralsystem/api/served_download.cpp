// Firmware downloads from the in-memory copy (served_download.hpp).
#include "centralsystem/api/served_download.hpp"

#include "centralsystem/files/file_store.hpp"

namespace cs::api {

void serve_held_file(CentralSystem& cs, const std::string& stored_name, const std::string& download_name,
                     Respond respond) {
    using Content = operations::ServedFiles::Content;
    auto answer = [respond, download_name](std::shared_ptr<const std::string> content) {
        HttpResponse out;
        out.headers.emplace_back("Content-Type", "application/octet-stream");
        out.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + download_name + "\"");
        // Streamed from the one shared copy: a thousand chargers downloading at once hold no copies of it.
        out.stream = std::make_shared<ocpp::net::HttpBodyStream>();
        out.stream->size = content->size();
        out.stream->read = [content](std::uint64_t offset, std::size_t max, std::string& piece) {
            piece.append(*content, static_cast<std::size_t>(offset), max);
            return true;
        };
        respond(std::move(out));
    };
    if (auto held = cs.served_files().find(stored_name)) {
        return answer(std::move(held));
    }
    auto done = [respond, answer](Content content) {
        if (!content) {
            return respond(
                json_error(content.error().kind == ocpp::ErrorKind::NotFound ? 410 : 503, content.error().message));
        }
        answer(std::move(*content));
    };
    // One read from disk however many chargers ask before the file is in memory (a read each overflowed the
    // background pool's queue, and the downloads it refused failed).
    const auto waiting = cs.served_files().wait(stored_name, done);
    if (waiting == operations::ServedFiles::Wait::Full) {
        return respond(json_error(503, "too many downloads wait for this file; try again"));
    }
    if (waiting == operations::ServedFiles::Wait::Joined) {
        return;
    }
    const bool queued = cs.background().submit<Content>(
        [files = cs.files(), stored_name](const std::atomic<bool>&) -> Content {
            auto content = files->read(stored_name);
            if (!content) {
                return content.error();
            }
            return std::make_shared<const std::string>(std::move(*content));
        },
        cs.loop(), [&cs, stored_name](Content content) { cs.served_files().loaded(stored_name, std::move(content)); });
    if (!queued) {
        cs.served_files().loaded(stored_name, ocpp::make_error("the file store is busy; try again"));
    }
}

} // namespace cs::api

#pragma once
// JSON text written by RapidJSON's Writer into buffers that start inside the object (on the caller's stack), so an
// ordinary OCPP message is serialised without heap work and copied once into the string that leaves. RapidJSON's
// StringBuffer and the Writer's nesting stack would take two heap blocks per text. Longer texts and deeper nesting
// continue on the heap. Header only; include it only from targets that link RapidJSON.
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include <rapidjson/allocators.h>
#include <rapidjson/writer.h>

namespace ocpp {

// The output stream of a JsonText: the first kInlineBytes in place, then a heap buffer that doubles as needed.
class JsonTextBuffer {
public:
    typedef char Ch;
    JsonTextBuffer() = default;
    JsonTextBuffer(const JsonTextBuffer&) = delete;
    JsonTextBuffer& operator=(const JsonTextBuffer&) = delete;
    void Put(char c) {
        if (size_ == capacity_) {
            grow();
        }
        data_[size_++] = c;
    }
    void Flush() {}
    std::string_view view() const { return {data_, size_}; }

private:
    void grow() {
        auto bigger = std::make_unique<char[]>(capacity_ * 2);
        std::memcpy(bigger.get(), data_, size_);
        heap_ = std::move(bigger);
        data_ = heap_.get();
        capacity_ *= 2;
    }
    static constexpr std::size_t kInlineBytes = 1024;
    char inline_[kInlineBytes];
    char* data_ = inline_;
    std::size_t size_ = 0;
    std::size_t capacity_ = kInlineBytes;
    std::unique_ptr<char[]> heap_;
};

// The writer every message serialiser takes (v16 write_value, the rpc frame serialisers, RawReply::ok_with).
using JsonWriter =
    rapidjson::Writer<JsonTextBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>>;

// One JSON text: write it through writer(), then take view() or str().
class JsonText {
public:
    JsonText()
        : levels_(level_buffer_, sizeof level_buffer_, kLevelChunkBytes)
        , writer_(text_, &levels_, kInitialLevels) {}
    JsonText(const JsonText&) = delete;
    JsonText& operator=(const JsonText&) = delete;
    JsonWriter& writer() { return writer_; }
    std::string_view view() const { return text_.view(); }
    std::string str() const { return std::string(text_.view()); }

private:
    static constexpr std::size_t kInitialLevels = 16; // nesting depth before the level stack grows (16 bytes each)
    static constexpr std::size_t kLevelChunkBytes = 4096;
    JsonTextBuffer text_;
    alignas(std::max_align_t) char level_buffer_[512];
    rapidjson::MemoryPoolAllocator<> levels_;
    JsonWriter writer_;
};

} // namespace ocpp

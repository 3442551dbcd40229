#pragma once
// Memory for one pending Asio operation inside the object that starts it (internal to ocpp/net; Asio only, no
// websocketpp). A connection always has a read pending, also when idle: its operation lives in the connection
// instead of taking a heap block (or a per-thread cache block) per read.
// Asio finds the memory through the handler's associated allocator (allocator_type + get_allocator()); the
// asio_handler_allocate hooks this replaces are deprecated and no longer consulted by newer Asio releases.
#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

namespace ocpp::net::detail {

// One block of 256 bytes for one operation at a time; a larger operation, or a second one while the block is in
// use, takes the heap. Used on its owner's loop thread only.
class OpSlot {
public:
    void* allocate(std::size_t size) {
        if (!in_use_ && size <= sizeof storage_) {
            in_use_ = true;
            ++slot_allocations_;
            return storage_;
        }
        return ::operator new(size);
    }
    void deallocate(void* p) {
        if (p == storage_) {
            in_use_ = false;
        } else {
            ::operator delete(p);
        }
    }
    // How many allocations the block served (the rest went to the heap); for tests.
    std::uint64_t slot_allocations() const { return slot_allocations_; }

private:
    alignas(std::max_align_t) unsigned char storage_[256];
    bool in_use_ = false;
    std::uint64_t slot_allocations_ = 0;
};

// A standard allocator over an OpSlot, as Asio rebinds it for the operation it allocates.
template <class T> class SlotAllocator {
public:
    using value_type = T;
    explicit SlotAllocator(OpSlot& slot) noexcept
        : slot_(&slot) {}
    template <class U>
    SlotAllocator(const SlotAllocator<U>& other) noexcept // NOLINT(google-explicit-constructor): rebinding
        : slot_(other.slot()) {}
    T* allocate(std::size_t n) { return static_cast<T*>(slot_->allocate(n * sizeof(T))); }
    void deallocate(T* p, std::size_t) noexcept { slot_->deallocate(p); }
    OpSlot* slot() const noexcept { return slot_; }
    template <class U> bool operator==(const SlotAllocator<U>& other) const noexcept { return slot_ == other.slot(); }
    template <class U> bool operator!=(const SlotAllocator<U>& other) const noexcept { return slot_ != other.slot(); }

private:
    OpSlot* slot_;
};

// A completion handler whose operation takes its memory from an OpSlot (through Asio's associated allocator).
template <class F> class SlotHandler {
public:
    using allocator_type = SlotAllocator<void>;
    SlotHandler(OpSlot& slot, F f)
        : slot_(&slot)
        , f_(std::move(f)) {}
    allocator_type get_allocator() const noexcept { return allocator_type(*slot_); }
    template <class... Args> void operator()(Args&&... args) { f_(std::forward<Args>(args)...); }

private:
    OpSlot* slot_;
    F f_;
};

} // namespace ocpp::net::detail

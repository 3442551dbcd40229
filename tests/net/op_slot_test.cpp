// The read operation of a connection lives in its OpSlot: Asio takes the memory through the handler's associated
// allocator (checked with the Asio this is built against, on a real TCP socket pair).
#include <gtest/gtest.h>

#include <asio.hpp>

#include <string>

#include "ocpp/net/detail/op_slot.hpp"

namespace ocpp::net::detail {
namespace {

struct SocketPair {
    asio::io_context io;
    asio::ip::tcp::socket reader{io};
    asio::ip::tcp::socket writer{io};
    SocketPair() {
        asio::ip::tcp::acceptor acceptor(io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        writer.connect(acceptor.local_endpoint());
        acceptor.accept(reader);
    }
};

TEST(OpSlot, AReadOperationTakesItsMemoryFromTheSlot) {
    SocketPair s;
    OpSlot slot;
    char buf[16];
    std::size_t got = 0;
    asio::async_read(s.reader, asio::buffer(buf), asio::transfer_at_least(1),
                     SlotHandler(slot, [&](const asio::error_code& ec, std::size_t n) {
                         EXPECT_FALSE(ec) << ec.message();
                         got = n;
                     }));
    EXPECT_EQ(slot.slot_allocations(), 1u); // the pending operation sits in the slot
    asio::write(s.writer, asio::buffer(std::string("ping")));
    s.io.run();
    EXPECT_EQ(got, 4u);
    EXPECT_EQ(std::string(buf, got), "ping");

    // The slot was given back when the handler ran: the next read takes it again.
    s.io.restart();
    asio::async_read(s.reader, asio::buffer(buf), asio::transfer_at_least(1),
                     SlotHandler(slot, [&](const asio::error_code&, std::size_t n) { got = n; }));
    EXPECT_EQ(slot.slot_allocations(), 2u);
    asio::write(s.writer, asio::buffer(std::string("pong!")));
    s.io.run();
    EXPECT_EQ(got, 5u);
}

TEST(OpSlot, ALargeOrASecondOperationUsesTheHeap) {
    OpSlot slot;
    void* first = slot.allocate(64);
    void* second = slot.allocate(64);
    void* large = slot.allocate(1024);
    EXPECT_NE(first, second);
    EXPECT_EQ(slot.slot_allocations(), 1u);
    slot.deallocate(large);
    slot.deallocate(second);
    slot.deallocate(first);
    EXPECT_EQ(slot.allocate(64), first); // free again
    slot.deallocate(first);
}

} // namespace
} // namespace ocpp::net::detail

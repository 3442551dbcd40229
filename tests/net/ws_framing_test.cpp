// WebSocket framing of our data messages, both ways: every payload length encoding, UTF-8 checks on sending, the
// client's masking (RFC 6455 5.3: every client frame masked, with a fresh unpredictable key), and binary frames, which
// OCPP-J does not use: they close the connection with 1003 on either side.
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <set>
#include <string>
#include <vector>

#include "ws_fixture.hpp"

namespace ocpp::net::test {
namespace {

using WsFraming = WsFixture;

// A text of `size` bytes with multi-byte UTF-8 in it ("é" is 2 bytes), so a wrong mask or offset shows.
std::string text_of(std::size_t size) {
    std::string out;
    while (out.size() < size) {
        if (out.size() % 7 == 0 && out.size() + 2 <= size) {
            out += "\xc3\xa9";
        } else {
            out += static_cast<char>('a' + out.size() % 26);
        }
    }
    return out;
}

TEST_F(WsFraming, EveryLengthEncodingRoundTripsIntact) {
    ServerConfig sc;
    sc.max_message_size = 200000;
    ASSERT_TRUE(start_server(sc));
    ClientConfig cc;
    cc.max_message_size = 200000;
    ConnectOptions o;
    o.url = url();
    auto [c, probe] = open(o, cc);
    ASSERT_TRUE(c.session) << c.error->message;
    // 7-bit lengths (0..125), the 16-bit form (126..65535) and the 64-bit form (65536 and up).
    const std::vector<std::size_t> sizes = {0, 1, 125, 126, 127, 4096, 65535, 65536, 150000};
    for (std::size_t size : sizes) {
        EXPECT_EQ(on_client([&, size] { return c.session->send(text_of(size)); }), SendStatus::Queued) << size;
    }
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return probe->messages.size(); }) == sizes.size(); }));
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        EXPECT_EQ(on_server([&] { return server_probes[0]->messages[i]; }), text_of(sizes[i])) << sizes[i];
        EXPECT_EQ(on_client([&] { return probe->messages[i]; }), text_of(sizes[i])) << sizes[i];
    }
}

TEST_F(WsFraming, InvalidUtf8IsNotSentAndTheConnectionStays) {
    ASSERT_TRUE(start_server());
    auto [c, probe] = open_url(url());
    ASSERT_TRUE(c.session);
    EXPECT_EQ(on_client([&] { return c.session->send("caf\xc3"); }), SendStatus::InvalidUtf8); // truncated sequence
    EXPECT_EQ(on_server([&] { return server_sessions[0]->send("\xff\xfe"); }),
              SendStatus::InvalidUtf8); // never valid in UTF-8
    // Long ASCII runs before the fault, so it is found past the eight-byte steps and in the bytes after them.
    const std::string ascii16(16, 'a');
    EXPECT_EQ(on_client([&] { return c.session->send(ascii16 + "\xff" + ascii16); }), SendStatus::InvalidUtf8);
    EXPECT_EQ(on_client([&] { return c.session->send(ascii16 + "abc\xc3"); }), SendStatus::InvalidUtf8);
    EXPECT_EQ(on_server([&] { return server_sessions[0]->send(ascii16 + "\xed\xa0\x80"); }),
              SendStatus::InvalidUtf8); // a surrogate
    const std::string mixed = std::string(13, 'x') + "caf\xc3\xa9 " + ascii16;
    EXPECT_EQ(on_client([&] { return c.session->send("still here"); }), SendStatus::Queued);
    EXPECT_EQ(on_client([&] { return c.session->send(mixed); }), SendStatus::Queued);
    const std::vector<std::string> sent{"still here", mixed};
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return probe->messages.size(); }) == sent.size(); }));
    EXPECT_EQ(on_client([&] { return probe->messages; }), sent) << "the server echoes what it received";
    EXPECT_EQ(on_server([&] { return server_probes[0]->messages; }), sent);
}

// A bare TCP listener on 127.0.0.1 that plays the server by hand, to see the client's frames as sent.
class RawListener {
public:
    RawListener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 4) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            throw std::runtime_error("cannot listen on 127.0.0.1");
        }
        port_ = ntohs(addr.sin_port);
    }
    ~RawListener() { ::close(fd_); }
    std::uint16_t port() const { return port_; }
    int accept_one() {
        pollfd pfd{fd_, POLLIN, 0};
        return ::poll(&pfd, 1, 5000) == 1 ? ::accept(fd_, nullptr, nullptr) : -1;
    }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

std::string accept_key(const std::string& key) {
    const std::string in = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(in.data()), in.size(), digest);
    unsigned char out[64];
    const int n = EVP_EncodeBlock(out, digest, SHA_DIGEST_LENGTH);
    return std::string(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
}

// Reads exactly n bytes within a few seconds; fewer when the connection ends or stalls.
std::string read_exact(int fd, std::size_t n) {
    std::string out;
    while (out.size() < n) {
        pollfd pfd{fd, POLLIN, 0};
        char buf[4096];
        if (::poll(&pfd, 1, 3000) != 1) {
            break;
        }
        const ssize_t got = ::recv(fd, buf, std::min(sizeof buf, n - out.size()), 0);
        if (got <= 0) {
            break;
        }
        out.append(buf, static_cast<std::size_t>(got));
    }
    return out;
}

TEST_F(WsFraming, ClientMasksEveryFrameWithAFreshKey) {
    RawListener listener;
    ConnectOptions o;
    o.url = "ws://127.0.0.1:" + std::to_string(listener.port()) + "/ocpp/MASK";
    client_lt.call([&] {
        client = Client::create(client_lt.loop(), ClientConfig{}, logs.logger());
        return 0;
    });
    auto pending = std::async(std::launch::async, [&] { return connect_sync(client_lt, *client, o); });
    const int fd = listener.accept_one();
    ASSERT_GE(fd, 0);
    const std::string request = receive(fd, "\r\n\r\n");
    const auto at = request.find("Sec-WebSocket-Key: ");
    ASSERT_NE(at, std::string::npos) << request;
    const auto key = request.substr(at + 19, request.find("\r\n", at) - at - 19);
    send_all(fd, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Accept: " +
                     accept_key(key) + "\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n");
    Connected c = pending.get();
    ASSERT_TRUE(c.session) << c.error->message;

    constexpr int kFrames = 20;
    for (int i = 0; i < kFrames; ++i) {
        EXPECT_EQ(client_lt.call([&, i] { return c.session->send("hello " + std::to_string(i)); }), SendStatus::Queued);
    }
    std::set<std::string> keys;
    for (int i = 0; i < kFrames; ++i) {
        const std::string head = read_exact(fd, 2);
        ASSERT_EQ(head.size(), 2u);
        EXPECT_EQ(static_cast<unsigned char>(head[0]), 0x81u); // FIN + text
        ASSERT_TRUE(static_cast<unsigned char>(head[1]) & 0x80u) << "frame " << i << " is not masked";
        const std::size_t len = static_cast<unsigned char>(head[1]) & 0x7fu;
        const std::string mask = read_exact(fd, 4);
        ASSERT_EQ(mask.size(), 4u);
        std::string payload = read_exact(fd, len);
        ASSERT_EQ(payload.size(), len);
        for (std::size_t j = 0; j < payload.size(); ++j) {
            payload[j] = static_cast<char>(payload[j] ^ mask[j % 4]);
        }
        EXPECT_EQ(payload, "hello " + std::to_string(i));
        keys.insert(mask);
    }
    EXPECT_EQ(keys.size(), static_cast<std::size_t>(kFrames)) << "masking keys repeat";
    EXPECT_EQ(keys.count(std::string(4, '\0')), 0u);
    ::close(fd);
    EXPECT_TRUE(wait_until([&] { return client_lt.call([&] { return client->connection_count(); }) == 0; }));
}

// A frame of `opcode` with `payload` (under 126 bytes), masked when `mask` is set (client to server).
std::string small_frame(unsigned char opcode, const std::string& payload, bool mask) {
    std::string frame;
    frame += static_cast<char>(0x80u | opcode);
    frame += static_cast<char>((mask ? 0x80u : 0u) | payload.size());
    const char key[4] = {0x11, 0x22, 0x33, 0x44};
    if (mask) {
        frame.append(key, 4);
    }
    for (std::size_t i = 0; i < payload.size(); ++i) {
        frame += mask ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i];
    }
    return frame;
}

// The close code of the first close frame in `bytes` (an unmasked frame from the server), 0 when there is none.
int close_code_in(const std::string& bytes) {
    for (std::size_t i = 0; i + 3 < bytes.size(); ++i) {
        if (static_cast<unsigned char>(bytes[i]) == 0x88u && (static_cast<unsigned char>(bytes[i + 1]) & 0x7fu) >= 2) {
            return static_cast<unsigned char>(bytes[i + 2]) << 8 | static_cast<unsigned char>(bytes[i + 3]);
        }
    }
    return 0;
}

TEST_F(WsFraming, HostileABinaryFrameFromAChargerIsNotProcessedAndClosesWith1003) {
    ASSERT_TRUE(start_server());
    const int fd = connect_raw(port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(send_all(fd, upgrade_request("/ocpp/CB-BIN", "ocpp1.6")));
    ASSERT_NE(receive(fd, "\r\n\r\n").find("101"), std::string::npos);
    ASSERT_TRUE(send_all(fd, small_frame(0x2, R"([2,"1","Heartbeat",{}])", true)));
    const std::string answer = receive(fd, "text frames only", 5000ms); // the whole close frame of the server
    ASSERT_TRUE(send_all(fd, small_frame(0x8, std::string("\x03\xeb", 2), true))); // the closing handshake
    receive(fd, "", 5000ms);                                                       // until the server closes
    close_fd(fd);
    EXPECT_EQ(close_code_in(answer), 1003) << "the server answered: " << answer;
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return server_probes[0]->closes.size(); }) == 1u; }));
    EXPECT_TRUE(on_server([&] { return server_probes[0]->messages.empty(); })) << "a binary frame reached OCPP";
    const CloseInfo close = on_server([&] { return server_probes[0]->closes[0]; });
    EXPECT_EQ(close.code, 1003);
    EXPECT_FALSE(close.by_peer);
    EXPECT_NE(close.reason.find("text frames only"), std::string::npos) << close.reason;
    EXPECT_TRUE(logs.contains("sent a binary frame")) << logs.all();
}

TEST_F(WsFraming, HostileABinaryFrameFromACentralSystemClosesTheClientWith1003) {
    RawListener listener;
    ConnectOptions o;
    o.url = "ws://127.0.0.1:" + std::to_string(listener.port()) + "/ocpp/BIN";
    client_lt.call([&] {
        client = Client::create(client_lt.loop(), ClientConfig{}, logs.logger());
        return 0;
    });
    auto pending = std::async(std::launch::async, [&] { return connect_sync(client_lt, *client, o); });
    const int fd = listener.accept_one();
    ASSERT_GE(fd, 0);
    const std::string request = receive(fd, "\r\n\r\n");
    const auto at = request.find("Sec-WebSocket-Key: ");
    ASSERT_NE(at, std::string::npos) << request;
    const auto key = request.substr(at + 19, request.find("\r\n", at) - at - 19);
    send_all(fd, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Accept: " +
                     accept_key(key) + "\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n");
    Connected c = pending.get();
    ASSERT_TRUE(c.session) << c.error->message;
    auto probe = client_lt.call([&] { return Probe::attach(c.session); });
    ASSERT_TRUE(send_all(fd, small_frame(0x2, R"([2,"1","Reset",{"type":"Hard"}])", false)));
    const std::string close_frame = receive(fd, "\x88", 5000ms); // the client's (masked) close frame
    ASSERT_NE(close_frame.find('\x88'), std::string::npos);
    ASSERT_TRUE(send_all(fd, small_frame(0x8, std::string("\x03\xeb", 2), false))); // the closing handshake
    ::close(fd); // the server closes the TCP connection first (RFC 6455 7.1.1)
    ASSERT_TRUE(wait_until([&] { return client_lt.call([&] { return probe->closes.size(); }) == 1u; }, 15000ms));
    EXPECT_TRUE(client_lt.call([&] { return probe->messages.empty(); })) << "a binary frame reached OCPP";
    EXPECT_EQ(client_lt.call([&] { return probe->closes[0].code; }), 1003);
}

} // namespace
} // namespace ocpp::net::test

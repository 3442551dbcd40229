// libFuzzer target: the bytes a connection from a trusted proxy starts with, through the PROXY protocol header parser
// (ocpp/net/proxy_protocol.hpp), whole and in pieces cut where the first byte says. Beyond crashes and sanitizer
// reports, a broken promise of the parser traps: it takes a byte past what it was given or past the header's end,
// takes more once done, keeps more than its bound, or decides differently when the same bytes come in pieces.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ocpp/net/proxy_protocol.hpp"

namespace {

using ocpp::net::ProxyHeaderParser;

void check(bool promise) {
    if (!promise) {
        __builtin_trap();
    }
}

// Feeds `data` in pieces of `piece` bytes (all at once for 0); returns the bytes taken.
std::size_t feed(ProxyHeaderParser& p, std::string_view data, std::size_t piece) {
    std::size_t taken = 0;
    std::size_t at = 0;
    while (at < data.size()) {
        const std::string_view part = data.substr(at, piece == 0 ? data.size() : piece);
        const auto state_before = p.state();
        const std::size_t used = p.feed(part);
        check(used <= part.size());
        check(state_before == ProxyHeaderParser::State::NeedMore || used == 0);
        // Short of the end of the header everything given is taken.
        check(p.state() != ProxyHeaderParser::State::NeedMore || used == part.size());
        taken += used;
        at += part.size();
    }
    return taken;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::size_t piece = data[0] % 17;
    const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    ProxyHeaderParser whole, pieces;
    const std::size_t taken_whole = feed(whole, bytes, 0);
    const std::size_t taken_pieces = feed(pieces, bytes, piece);
    check(taken_whole == taken_pieces);
    check(whole.state() == pieces.state() && whole.fault() == pieces.fault());
    check(taken_whole == whole.taken() && whole.taken() <= ProxyHeaderParser::kMaxHeader);
    if (whole.state() == ProxyHeaderParser::State::Done) {
        const auto& a = whole.header();
        const auto& b = pieces.header();
        check(a.version == b.version && a.own_address == b.own_address && a.source_address == b.source_address &&
              a.source_port == b.source_port && a.destination == b.destination);
        check(a.own_address == a.source_address.empty());
        check(a.version != 1 || whole.taken() <= ProxyHeaderParser::kMaxV1);
    }
    return 0;
}

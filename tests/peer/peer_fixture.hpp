#pragma once
// Two Peers linked by the in-memory transport on a manual clock: a central system side and a charge point side.
#include <gtest/gtest.h>

#include "ocpp/net/memory_transport.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/util/manual_executor.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::testing {

class PeerPair : public ::testing::Test {
protected:
    void SetUp() override { connect(PeerConfig{}, PeerConfig{}); }

    void connect(PeerConfig cs_cfg, PeerConfig cp_cfg) {
        net::HandshakeInfo info;
        info.chargebox_id = "CB-1";
        net::MemoryPairOptions options;
        options.check_utf8 = false; // the peers' own handling of undecodable input is tested, which WebSocket refuses
        auto [cs_session, cp_session] = net::make_memory_pair(ex, info, options);
        cs = Peer::create(cs_session, schemas, cs_cfg, log);
        cp = Peer::create(cp_session, schemas, cp_cfg, log);
        cs->set_frame_observer([this](FrameDirection d, std::string_view t) {
            if (d == FrameDirection::Sent) {
                cs_sent.emplace_back(t);
            } else {
                cs_received.emplace_back(t);
            }
        });
    }

    // Runs everything that is ready without moving the clock.
    void settle() { ex.run_pending(); }

    validation::Registry schemas = validation::Registry::v16().value();
    Logger log{LogLevel::Off};
    ManualClock clock;
    ManualExecutor ex{clock};
    std::shared_ptr<Peer> cs, cp;
    std::vector<std::string> cs_sent, cs_received;
};

} // namespace ocpp::testing

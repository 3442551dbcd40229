// ocpp-loopback-example: a loopback OCPP 1.6-J exchange between our Server and our Client, printed frame by frame.
// Boots a charge point, reports its connector statuses and sends a heartbeat, over a real WebSocket on 127.0.0.1.
#include <cstdio>
#include <functional>
#include <string>

#include "ocpp/net/client.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/v16/messages.hpp"

using namespace ocpp;
using namespace ocpp::v16;

namespace {

void print_frame(const char* who, FrameDirection dir, std::string_view text) {
    std::printf("%-15s %s %.*s\n", who, dir == FrameDirection::Sent ? "->" : "<-", static_cast<int>(text.size()),
                text.data());
}

// The central-system side: accepts CB-DEMO, answers the three Core messages.
void serve(const std::shared_ptr<Peer>& cs) {
    cs->set_frame_observer([](FrameDirection d, std::string_view t) { print_frame("central system", d, t); });
    cs->on<BootNotificationReq>([](const BootNotificationReq&, Reply<BootNotificationConf> reply) {
        reply(BootNotificationConf{DateTime::now(), 300, RegistrationStatus::Accepted});
    });
    cs->on<StatusNotificationReq>(
        [](const StatusNotificationReq&, Reply<StatusNotificationConf> reply) { reply(StatusNotificationConf{}); });
    cs->on<HeartbeatReq>(
        [](const HeartbeatReq&, Reply<HeartbeatConf> reply) { reply(HeartbeatConf{DateTime::now()}); });
}

// The charge-point side: BootNotification, StatusNotification for connectors 0 and 1, Heartbeat, then close.
void run_charge_point(const std::shared_ptr<Peer>& cp, std::function<void(bool)> finished) {
    cp->set_frame_observer([](FrameDirection d, std::string_view t) { print_frame("charge point", d, t); });
    BootNotificationReq boot;
    boot.chargePointVendor = "ocppkit";
    boot.chargePointModel = "demo";
    boot.firmwareVersion = "0.1.0";
    cp->call(boot, [cp, finished](CallOutcome<BootNotificationConf> booted) {
        if (!booted.ok() || booted.conf->status != RegistrationStatus::Accepted) {
            std::fprintf(stderr, "demo: BootNotification failed: %s\n", booted.error_description.c_str());
            finished(false);
            return;
        }
        for (int connector : {0, 1}) {
            StatusNotificationReq status;
            status.connectorId = connector;
            status.errorCode = ChargePointErrorCode::NoError;
            status.status = ChargePointStatus::Available;
            status.timestamp = DateTime::now();
            cp->call(status, [](CallOutcome<StatusNotificationConf>) {});
        }
        cp->call(HeartbeatReq{}, [cp, finished](CallOutcome<HeartbeatConf> beat) {
            cp->close(1000, "demo done");
            finished(beat.ok());
        });
    });
}

} // namespace

int main() {
    Logger log(LogLevel::Warn);
    auto schemas = validation::Registry::v16();
    if (!schemas) {
        std::fprintf(stderr, "demo: %s\n", schemas.error().message.c_str());
        return 1;
    }
    auto loop = net::EventLoop::create();
    auto server = net::Server::create(*loop, net::ServerConfig{}, log);
    std::shared_ptr<Peer> cs_peer;
    server->set_open_handler([&](net::SessionPtr s) {
        cs_peer = Peer::create(std::move(s), *schemas, PeerConfig{}, log);
        serve(cs_peer);
    });
    if (auto listening = server->listen(); !listening) {
        std::fprintf(stderr, "demo: cannot listen: %s\n", listening.error().message.c_str());
        return 1;
    }
    const std::string url = "ws://127.0.0.1:" + std::to_string(server->port()) + "/ocpp/CB-DEMO";
    std::printf("ocppkit demo: a charge point talks OCPP 1.6-J to a central system at %s\n\n", url.c_str());

    auto client = net::Client::create(*loop, net::ClientConfig{}, log);
    bool ok = false;
    std::shared_ptr<Peer> cp_peer;
    net::ConnectOptions options;
    options.url = url;
    client->connect(options, [&](net::SessionPtr s, std::optional<net::ConnectError> error) {
        if (error) {
            std::fprintf(stderr, "demo: connection failed: %s\n", error->message.c_str());
            loop->stop();
            return;
        }
        cp_peer = Peer::create(std::move(s), *schemas, PeerConfig{}, log);
        run_charge_point(cp_peer, [&](bool success) {
            ok = success;
            server->shutdown();
            loop->stop();
        });
    });
    loop->run();
    std::printf("\n%s\n", ok ? "demo: boot, status and heartbeat exchanged; all frames schema-valid on both sides"
                             : "demo: FAILED");
    return ok ? 0 : 1;
}

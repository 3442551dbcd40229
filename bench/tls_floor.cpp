// The floor under a TLS connection storm: full handshakes between an OpenSSL client and an OpenSSL server in one
// process, through memory BIOs (no sockets, no WebSocket, no OCPP), each side's CPU time counted apart. The client
// verifies the server's chain against the root and checks the host address, as a simulated charger does; the server
// sends no session tickets, as the central system does. What this costs is what any program on this machine's
// OpenSSL pays per handshake before it does anything of its own (bench/tls_storm.sh prints it beside the storm).
//
//   ocpp-bench-tls-floor --cert PEM --key PEM --ca PEM [--count N] [--version 1.2|1.3]
//
// Prints one line: "tls_floor version=1.3 handshakes=N client_us=... server_us=... both_us=..." (CPU µs per
// handshake), and exits 1 when a handshake fails.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "bench/flags.hpp"

namespace {

struct Options {
    std::string cert, key, ca;
    long count = 2000;
    std::string version = "1.3";
};

[[noreturn]] void usage_error(const std::string& why) {
    std::fprintf(stderr,
                 "ocpp-bench-tls-floor: %s\nusage: ocpp-bench-tls-floor --cert PEM --key PEM --ca PEM [--count N] "
                 "[--version 1.2|1.3]\n",
                 why.c_str());
    std::exit(2);
}

[[noreturn]] void openssl_failed(const char* what) {
    std::fprintf(stderr, "ocpp-bench-tls-floor: %s failed:\n", what);
    ERR_print_errors_fp(stderr);
    std::exit(1);
}

double thread_cpu_us() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

using Ctx = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;

Ctx make_ctx(const Options& o, bool server) {
    Ctx ctx(SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()), &SSL_CTX_free);
    if (!ctx) {
        openssl_failed("SSL_CTX_new");
    }
    const int version = o.version == "1.2" ? TLS1_2_VERSION : TLS1_3_VERSION;
    SSL_CTX_set_min_proto_version(ctx.get(), version);
    SSL_CTX_set_max_proto_version(ctx.get(), version);
    SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
    if (server) {
        if (SSL_CTX_use_certificate_chain_file(ctx.get(), o.cert.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx.get(), o.key.c_str(), SSL_FILETYPE_PEM) != 1) {
            openssl_failed("loading the server certificate and key");
        }
        SSL_CTX_set_num_tickets(ctx.get(), 0);
        SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
        SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
    } else {
        if (SSL_CTX_load_verify_locations(ctx.get(), o.ca.c_str(), nullptr) != 1) {
            openssl_failed("loading the root");
        }
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
        SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
    }
    return ctx;
}

// One full handshake; adds each side's CPU time to the totals. False when it failed.
bool handshake(SSL_CTX* client_ctx, SSL_CTX* server_ctx, double& client_us, double& server_us) {
    double t = thread_cpu_us();
    SSL* client = SSL_new(client_ctx);
    BIO* client_end = nullptr;
    BIO* server_end = nullptr;
    BIO_new_bio_pair(&client_end, 0, &server_end, 0);
    SSL_set_bio(client, client_end, client_end);
    SSL_set_connect_state(client);
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(client), "127.0.0.1");
    double now = thread_cpu_us();
    client_us += now - t;
    t = now;
    SSL* server = SSL_new(server_ctx);
    SSL_set_bio(server, server_end, server_end);
    SSL_set_accept_state(server);
    now = thread_cpu_us();
    server_us += now - t;
    // One turn of a side: a step of its handshake, its CPU counted; false when it failed.
    auto step = [](SSL* ssl, bool& done, double& us) {
        if (done) {
            return true;
        }
        const double before = thread_cpu_us();
        const int r = SSL_do_handshake(ssl);
        us += thread_cpu_us() - before;
        done = r == 1;
        return r == 1 || SSL_get_error(ssl, r) == SSL_ERROR_WANT_READ;
    };
    bool client_done = false;
    bool server_done = false;
    for (int turn = 0; turn < 20 && !(client_done && server_done); ++turn) {
        if (!step(client, client_done, client_us) || !step(server, server_done, server_us)) {
            break;
        }
    }
    const bool ok = client_done && server_done && SSL_get_verify_result(client) == X509_V_OK;
    t = thread_cpu_us();
    SSL_free(client);
    now = thread_cpu_us();
    client_us += now - t;
    t = now;
    SSL_free(server);
    server_us += thread_cpu_us() - t;
    return ok;
}

} // namespace

int main(int argc, char** argv) {
    Options o;
    bench::each_flag(argc, argv, usage_error, [&o](const std::string& flag, const std::string& value) {
        if (flag == "--cert") {
            o.cert = value;
        } else if (flag == "--key") {
            o.key = value;
        } else if (flag == "--ca") {
            o.ca = value;
        } else if (flag == "--count") {
            o.count = std::atol(value.c_str());
        } else if (flag == "--version") {
            o.version = value;
        } else {
            usage_error("unknown option " + flag);
        }
    });
    if (o.cert.empty() || o.key.empty() || o.ca.empty()) {
        usage_error("--cert, --key and --ca are required");
    }
    if (o.count < 1 || o.count > 1000000) {
        usage_error("--count must be 1 to 1000000");
    }
    if (o.version != "1.2" && o.version != "1.3") {
        usage_error("--version must be 1.2 or 1.3");
    }
    Ctx server = make_ctx(o, true);
    Ctx client = make_ctx(o, false);
    double client_us = 0;
    double server_us = 0;
    // A few handshakes first, so that what OpenSSL loads once is not counted.
    for (int i = 0; i < 20; ++i) {
        double c = 0;
        double s = 0;
        if (!handshake(client.get(), server.get(), c, s)) {
            openssl_failed("a warm-up handshake");
        }
    }
    for (long i = 0; i < o.count; ++i) {
        if (!handshake(client.get(), server.get(), client_us, server_us)) {
            openssl_failed("a handshake");
        }
    }
    const double n = static_cast<double>(o.count);
    std::printf("tls_floor version=%s handshakes=%ld client_us=%.0f server_us=%.0f both_us=%.0f\n", o.version.c_str(),
                o.count, client_us / n, server_us / n, (client_us + server_us) / n);
    return 0;
}

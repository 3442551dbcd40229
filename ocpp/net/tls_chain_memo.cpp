// The client's memo of server chains it verified: a fleet of simulated chargers on one context meets the same server
// chain in every handshake, and checking its signatures again each time costs more than the rest of the check.
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

#include "ocpp/net/detail/tls.hpp"

namespace ocpp::net::detail {

namespace {

using ChainPtr = std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)>;

void free_chain(STACK_OF(X509) * chain) {
    sk_X509_pop_free(chain, X509_free);
}

// One chain the context's own trust store accepted: the certificates the server sent and the chain built from them.
struct MemoEntry {
    ChainPtr sent{nullptr, free_chain};     // leaf first, then the untrusted certificates as sent
    ChainPtr verified{nullptr, free_chain}; // leaf to trust anchor
    std::chrono::steady_clock::time_point at;
};

// Bounded and short-lived: a few distinct servers per context, and a chain is checked in full again after a while.
struct ChainMemo {
    static constexpr std::size_t kEntries = 8;
    static constexpr auto kLifetime = std::chrono::minutes(5);
    std::mutex mutex; // a context may serve handshakes on several loops
    std::vector<MemoEntry> entries;
};

int memo_index();

void free_memo(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*idx*/, long /*argl*/, void* /*argp*/) {
    delete static_cast<ChainMemo*>(ptr);
}

int memo_index() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, free_memo);
    return index;
}

// The leaf and the untrusted certificates of this handshake, as the server sent them.
ChainPtr sent_chain(X509_STORE_CTX* store) {
    ChainPtr out(sk_X509_new_null(), free_chain);
    X509* leaf = X509_STORE_CTX_get0_cert(store);
    if (!out || leaf == nullptr || sk_X509_push(out.get(), leaf) <= 0) {
        return ChainPtr(nullptr, free_chain);
    }
    X509_up_ref(leaf);
    if (STACK_OF(X509)* untrusted = X509_STORE_CTX_get0_untrusted(store)) {
        for (int i = 0; i < sk_X509_num(untrusted); ++i) {
            X509* cert = sk_X509_value(untrusted, i);
            if (sk_X509_push(out.get(), cert) <= 0) {
                return ChainPtr(nullptr, free_chain);
            }
            X509_up_ref(cert);
        }
    }
    return out;
}

bool same_certificates(STACK_OF(X509) * a, STACK_OF(X509) * b) {
    if (sk_X509_num(a) != sk_X509_num(b)) {
        return false;
    }
    for (int i = 0; i < sk_X509_num(a); ++i) {
        if (X509_cmp(sk_X509_value(a, i), sk_X509_value(b, i)) != 0) { // compares the DER's digest, then the DER
            return false;
        }
    }
    return true;
}

// What a verification of this connection checks beyond the signatures: every certificate of the chain within its
// validity now, and the leaf naming the host or IP address the connection expects.
int still_valid(X509_STORE_CTX* store, const MemoEntry& entry) {
    for (int i = 0; i < sk_X509_num(entry.verified.get()); ++i) {
        X509* cert = sk_X509_value(entry.verified.get(), i);
        if (X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0) {
            return X509_V_ERR_CERT_NOT_YET_VALID;
        }
        if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) {
            return X509_V_ERR_CERT_HAS_EXPIRED;
        }
    }
    X509* leaf = sk_X509_value(entry.verified.get(), 0);
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(store);
    if (const char* host = X509_VERIFY_PARAM_get0_host(param, 0)) {
        if (X509_VERIFY_PARAM_get0_host(param, 1) != nullptr) {
            return -1; // several names: leave them to the full check
        }
        if (X509_check_host(leaf, host, 0, X509_VERIFY_PARAM_get_hostflags(param), nullptr) != 1) {
            return X509_V_ERR_HOSTNAME_MISMATCH;
        }
    }
    if (char* ip = X509_VERIFY_PARAM_get1_ip_asc(param)) {
        const int ok = X509_check_ip_asc(leaf, ip, 0);
        OPENSSL_free(ip);
        if (ok != 1) {
            return X509_V_ERR_IP_ADDRESS_MISMATCH;
        }
    }
    if (X509_VERIFY_PARAM_get0_email(param) != nullptr) {
        return -1;
    }
    return X509_V_OK;
}

// The context's verification: a chain seen and accepted before (against the context's own trust store, which does
// not change) only has its times and names checked again; anything else gets OpenSSL's full check.
int verify_with_memo(X509_STORE_CTX* store, void* arg) {
    auto* ctx = static_cast<SSL_CTX*>(arg);
    auto* memo = static_cast<ChainMemo*>(SSL_CTX_get_ex_data(ctx, memo_index()));
    // A connection with trust roots of its own (apply_connection_tls) has a store of its own: never remembered.
    const bool own_store = X509_STORE_CTX_get0_store(store) == SSL_CTX_get_cert_store(ctx);
    ChainPtr sent = memo != nullptr && own_store ? sent_chain(store) : ChainPtr(nullptr, free_chain);
    if (sent) {
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard<std::mutex> lock(memo->mutex);
        for (auto it = memo->entries.begin(); it != memo->entries.end(); ++it) {
            if (now - it->at >= ChainMemo::kLifetime) {
                continue;
            }
            if (!same_certificates(it->sent.get(), sent.get())) {
                continue;
            }
            const int verdict = still_valid(store, *it);
            if (verdict != X509_V_OK) {
                break; // the full check below decides, and reports a failure in OpenSSL's own words
            }
            ChainPtr copy(X509_chain_up_ref(it->verified.get()), free_chain);
            if (!copy) {
                break;
            }
            X509_STORE_CTX_set0_verified_chain(store, copy.release());
            X509_STORE_CTX_set_error(store, X509_V_OK);
            return 1;
        }
    }
    const int ok = X509_verify_cert(store);
    if (ok != 1 || !sent || X509_STORE_CTX_get_error(store) != X509_V_OK) {
        return ok;
    }
    ChainPtr verified(X509_STORE_CTX_get1_chain(store), free_chain);
    if (verified && sk_X509_num(verified.get()) > 0) {
        std::lock_guard<std::mutex> lock(memo->mutex);
        const auto now = std::chrono::steady_clock::now();
        auto& entries = memo->entries;
        for (auto it = entries.begin(); it != entries.end();) {
            it = now - it->at >= ChainMemo::kLifetime || same_certificates(it->sent.get(), sent.get())
                     ? entries.erase(it)
                     : it + 1;
        }
        if (entries.size() >= ChainMemo::kEntries) {
            entries.erase(entries.begin()); // the oldest
        }
        entries.push_back(MemoEntry{std::move(sent), std::move(verified), now});
    }
    return ok;
}

} // namespace

Result<void> remember_verified_chains(SSL_CTX* ctx) {
    auto memo = std::make_unique<ChainMemo>();
    if (memo_index() < 0 || SSL_CTX_set_ex_data(ctx, memo_index(), memo.get()) != 1) {
        return make_error(ErrorKind::Other, "cannot attach the verified-chain memo to the TLS context");
    }
    memo.release(); // freed with the context (free_memo)
    SSL_CTX_set_cert_verify_callback(ctx, verify_with_memo, ctx);
    return {};
}

} // namespace ocpp::net::detail

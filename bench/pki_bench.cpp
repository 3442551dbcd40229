// The certificate work of the security whitepaper (ocpp/pki): a P-256 CA signing one CSR (EC P-256 and RSA-2048
// requests), a batch of 1,000 CSRs (the CA's time per certificate, the issue's target), CSR creation, chain
// verification and certificateHashData, beside SHA-256 of 1 KiB as the baseline of the same run.
#include <openssl/evp.h>

#include <array>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "ocpp/pki/pki.hpp"

namespace {

using namespace std::chrono_literals;
namespace pki = ocpp::pki;

pki::TimePoint start() {
    return std::chrono::system_clock::now() - 1h;
}

pki::Subject subject(std::string cn) {
    pki::Subject s;
    s.common_name = std::move(cn);
    s.organization = "Bench CPO";
    return s;
}

pki::IssueOptions client_options() {
    pki::IssueOptions options;
    options.not_before = start();
    return options;
}

const pki::CertificateAuthority& ca() {
    static const pki::CertificateAuthority root =
        pki::CertificateAuthority::create(subject("Bench Root"), start(), 3650 * 24h).value();
    return root;
}

std::string csr_of(pki::KeyType type, const std::string& cn) {
    const auto key = pki::generate_key(type).value();
    return pki::make_csr(key.private_pem, subject(cn)).value();
}

void BM_Sha256Of1KiBBaseline(benchmark::State& state) {
    const std::string data(1024, 'x');
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int length = 0;
    for (auto _ : state) {
        EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha256(), nullptr);
        benchmark::DoNotOptimize(out);
    }
}
BENCHMARK(BM_Sha256Of1KiBBaseline);

void BM_CaSignEcP256Csr(benchmark::State& state) {
    const std::string csr = csr_of(pki::KeyType::EcP256, "CP-BENCH");
    for (auto _ : state)
        benchmark::DoNotOptimize(ca().sign(csr, client_options()));
}
BENCHMARK(BM_CaSignEcP256Csr)->Unit(benchmark::kMicrosecond);

void BM_CaSignRsa2048Csr(benchmark::State& state) {
    const std::string csr = csr_of(pki::KeyType::Rsa2048, "CP-BENCH");
    for (auto _ : state)
        benchmark::DoNotOptimize(ca().sign(csr, client_options()));
}
BENCHMARK(BM_CaSignRsa2048Csr)->Unit(benchmark::kMicrosecond);

// 1,000 different chargers' CSRs signed in a row; items/s is certificates per second.
void BM_CaSign1000EcP256Csrs(benchmark::State& state) {
    std::vector<std::string> csrs;
    for (int i = 0; i < 1000; ++i)
        csrs.push_back(csr_of(pki::KeyType::EcP256, "CP-" + std::to_string(i)));
    for (auto _ : state) {
        for (const auto& csr : csrs) {
            auto cert = ca().sign(csr, client_options());
            if (!cert.ok())
                state.SkipWithError(cert.error().message.c_str());
            benchmark::DoNotOptimize(cert);
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(csrs.size()));
}
BENCHMARK(BM_CaSign1000EcP256Csrs)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_MakeCsrEcP256(benchmark::State& state) {
    const auto key = pki::generate_key(pki::KeyType::EcP256).value();
    for (auto _ : state)
        benchmark::DoNotOptimize(pki::make_csr(key.private_pem, subject("CP-BENCH")));
}
BENCHMARK(BM_MakeCsrEcP256)->Unit(benchmark::kMicrosecond);

void BM_MakeCsrRsa2048(benchmark::State& state) {
    const auto key = pki::generate_key(pki::KeyType::Rsa2048).value();
    for (auto _ : state)
        benchmark::DoNotOptimize(pki::make_csr(key.private_pem, subject("CP-BENCH")));
}
BENCHMARK(BM_MakeCsrRsa2048)->Unit(benchmark::kMicrosecond);

// What a charger does on SignChargePointCertificate: a fresh key, then the CSR.
void BM_KeyAndCsrEcP256(benchmark::State& state) {
    for (auto _ : state) {
        const auto key = pki::generate_key(pki::KeyType::EcP256).value();
        benchmark::DoNotOptimize(pki::make_csr(key.private_pem, subject("CP-BENCH")));
    }
}
BENCHMARK(BM_KeyAndCsrEcP256)->Unit(benchmark::kMicrosecond);

// Where the CA's time goes: reading and checking the CSR (PEM decoding and its signature), and reading a key.
void BM_ReadCsrEcP256(benchmark::State& state) {
    const std::string csr = csr_of(pki::KeyType::EcP256, "CP-BENCH");
    for (auto _ : state)
        benchmark::DoNotOptimize(pki::read_csr(csr));
}
BENCHMARK(BM_ReadCsrEcP256)->Unit(benchmark::kMicrosecond);

void BM_ReadPrivateKeyEcP256(benchmark::State& state) {
    const auto key = pki::generate_key(pki::KeyType::EcP256).value();
    for (auto _ : state)
        benchmark::DoNotOptimize(pki::read_private_key(key.private_pem));
}
BENCHMARK(BM_ReadPrivateKeyEcP256)->Unit(benchmark::kMicrosecond);

void BM_VerifyChainEcP256(benchmark::State& state) {
    const std::string leaf = ca().issue(subject("CP-BENCH"), client_options()).value().second;
    const std::vector<std::string> roots = {ca().certificate_pem()};
    pki::VerifyOptions options;
    options.at = std::chrono::system_clock::now();
    options.expected_common_name = "CP-BENCH";
    for (auto _ : state) {
        auto info = pki::verify_chain(leaf, roots, options);
        if (!info.ok())
            state.SkipWithError(info.error().message.c_str());
        benchmark::DoNotOptimize(info);
    }
}
BENCHMARK(BM_VerifyChainEcP256)->Unit(benchmark::kMicrosecond);

void BM_HashDataOfALeaf(benchmark::State& state) {
    const std::string leaf = ca().issue(subject("CP-BENCH"), client_options()).value().second;
    for (auto _ : state)
        benchmark::DoNotOptimize(pki::hash_data(leaf, ca().certificate_pem()));
}
BENCHMARK(BM_HashDataOfALeaf)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();

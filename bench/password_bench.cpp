// PBKDF2-HMAC-SHA256 as the central system checks a charger's password (store::verify_password's derivation), beside
// OpenSSL's PKCS5_PBKDF2_HMAC with the same inputs as the baseline, at the product's iteration count. Each check
// costs one derivation per charger and process start, so this is what a restart storm of N chargers costs: N times
// the figure, spread over the hashing threads.
#include <openssl/evp.h>

#include <array>
#include <string>

#include <benchmark/benchmark.h>

#include "store/password.hpp"

namespace {

const std::string kPassword = "bench-password-0123456789";
const std::array<unsigned char, 16> kSalt = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

void BM_Pbkdf2Ours(benchmark::State& state) {
    for (auto _ : state) {
        auto dk = store::pbkdf2_sha256(kPassword, kSalt.data(), kSalt.size(), store::kPasswordIterations);
        benchmark::DoNotOptimize(dk);
    }
}
BENCHMARK(BM_Pbkdf2Ours)->Unit(benchmark::kMillisecond);

void BM_Pbkdf2OpenSslBaseline(benchmark::State& state) {
    std::array<unsigned char, 32> dk{};
    for (auto _ : state) {
        PKCS5_PBKDF2_HMAC(kPassword.data(), static_cast<int>(kPassword.size()), kSalt.data(),
                          static_cast<int>(kSalt.size()), store::kPasswordIterations, EVP_sha256(),
                          static_cast<int>(dk.size()), dk.data());
        benchmark::DoNotOptimize(dk);
    }
}
BENCHMARK(BM_Pbkdf2OpenSslBaseline)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();

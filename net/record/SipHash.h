// SipHash-2-4 (Aumasson and Bernstein): a keyed pseudorandom function, 64
// bits out. The recorder's pseudonyms: fast enough for every party member
// of every ticket (a SHA-256 through QCryptographicHash cost the server
// about 9 % CPU per created ticket), and without the 128-bit key, which is
// never stored, nobody can tell which id a pseudonym stands for.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace pulsco {

inline std::uint64_t sipHash24(std::uint64_t k0, std::uint64_t k1, std::string_view data) {
    const auto rotl = [](std::uint64_t x, int b) { return (x << b) | (x >> (64 - b)); };
    std::uint64_t v0 = k0 ^ 0x736f6d6570736575ull, v1 = k1 ^ 0x646f72616e646f6dull,
                  v2 = k0 ^ 0x6c7967656e657261ull, v3 = k1 ^ 0x7465646279746573ull;
    const auto round = [&] {
        v0 += v1;
        v1 = rotl(v1, 13);
        v1 ^= v0;
        v0 = rotl(v0, 32);
        v2 += v3;
        v3 = rotl(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = rotl(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = rotl(v1, 17);
        v1 ^= v2;
        v2 = rotl(v2, 32);
    };
    const auto le64 = [](const unsigned char* p, std::size_t n) {
        std::uint64_t m = 0;
        for (std::size_t i = 0; i < n; ++i)
            m |= std::uint64_t(p[i]) << (8 * i);
        return m;
    };
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    const std::size_t n = data.size();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const std::uint64_t m = le64(p + i, 8);
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }
    const std::uint64_t b = (std::uint64_t(n) << 56) | le64(p + i, n - i);
    v3 ^= b;
    round();
    round();
    v0 ^= b;
    v2 ^= 0xff;
    round();
    round();
    round();
    round();
    return v0 ^ v1 ^ v2 ^ v3;
}

}  // namespace pulsco

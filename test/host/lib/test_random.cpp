// core/lib/chacha20 against RFC 8439's test vectors, and the random pool
// built on it (core/lib/random).
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "core/lib/chacha20.h"
#include "core/lib/random.h"

using namespace tine;

namespace {

std::vector<u8> hex(const char* s) {
  std::vector<u8> out;
  auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (; *s; s++) {
    if (*s == ' ' || *s == '\n') continue;
    out.push_back(u8(nib(s[0]) << 4 | nib(s[1])));
    s++;
  }
  return out;
}

std::vector<u8> key_0_to_31() {
  std::vector<u8> k(32);
  for (unsigned i = 0; i < 32; i++) k[i] = u8(i);
  return k;
}

}  // namespace

TEST_CASE("chacha20: the quarter round of RFC 8439 2.1.1", "[chacha20]") {
  u32 a = 0x11111111, b = 0x01020304, c = 0x9b8d6f43, d = 0x01234567;
  chacha20::quarter_round(a, b, c, d);
  CHECK(a == 0xea2a92f4);
  CHECK(b == 0xcb1cf8ce);
  CHECK(c == 0x4581472e);
  CHECK(d == 0x5881c4bb);
}

TEST_CASE("chacha20: the block function of RFC 8439 2.3.2", "[chacha20]") {
  auto key = key_0_to_31();
  auto nonce = hex("000000090000004a00000000");
  u8 out[64];
  chacha20::block(key.data(), 1, nonce.data(), out);
  auto want = hex(
      "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
      "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
  CHECK(std::vector<u8>(out, out + 64) == want);
}

TEST_CASE("chacha20: appendix A.1 vector 1 (zero key, nonce and counter)", "[chacha20]") {
  u8 key[32] = {}, nonce[12] = {}, out[64];
  chacha20::block(key, 0, nonce, out);
  auto want = hex(
      "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
      "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");
  CHECK(std::vector<u8>(out, out + 64) == want);
}

TEST_CASE("chacha20: the sunscreen encryption of RFC 8439 2.4.2", "[chacha20]") {
  auto key = key_0_to_31();
  auto nonce = hex("000000000000004a00000000");
  std::string pt =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
      "for the future, sunscreen would be it.";
  std::vector<u8> buf(pt.begin(), pt.end());
  chacha20::xor_stream(key.data(), 1, nonce.data(), buf.data(), buf.size());
  auto want = hex(
      "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
      "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
      "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
      "5af90bbf74a35be6b40b8eedf2785e42874d");
  CHECK(buf == want);
  // And back: the same stream decrypts.
  chacha20::xor_stream(key.data(), 1, nonce.data(), buf.data(), buf.size());
  CHECK(std::string(buf.begin(), buf.end()) == pt);
}

TEST_CASE("random: requests differ, are not zero, and fill every byte asked for",
          "[random]") {
  u8 seed[32] = {1, 2, 3};
  random_add_entropy(seed, sizeof seed);
  std::vector<u8> a(16), b(16), zero(16);
  random_bytes(a.data(), a.size());
  random_bytes(b.data(), b.size());
  CHECK(a != b);
  CHECK(a != zero);
  CHECK(b != zero);
  // A large request, filled in several pieces under several keys: no piece
  // left unwritten (a sentinel pattern would survive) and no piece repeated.
  std::vector<u8> big(100000, 0xa5);
  random_bytes(big.data(), big.size());
  unsigned counts[256] = {};
  for (u8 v : big) counts[v]++;
  for (unsigned v = 0; v < 256; v++) {
    INFO("byte value " << v);
    CHECK(counts[v] > 250);  // expected ~390; a stuck or repeated piece skews it
    CHECK(counts[v] < 550);
  }
  for (size_t off = 448; off + 448 <= big.size(); off += 448)
    REQUIRE(memcmp(big.data(), big.data() + off, 448) != 0);
}

TEST_CASE("random: the odd tail of a request is written", "[random]") {
  for (size_t n : {1u, 7u, 63u, 64u, 65u, 447u, 448u, 449u, 1000u}) {
    INFO("n = " << n);
    // A written byte is zero with probability 1/256: OR four requests, each
    // into a zeroed buffer, and an unwritten byte is the only likely zero.
    std::vector<u8> any(n + 1, 0);
    for (int k = 0; k < 4; k++) {
      std::vector<u8> buf(n + 1, 0);
      random_bytes(buf.data(), n);
      CHECK(buf[n] == 0);  // nothing past the end
      for (size_t i = 0; i <= n; i++) any[i] |= buf[i];
    }
    for (size_t i = 0; i < n; i++) REQUIRE(any[i] != 0);
  }
}

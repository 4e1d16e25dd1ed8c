// ChaCha20 as RFC 8439 specifies it, written from the RFC's text.
#include "core/lib/chacha20.h"

namespace tine::chacha20 {

namespace {

constexpr u32 rotl(u32 v, unsigned n) { return (v << n) | (v >> (32 - n)); }

u32 load_le32(const u8* p) {
  return u32(p[0]) | u32(p[1]) << 8 | u32(p[2]) << 16 | u32(p[3]) << 24;
}

void store_le32(u8* p, u32 v) {
  p[0] = u8(v);
  p[1] = u8(v >> 8);
  p[2] = u8(v >> 16);
  p[3] = u8(v >> 24);
}

}  // namespace

void quarter_round(u32& a, u32& b, u32& c, u32& d) {
  a += b; d ^= a; d = rotl(d, 16);
  c += d; b ^= c; b = rotl(b, 12);
  a += b; d ^= a; d = rotl(d, 8);
  c += d; b ^= c; b = rotl(b, 7);
}

void block(const u8 key[kKeyBytes], u32 counter, const u8 nonce[kNonceBytes],
           u8 out[kBlockBytes]) {
  // Section 2.3: "expand 32-byte k", the key, the block counter, the nonce.
  u32 init[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
  for (unsigned i = 0; i < 8; i++) init[4 + i] = load_le32(key + 4 * i);
  init[12] = counter;
  for (unsigned i = 0; i < 3; i++) init[13 + i] = load_le32(nonce + 4 * i);
  u32 x[16];
  for (unsigned i = 0; i < 16; i++) x[i] = init[i];
  // 20 rounds: ten times a column round, then a diagonal round.
  for (unsigned i = 0; i < 10; i++) {
    quarter_round(x[0], x[4], x[8], x[12]);
    quarter_round(x[1], x[5], x[9], x[13]);
    quarter_round(x[2], x[6], x[10], x[14]);
    quarter_round(x[3], x[7], x[11], x[15]);
    quarter_round(x[0], x[5], x[10], x[15]);
    quarter_round(x[1], x[6], x[11], x[12]);
    quarter_round(x[2], x[7], x[8], x[13]);
    quarter_round(x[3], x[4], x[9], x[14]);
  }
  // The feed-forward: without it the rounds could be run backwards.
  for (unsigned i = 0; i < 16; i++) store_le32(out + 4 * i, x[i] + init[i]);
  // The key words must not outlive the call on the stack.
  for (u32& w : init) __atomic_store_n(&w, 0u, __ATOMIC_RELAXED);
  for (u32& w : x) __atomic_store_n(&w, 0u, __ATOMIC_RELAXED);
}

void xor_stream(const u8 key[kKeyBytes], u32 counter, const u8 nonce[kNonceBytes],
                u8* buf, size_t n) {
  u8 ks[kBlockBytes];
  for (size_t off = 0; off < n; off += kBlockBytes, counter++) {
    block(key, counter, nonce, ks);
    const size_t m = n - off < kBlockBytes ? n - off : kBlockBytes;
    for (size_t i = 0; i < m; i++) buf[off + i] ^= ks[i];
  }
  for (u8& b : ks) __atomic_store_n(&b, u8(0), __ATOMIC_RELAXED);
}

}  // namespace tine::chacha20

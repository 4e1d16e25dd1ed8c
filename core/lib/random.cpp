// The ChaCha20 pool (contract in random.h). Replaces the two ad-hoc PRNGs
// exec's AT_RANDOM and getrandom used to have, both seeded from the clock.
#include "core/lib/random.h"

#include "core/lib/chacha20.h"
#include "core/lib/string.h"
#include "core/sync/spinlock.h"
#include "hal/hal.h"

namespace tine {

namespace {

using chacha20::kBlockBytes;
using chacha20::kKeyBytes;
using chacha20::kNonceBytes;

// One refill: this many blocks under one key. Block 0's first half is the
// next key; the rest of the batch is output, handed out in order and wiped
// as it goes. Small requests (exec's 16 AT_RANDOM bytes, glibc's 8-byte
// getrandom at startup) then cost a few hundred instructions, not two
// ChaCha20 blocks each (forkbench, issue 7). The lock is held for one
// refill, as long as it was held for one 7-block piece before.
constexpr size_t kBatchBlocks = 8;
constexpr size_t kBatchBytes = kBatchBlocks * kBlockBytes;
// Fresh jitter goes in at most this often (checked on each request).
constexpr u64 kReseedIntervalNs = 1'000'000'000;
constexpr unsigned kReseedSamples = 8;
// Domain tags in the nonce: absorbing and generating never share a
// (key, nonce) pair.
constexpr u32 kAbsorbTag = 0x41425352;    // "RSBA"
constexpr u32 kGenerateTag = 0x4e454747;  // "GGEN"

// Leaf lock: nothing is taken inside it; also taken with interrupts off.
SpinLock g_lock("random");
u8 g_key[kKeyBytes] GUARDED_BY(g_lock) = {};
u64 g_requests GUARDED_BY(g_lock) = 0;  // nonce: never repeats under a key
u64 g_last_reseed_ns GUARDED_BY(g_lock) = 0;
bool g_seeded GUARDED_BY(g_lock) = false;
// The batch: output not yet handed out is g_batch[g_pos..kBatchBytes).
// Everything before g_pos is zero.
u8 g_batch[kBatchBytes] GUARDED_BY(g_lock) = {};
size_t g_pos GUARDED_BY(g_lock) = kBatchBytes;

void wipe(void* p, size_t n) {
  auto* b = static_cast<volatile u8*>(p);
  for (size_t i = 0; i < n; i++) b[i] = 0;
}

void put_le32(u8* p, u32 v) {
  for (unsigned i = 0; i < 4; i++) p[i] = u8(v >> (8 * i));
}

void put_le64(u8* p, u64 v) {
  for (unsigned i = 0; i < 8; i++) p[i] = u8(v >> (8 * i));
}

// Each 32-byte piece of the data is XORed into the key, and the key is then
// replaced by the first half of the ChaCha20 block under it. The block's
// feed-forward makes that step one-way (the key before cannot be computed
// from the key after), and the data's length sits in the nonce, so inputs
// that differ only in zero padding do not collide. (Linux hashes its input
// pool with BLAKE2s; this keeps the kernel to a single primitive.)
void absorb_locked(const u8* data, size_t n) REQUIRES(g_lock) {
  u8 nonce[kNonceBytes];
  put_le32(nonce, kAbsorbTag);
  put_le64(nonce + 4, n);
  u8 blk[kBlockBytes];
  u32 counter = 0;
  size_t off = 0;
  do {
    for (size_t i = 0; i < kKeyBytes && off + i < n; i++) g_key[i] ^= data[off + i];
    chacha20::block(g_key, counter++, nonce, blk);
    memcpy(g_key, blk, kKeyBytes);
    off += kKeyBytes;
  } while (off < n);
  wipe(blk, sizeof blk);
  // Output drawn after new input depends on it: the old batch goes.
  wipe(g_batch + g_pos, kBatchBytes - g_pos);
  g_pos = kBatchBytes;
}

// The clock read around a data-dependent amount of busy work: the readings'
// low bits vary with cache, TLB, interrupts and (under QEMU) the host.
void sample_jitter(u64* out, unsigned samples) {
  volatile u64 sink = 0;
  for (unsigned i = 0; i < samples; i++) {
    const u64 t0 = hal::time_ns();
    const unsigned spins = 64 + unsigned(t0 & 63);
    for (unsigned j = 0; j < spins; j++) sink = sink + (t0 ^ j) * 0x9e3779b97f4a7c15ull;
    out[i] = hal::time_ns() ^ (t0 << 32) ^ sink;
  }
}

void jitter_locked(unsigned samples) REQUIRES(g_lock) {
  u64 buf[64];
  if (samples > 64) samples = 64;
  sample_jitter(buf, samples);
  absorb_locked(reinterpret_cast<const u8*>(buf), samples * sizeof(u64));
  wipe(buf, sizeof buf);
  g_last_reseed_ns = hal::time_ns();
  g_seeded = true;
}

// A new batch under the current key; its block 0 is the next key, so the
// key that made this output is gone when the lock drops.
void refill_locked() REQUIRES(g_lock) {
  u8 nonce[kNonceBytes];
  put_le32(nonce, kGenerateTag);
  put_le64(nonce + 4, g_requests++);
  // The clock as well: output never depends on the pool alone.
  const u64 now = hal::time_ns();
  for (unsigned i = 0; i < 4; i++) nonce[i] ^= u8(now >> (8 * i));
  for (size_t b = 0; b < kBatchBlocks; b++)
    chacha20::block(g_key, u32(b), nonce, g_batch + b * kBlockBytes);
  memcpy(g_key, g_batch, kKeyBytes);
  wipe(g_batch, kKeyBytes);
  g_pos = kKeyBytes;
}

}  // namespace

void random_add_entropy(const void* data, size_t n) {
  IrqSpinGuard g(g_lock);
  absorb_locked(static_cast<const u8*>(data), n);
}

void random_add_jitter(unsigned samples) {
  IrqSpinGuard g(g_lock);
  jitter_locked(samples);
}

void random_bytes(void* out, size_t n) {
  u8* p = static_cast<u8*>(out);
  while (n) {
    IrqSpinGuard g(g_lock);
    // Never a constant key: a request before boot seeded the pool, or one
    // after a long quiet spell, takes fresh jitter first.
    if (!g_seeded) jitter_locked(64);
    else if (hal::time_ns() - g_last_reseed_ns >= kReseedIntervalNs)
      jitter_locked(kReseedSamples);
    if (g_pos == kBatchBytes) refill_locked();
    const size_t m = min(n, kBatchBytes - g_pos);
    memcpy(p, g_batch + g_pos, m);
    wipe(g_batch + g_pos, m);
    g_pos += m;
    p += m;
    n -= m;
  }
}

}  // namespace tine

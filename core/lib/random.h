// The kernel's one random number generator (getrandom, AT_RANDOM).
//
// A ChaCha20 key is the whole pool. Entropy is absorbed into it: the FDT's
// /chosen rng-seed at boot (QEMU virt passes 32 bytes from the host),
// timer jitter at boot and again at most once a second, and whatever a
// driver feeds in (none yet: virtio-rng is not driven). Output comes from a
// batch of keystream drawn under the current key, whose first 32 bytes
// replace the key ("fast key erasure", Bernstein 2017); bytes are wiped
// from the batch as they are handed out, and absorbing new input discards
// the rest, so reading the pool later reveals nothing of earlier output.
// There is no constant seed: even with no rng-seed the boot jitter and the
// clock reading taken at each batch go in. Nothing here blocks, and it may
// be called from any context.
#pragma once

#include "core/lib/types.h"

namespace tine {

// Mixes n bytes into the pool. Never lowers what it holds: the key after is
// a one-way function of the key before and the data.
void random_add_entropy(const void* data, size_t n);

// Samples the clock around a little busy work `samples` times and absorbs
// the readings. Boot calls it once the timer runs.
void random_add_jitter(unsigned samples = 64);

// Fills out[0..n) with random bytes, at most a batch (a few hundred bytes)
// per key, so the pool lock is held only briefly.
void random_bytes(void* out, size_t n);

}  // namespace tine

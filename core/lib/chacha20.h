// The ChaCha20 block function of RFC 8439 (section 2.3), the one primitive
// under the kernel's random number generator (core/lib/random.h). Pure
// computation: no state, no locks, host-tested against the RFC's vectors.
#pragma once

#include "core/lib/types.h"

namespace tine::chacha20 {

inline constexpr size_t kKeyBytes = 32;
inline constexpr size_t kNonceBytes = 12;
inline constexpr size_t kBlockBytes = 64;

// The RFC's quarter round on four state words (section 2.1).
void quarter_round(u32& a, u32& b, u32& c, u32& d);

// One 64-byte keystream block for (key, counter, nonce), serialised little
// endian as the RFC writes it (section 2.3).
void block(const u8 key[kKeyBytes], u32 counter, const u8 nonce[kNonceBytes],
           u8 out[kBlockBytes]);

// XORs n bytes of keystream starting at block `counter` into buf
// (section 2.4: encryption and decryption are the same operation).
void xor_stream(const u8 key[kKeyBytes], u32 counter, const u8 nonce[kNonceBytes],
                u8* buf, size_t n);

}  // namespace tine::chacha20

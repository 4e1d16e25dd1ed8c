// panic() and KASSERT: loud failure for kernel bugs, never for user input.
#pragma once

#include "core/lib/types.h"

namespace tine {

[[noreturn, gnu::format(printf, 1, 2)]] void panic(const char* fmt, ...);

}  // namespace tine

#define KASSERT(cond)                                                    \
  do {                                                                   \
    if (__builtin_expect(!(cond), 0))                                    \
      ::tine::panic("assertion \"%s\" failed at %s:%d", #cond, __FILE__, \
                    __LINE__);                                           \
  } while (0)

// A path not written yet fails loudly with its location.
#define unimplemented() \
  ::tine::panic("unimplemented: %s at %s:%d", __func__, __FILE__, __LINE__)

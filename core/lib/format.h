// printf-style formatting without libc: %d %i %u %x %X %p %s %c %% with
// flags '-', '0', '#', width, '*' and the l/ll/z length modifiers.
#pragma once

#include <stdarg.h>

#include "core/lib/types.h"

namespace tine {

// Like vsnprintf: writes at most size-1 characters plus a NUL, returns the
// length the full output would have had.
size_t format(char* buf, size_t size, const char* fmt, va_list ap);
[[gnu::format(printf, 3, 4)]] size_t format(char* buf, size_t size,
                                            const char* fmt, ...);

}  // namespace tine

// Kernel console output. Lines from different harts do not interleave:
// each kprintf call is written under the console lock (panic bypasses it).
#pragma once

#include <stdarg.h>

#include "core/lib/types.h"

namespace tine {

[[gnu::format(printf, 1, 2)]] void kprintf(const char* fmt, ...);
void kvprintf(const char* fmt, va_list ap);
void console_puts(const char* s);
// n bytes, under the console lock like kprintf (the console file's write).
void console_write(const char* s, size_t n);

// The same without "\n" becoming "\r\n" (hal::console_write_raw): the
// tty's output, which its own OPOST/ONLCR settings have processed.
void console_write_raw(const char* s, size_t n);

// Used by panic: writes without taking the console lock, which the panicking
// hart might hold.
void console_write_unlocked(const char* s, size_t n);

}  // namespace tine

// The host tests' console (hal/host/console.cpp): input they inject for
// hal::console_getc(), and hal::console_write output they can capture.
#pragma once

#include <string>

#include "core/lib/types.h"

namespace tine::hal::host {

// Queues bytes for hal::console_getc().
void console_inject(const char* s, size_t n);
// Starts (or stops) capturing hal::console_write, clearing earlier capture;
// console_captured() returns what was written since. Without capture the
// bytes go to stderr.
void console_capture(bool on);
std::string console_captured();

}  // namespace tine::hal::host

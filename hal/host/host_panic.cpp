// panic() in the host tests throws hal::host::Panic with the message.
#include <cstdarg>
#include <cstdio>

#include "core/lib/assert.h"
#include "hal/host/hal_host.h"

namespace tine {

void panic(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  throw hal::host::Panic(buf);
}

}  // namespace tine

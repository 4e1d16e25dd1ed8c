#include "core/boot/ktest.h"

#include <stdarg.h>

#include "core/lib/console.h"
#include "core/lib/format.h"
#include "core/lib/string.h"

extern "C" const tine::KtestEntry __ktests_start[], __ktests_end[];

namespace tine {

void KtestContext::fail(const char* fmt, ...) {
  if (failed_) return;  // keep the first reason
  failed_ = true;
  va_list ap;
  va_start(ap, fmt);
  format(why_, sizeof why_, fmt, ap);
  va_end(ap);
}

void KtestContext::skip(const char* fmt, ...) {
  skipped_ = true;
  va_list ap;
  va_start(ap, fmt);
  format(why_, sizeof why_, fmt, ap);
  va_end(ap);
}

unsigned ktest_run(const char* filter) {
  unsigned passed = 0, failed = 0, skipped = 0;
  for (const KtestEntry* t = __ktests_start; t < __ktests_end; t++) {
    if (filter && strcmp(filter, t->name) != 0) continue;
    KtestContext ctx;
    t->fn(ctx);
    if (ctx.skipped() && !ctx.failed()) {
      kprintf("skip %s: %s\n", t->name, ctx.why());
      skipped++;
    } else if (ctx.failed()) {
      kprintf("FAIL %s: %s\n", t->name, ctx.why());
      failed++;
    } else {
      kprintf("ok %s\n", t->name);
      passed++;
    }
  }
  if (filter && passed + failed + skipped == 0) {
    kprintf("FAIL %s: no such test\n", filter);
    failed++;
  }
  kprintf("%u passed, %u failed\n", passed, failed);
  return failed;
}

}  // namespace tine

#include "core/boot/kbench.h"

#include "core/lib/console.h"
#include "core/lib/string.h"

extern "C" const tine::KbenchEntry __kbench_start[], __kbench_end[];

namespace tine {

unsigned kbench_run(const char* filter) {
  unsigned ran = 0;
  for (const KbenchEntry* b = __kbench_start; b < __kbench_end; b++) {
    if (filter && strcmp(filter, b->name) != 0) continue;
    b->fn();
    ran++;
  }
  if (ran == 0) kprintf("kbench: no benchmark named %s\n", filter ? filter : "?");
  return ran;
}

}  // namespace tine

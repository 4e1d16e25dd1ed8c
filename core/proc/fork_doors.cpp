// The door table fork/ installs: see fork_doors.h.
#include "core/proc/fork_doors.h"

#include "core/lib/assert.h"

namespace tine {

namespace {
// Written once by a static constructor, before any hart but the boot hart
// runs and before kmain; read-only afterwards.
const ForkDoors* g_fork_doors = nullptr;
}  // namespace

void fork_doors_install(const ForkDoors* doors) { g_fork_doors = doors; }

const ForkDoors& fork_doors() {
  KASSERT(g_fork_doors != nullptr);
  return *g_fork_doors;
}

}  // namespace tine

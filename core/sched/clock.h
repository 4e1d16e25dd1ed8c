// The periodic tick, per hart.
#pragma once

#include "core/lib/types.h"

namespace tine {

// Ticks taken by one hart so far (read racily; good for tests and stats).
u64 cpu_ticks(unsigned cpu);

}  // namespace tine

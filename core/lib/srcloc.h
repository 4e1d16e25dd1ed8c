// Where a lock was taken: debug reports name both sides of a conflict.
#pragma once

namespace tine {

struct SrcLoc {
  const char* file = nullptr;
  int line = 0;
};

}  // namespace tine

// Default arguments that capture the caller's location.
#define TINE_HERE_PARAMS \
  const char *file = __builtin_FILE(), int line = __builtin_LINE()

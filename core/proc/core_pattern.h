// The name a core dump is written under: Linux's kernel.core_pattern
// (/proc/sys/kernel/core_pattern, whose default is "core"), read by procfs
// and by the core dumper (core/proc/coredump.h) from here, so the two
// agree; root may change it by writing that file.
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

inline constexpr char kCorePattern[] = "core";  // the default
inline constexpr size_t kCorePatternMax = 128;  // Linux's CORENAME_MAX_SIZE

// The pattern now, NUL-terminated, into out (kCorePatternMax bytes).
void core_pattern_get(char* out);
// A write of `text`: up to its first newline; EINVAL when that is
// kCorePatternMax bytes or more.
Result<void> core_pattern_set(const char* text, size_t len);

// The file name `pattern` gives for a process (Linux's format_corename):
// %p its pid, %e its command name ('/' made '!'), %s the signal, %u and %g
// its uid and gid, %% a '%'; other specifiers give nothing, as Linux's.
// Written NUL-terminated into out (n bytes); false when it does not fit
// or the pattern is a pipe ("|program", which Tine cannot run): no dump.
struct CoreNameArgs {
  i32 pid = 0;
  const char* comm = "";
  int sig = 0;
  u32 uid = 0, gid = 0;
};
bool core_name(const char* pattern, const CoreNameArgs& a, char* out, size_t n);

}  // namespace tine

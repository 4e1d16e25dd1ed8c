// The name a core dump would be written under (Linux's
// /proc/sys/kernel/core_pattern, whose default is "core"). Tine writes no
// core dumps yet (exit.cpp reports a killed child CLD_KILLED, never
// CLD_DUMPED), so the default stands; procfs shows it from here, and a
// core dumper takes its pattern from here too, so the two agree.
#pragma once

namespace tine {

inline constexpr char kCorePattern[] = "core";

}  // namespace tine

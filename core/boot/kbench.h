// In-kernel benchmarks: KBENCH(name) registers one; the kernel command line
// `kbench` runs them all (`kbench=NAME` one) and powers off. Each prints
// `bench NAME: V unit`. Under QEMU -icount shift=0 one guest nanosecond is
// one instruction, so ns figures are instruction counts (DESIGN.md).
#pragma once

namespace tine {

struct KbenchEntry {
  const char* name;
  void (*fn)();
};

// Runs the benchmarks matching `filter` (nullptr: all); returns how many ran.
unsigned kbench_run(const char* filter);

}  // namespace tine

#define KBENCH(name)                                                      \
  static void kbench_fn_##name();                                         \
  [[gnu::used, gnu::section(".kbench")]] static const ::tine::KbenchEntry \
      kbench_entry_##name{#name, kbench_fn_##name};                       \
  static void kbench_fn_##name()

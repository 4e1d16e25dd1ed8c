// In-kernel self-tests. KTEST(name) registers a test in the .ktests section;
// the kernel command line `ktest` runs them all, `ktest=NAME` one of them.
// Each prints `ok NAME` or `FAIL NAME: why`, then one line
// `N passed, M failed` (skipped tests say `skip NAME: why`), then the machine powers off with a failure reason
// if anything failed.
#pragma once

#include "core/lib/types.h"

namespace tine {

class KtestContext {
 public:
  [[gnu::format(printf, 2, 3)]] void fail(const char* fmt, ...);
  // The test cannot run on this machine (e.g. it needs two harts): it is
  // reported as `skip NAME: why` and counted neither passed nor failed.
  [[gnu::format(printf, 2, 3)]] void skip(const char* fmt, ...);
  bool failed() const { return failed_; }
  bool skipped() const { return skipped_; }
  const char* why() const { return why_; }

 private:
  bool failed_ = false;
  bool skipped_ = false;
  char why_[200] = {};
};

struct KtestEntry {
  const char* name;
  void (*fn)(KtestContext&);
};

// Runs the tests whose name matches `filter` (nullptr: all). Returns the
// number that failed (an unknown name counts as a failure).
unsigned ktest_run(const char* filter);

}  // namespace tine

#define KTEST(name)                                                        \
  static void ktest_fn_##name(::tine::KtestContext& kt);                   \
  [[gnu::used, gnu::section(".ktests")]] static const ::tine::KtestEntry   \
      ktest_entry_##name{#name, ktest_fn_##name};                          \
  static void ktest_fn_##name([[maybe_unused]] ::tine::KtestContext& kt)

// Stops the test at the first broken expectation, naming it.
#define KT_CHECK(cond)                                                  \
  do {                                                                  \
    if (!(cond)) {                                                      \
      kt.fail("%s:%d: %s", __FILE__, __LINE__, #cond);                  \
      return;                                                           \
    }                                                                   \
  } while (0)

#define KT_CHECK_EQ(a, b)                                                    \
  do {                                                                       \
    auto _kt_a = (a);                                                        \
    auto _kt_b = (b);                                                        \
    if (!(_kt_a == _kt_b)) {                                                 \
      kt.fail("%s:%d: %s == %s (%ld vs %ld)", __FILE__, __LINE__, #a, #b,    \
              (long)_kt_a, (long)_kt_b);                                     \
      return;                                                                \
    }                                                                        \
  } while (0)

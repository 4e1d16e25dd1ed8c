// Clang thread-safety attributes (STYLE.md: locks the compiler checks).
// They vanish under GCC, which builds the kernel; the Clang build of core/
// run by scripts/test checks them.
#pragma once

#if defined(__clang__)
#define TS_ATTR(x) __attribute__((x))
#else
#define TS_ATTR(x)
#endif

#define CAPABILITY(x) TS_ATTR(capability(x))
#define SCOPED_CAPABILITY TS_ATTR(scoped_lockable)
#define GUARDED_BY(x) TS_ATTR(guarded_by(x))
#define PT_GUARDED_BY(x) TS_ATTR(pt_guarded_by(x))
#define ACQUIRED_BEFORE(...) TS_ATTR(acquired_before(__VA_ARGS__))
#define ACQUIRED_AFTER(...) TS_ATTR(acquired_after(__VA_ARGS__))
#define REQUIRES(...) TS_ATTR(requires_capability(__VA_ARGS__))
#define ACQUIRE(...) TS_ATTR(acquire_capability(__VA_ARGS__))
#define RELEASE(...) TS_ATTR(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) TS_ATTR(try_acquire_capability(__VA_ARGS__))
#define EXCLUDES(...) TS_ATTR(locks_excluded(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) TS_ATTR(assert_capability(x))
#define RETURN_CAPABILITY(x) TS_ATTR(lock_returned(x))
#define NO_THREAD_SAFETY_ANALYSIS TS_ATTR(no_thread_safety_analysis)

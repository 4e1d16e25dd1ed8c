// copyin/copyout/copyinstr (contract in uaccess.h) for the current process's
// address space, over the HAL's raw user copy (hal/uaccess.h).
//
// The copy goes a page at a time with preemption off (the HAL's recovery
// point is per hart). A page that is not there yet is usually filled by
// the kernel trap path calling vm_fault_from_kernel; when that cannot (the
// space lock is busy; it never sleeps in the trap), the copy fails, and
// here, back in thread context with preemption on, vm_fault resolves the
// page for real and the copy is retried. vm_fault's Fault means a bad
// pointer: Error::Fault. It may also report NoMem.
#include "core/vm/uaccess.h"

#include "core/sync/spinlock.h"
#include "core/vm/vm.h"
#include "hal/pmap.h"
#include "hal/uaccess.h"

namespace tine {

namespace {

// A copy that failed after vm_fault said the page is fine has raced with
// another thread changing the space (unmap, fork's write-protect); a few
// retries absorb that, and a space that keeps changing under us for that
// long gets EFAULT rather than a livelock.
constexpr unsigned kMaxRetries = 8;

// Copies [u, u+n) (within one page) with `copy`, resolving faults.
template <typename F>
Result<void> copy_page(uptr u, Access access, F&& copy) {
  for (unsigned attempt = 0;; ++attempt) {
    preempt_disable();
    const bool done = copy();
    preempt_enable();
    if (done) return ok();
    VmSpace* vs = curvm();
    if (!vs || attempt == kMaxRetries) return Error::Fault;
    const Result<void> r = vm_fault(vs, u, access);
    // A file page past the file's end (or without room in its file
    // system) is SIGBUS to a program, EFAULT to a syscall (as Linux).
    if (!r.ok())
      return r.error() == Error::Range || r.error() == Error::NoSpc ? Error::Fault : r.error();
  }
}

constexpr size_t kStrPiece = 256;

size_t chunk_len(uptr u, size_t n) {
  return min(n, kPageSize - (u & (kPageSize - 1)));
}

// The page-by-page copies with fault resolution, out of line: inlined,
// their state made every call save and restore eight registers.
[[gnu::noinline]] Result<void> copyin_pages(void* kdst, uptr usrc, size_t n) {
  u8* dst = static_cast<u8*>(kdst);
  while (n > 0) {
    const size_t len = chunk_len(usrc, n);
    TRY(copy_page(usrc, Access::Read,
                  [&] { return hal::user_copy_in(dst, usrc, len); }));
    dst += len;
    usrc += len;
    n -= len;
  }
  return ok();
}

[[gnu::noinline]] Result<void> copyout_pages(uptr udst, const void* ksrc, size_t n) {
  const u8* src = static_cast<const u8*>(ksrc);
  while (n > 0) {
    const size_t len = chunk_len(udst, n);
    TRY(copy_page(udst, Access::Write,
                  [&] { return hal::user_copy_out(udst, src, len); }));
    src += len;
    udst += len;
    n -= len;
  }
  return ok();
}

}  // namespace

// A copy within one page whose page is there (a pipe's byte, a syscall's
// struct) is one try with preemption off; anything else, and a try that
// faulted, goes the page-by-page way.
Result<void> copyin(void* kdst, uptr usrc, size_t n) {
  if (n == 0) return ok();
  if (!hal::user_va_range(usrc, n)) return Error::Fault;
  if (n <= chunk_len(usrc, n)) {
    preempt_disable();
    const bool done = hal::user_copy_in(kdst, usrc, n);
    preempt_enable();
    if (done) [[likely]] return ok();
  }
  return copyin_pages(kdst, usrc, n);
}

Result<void> copyout(uptr udst, const void* ksrc, size_t n) {
  if (n == 0) return ok();
  if (!hal::user_va_range(udst, n)) return Error::Fault;
  if (n <= chunk_len(udst, n)) {
    preempt_disable();
    const bool done = hal::user_copy_out(udst, ksrc, n);
    preempt_enable();
    if (done) [[likely]] return ok();
  }
  return copyout_pages(udst, ksrc, n);
}

Result<size_t> copyinstr(char* kdst, uptr usrc, size_t max) {
  size_t done = 0;
  while (done < max) {
    // The string may end well before max: check only the pages it reaches.
    if (usrc >= hal::kUserVaTop) return Error::Fault;
    // At most kStrPiece bytes a copy: a short string (a path, an exec
    // argument) near the start of a page must not copy the rest of it.
    const size_t len = min(chunk_len(usrc, min(max - done, kStrPiece)), hal::kUserVaTop - usrc);
    TRY(copy_page(usrc, Access::Read,
                  [&] { return hal::user_copy_in(kdst + done, usrc, len); }));
    for (size_t i = 0; i < len; ++i)
      if (kdst[done + i] == '\0') return done + i;
    done += len;
    usrc += len;
  }
  return Error::NameTooLong;
}

bool copyin_nosleep(void* kdst, uptr usrc, size_t n) {
  if (n == 0) return true;
  if (!hal::user_va_range(usrc, n)) return false;
  KASSERT(chunk_len(usrc, n) == n);  // one page: all the futex word needs
  preempt_disable();
  const bool done = hal::user_copy_in(kdst, usrc, n);
  preempt_enable();
  return done;
}

Result<u32> user_amo32(uptr uaddr, UserAmo op, u32 arg) {
  if (uaddr % 4 != 0 || !hal::user_va_range(uaddr, 4)) return Error::Fault;
  u32 old = 0;
  TRY(copy_page(uaddr, Access::Write, [&] { return hal::user_amo32(uaddr, op, arg, &old); }));
  return old;
}

Result<u32> user_cmpxchg32(uptr uaddr, u32 expected, u32 desired) {
  if (uaddr % 4 != 0 || !hal::user_va_range(uaddr, 4)) return Error::Fault;
  u32 old = 0;
  TRY(copy_page(uaddr, Access::Write,
                [&] { return hal::user_cmpxchg32(uaddr, expected, desired, &old); }));
  return old;
}

}  // namespace tine

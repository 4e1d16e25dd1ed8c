// Host tests for copyin/copyout/copyinstr (core/vm/uaccess.cpp) over the host
// user copy (hal/host/uaccess.cpp): the current process's address space,
// faulting pages in on the way, EFAULT for everything else.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "core/vm/uaccess.h"
#include "core/vm/vm.h"
#include "core/vm/vm_space.h"  // the lock, to hold it busy
#include "hal/pmap.h"
#include "test/host/vm_test_util.h"

using namespace tine;
using namespace tine::test;

namespace {

constexpr Prot kRW = Prot::Read | Prot::Write;
constexpr uptr kBase = 0x300000;

VmSpace* make_space() {
  Result<VmSpace*> r = vmspace_create();
  REQUIRE(r.ok());
  return r.value();
}

void map(VmSpace* vs, uptr va, size_t pages, Prot prot = kRW) {
  REQUIRE(vm_map_anon(vs, va, pages * kPageSize, prot, MapShare::Private, true).ok());
}

}  // namespace

TEST_CASE("uaccess: copyout then copyin across pages, filling pages on the way") {
  VmMachine m;
  VmSpace* vs = make_space();
  m.set_curvm(vs);
  map(vs, kBase, 3);
  std::vector<u8> out(2 * kPageSize + 300), in(out.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = u8(i * 13 + 5);
  const uptr at = kBase + 1000;  // unaligned, spans all three pages
  REQUIRE(copyout(at, out.data(), out.size()).ok());
  CHECK(vm_resident_pages(vs) == 3);
  REQUIRE(copyin(in.data(), at, in.size()).ok());
  CHECK(in == out);
  CHECK(peek(vs, at + kPageSize) == out[kPageSize]);
  u8 zero[16] = {1};
  REQUIRE(copyin(zero, kBase, sizeof zero).ok());  // before `at`: still zero
  for (u8 b : zero) CHECK(b == 0);
  CHECK(copyin(nullptr, 0, 0).ok());  // nothing to copy: nothing to check
  m.set_curvm(nullptr);
  vmspace_release(vs);
  CHECK(m.all_back());
}

TEST_CASE("uaccess: EFAULT for unmapped, kernel-half, read-only and no-access memory") {
  VmMachine m;
  VmSpace* vs = make_space();
  m.set_curvm(vs);
  map(vs, kBase, 1);
  map(vs, kBase + 2 * kPageSize, 1, Prot::Read);
  map(vs, kBase + 3 * kPageSize, 1, Prot::None);
  map(vs, kBase + 4 * kPageSize, 1, Prot::Exec);
  u8 buf[64] = {};
  // Unmapped, whole or in part (the copy runs off the end of a mapping).
  CHECK(copyin(buf, kBase + kPageSize, 8).error() == Error::Fault);
  CHECK(copyin(buf, kBase + kPageSize - 8, 16).error() == Error::Fault);
  CHECK(copyout(kBase + kPageSize - 8, buf, 16).error() == Error::Fault);
  // The kernel half and ranges that leave the user half.
  CHECK(copyin(buf, 0xffffffc000000000ull, 8).error() == Error::Fault);
  CHECK(copyout(0xffffffc000000000ull, buf, 8).error() == Error::Fault);
  CHECK(copyin(buf, hal::kUserVaTop - 4, 8).error() == Error::Fault);
  CHECK(copyin(buf, ~uptr{0} - 2, 8).error() == Error::Fault);
  // Read-only: copyin works, copyout does not.
  CHECK(copyin(buf, kBase + 2 * kPageSize, 8).ok());
  CHECK(copyout(kBase + 2 * kPageSize, buf, 8).error() == Error::Fault);
  // No access, and execute-only (Sv39 without MXR cannot read it).
  CHECK(copyin(buf, kBase + 3 * kPageSize, 8).error() == Error::Fault);
  CHECK(copyout(kBase + 3 * kPageSize, buf, 8).error() == Error::Fault);
  CHECK(copyin(buf, kBase + 4 * kPageSize, 8).error() == Error::Fault);
  // A kernel thread has no user memory at all.
  m.set_curvm(nullptr);
  CHECK(copyin(buf, kBase, 8).error() == Error::Fault);
  vmspace_release(vs);
  CHECK(m.all_back());
}

TEST_CASE("uaccess: copyinstr finds the NUL, stops at max, faults past the mapping") {
  VmMachine m;
  VmSpace* vs = make_space();
  m.set_curvm(vs);
  map(vs, kBase, 2);
  const char hello[] = "hello, world";
  const uptr s = kBase + kPageSize - 5;  // crosses into the second page
  REQUIRE(copyout(s, hello, sizeof hello).ok());
  char buf[64];
  Result<size_t> n = copyinstr(buf, s, sizeof buf);
  REQUIRE(n.ok());
  CHECK(n.value() == strlen(hello));
  CHECK(std::strcmp(buf, hello) == 0);
  // Exactly enough room for the NUL; one byte less is too long.
  CHECK(copyinstr(buf, s, sizeof hello).value() == strlen(hello));
  CHECK(copyinstr(buf, s, sizeof hello - 1).error() == Error::NameTooLong);
  CHECK(copyinstr(buf, s, 0).error() == Error::NameTooLong);
  // An empty string.
  CHECK(copyinstr(buf, kBase + 100, sizeof buf).value() == 0);
  // No NUL before the mapping ends: EFAULT, not a read beyond it.
  std::vector<char> full(kPageSize, 'x');
  REQUIRE(copyout(kBase + kPageSize, full.data(), full.size()).ok());
  std::vector<char> big(3 * kPageSize);
  CHECK(copyinstr(big.data(), kBase + kPageSize, big.size()).error() == Error::Fault);
  CHECK(copyinstr(buf, 0xffffffc000000000ull, sizeof buf).error() == Error::Fault);
  CHECK(copyinstr(buf, hal::kUserVaTop - 8, sizeof buf).error() == Error::Fault);
  m.set_curvm(nullptr);
  vmspace_release(vs);
  CHECK(m.all_back());
}

TEST_CASE("uaccess: copyout into a copy-on-write page copies it for this space only") {
  VmMachine m;
  VmSpace* parent = make_space();
  map(parent, kBase, 1);
  poke(parent, kBase, 1);
  Result<VmSpace*> child = vmspace_fork(parent);
  REQUIRE(child.ok());
  m.set_curvm(child.value());
  const u8 v = 0x5a;
  REQUIRE(copyout(kBase, &v, 1).ok());
  CHECK(frame_of(child.value(), kBase) != frame_of(parent, kBase));
  CHECK(peek(parent, kBase) == 1);
  u8 back = 0;
  REQUIRE(copyin(&back, kBase, 1).ok());
  CHECK(back == 0x5a);
  m.set_curvm(nullptr);
  vmspace_release(child.value());
  vmspace_release(parent);
  CHECK(m.all_back());
}

TEST_CASE("uaccess: a fault the trap path could not resolve is retried in thread context") {
  VmMachine m;
  VmSpace* vs = make_space();
  m.set_curvm(vs);
  // One allocation fails (the n-th): vm_fault_from_kernel gives up, the copy
  // fails, copyout's own vm_fault then succeeds and the copy is redone.
  for (unsigned n = 1; n <= 6; ++n) {
    const uptr va = kBase + 2 * n * kPageSize;
    map(vs, va, 1);
    const u8 v = u8(n);
    m.pages().fail_nth_alloc(n);
    CHECK(copyout(va, &v, 1).ok());
    m.pages().fail_nth_alloc(0);
    CHECK(peek(vs, va) == n);
  }
  m.set_curvm(nullptr);
  vmspace_release(vs);
  CHECK(m.all_back());
}

TEST_CASE("uaccess: the trap-path fault never sleeps: a busy space lock makes it give up") {
  VmMachine m;
  VmSpace* vs = make_space();
  m.set_curvm(vs);
  map(vs, kBase, 1);
  vs->lock.lock();
  CHECK(!vm_fault_from_kernel(kBase, true));
  CHECK(frame_of(vs, kBase) == 0);
  vs->lock.unlock();
  CHECK(vm_fault_from_kernel(kBase, true));
  CHECK(has(rights_of(vs, kBase), Prot::Write));
  CHECK(!vm_fault_from_kernel(kBase + kPageSize, false));  // unmapped
  CHECK(!vm_fault_from_kernel(hal::kUserVaTop, false));
  m.set_curvm(nullptr);
  CHECK(!vm_fault_from_kernel(kBase, false));  // a kernel thread
  vmspace_release(vs);
  CHECK(m.all_back());
}

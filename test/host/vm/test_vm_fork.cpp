// Host tests for vmspace_fork and copy-on-write (core/vm/vm_fork.cpp,
// vm_fault.cpp): isolation, exact page reference counts, the last-reference
// shortcut, MAP_SHARED, FORK_SHAREVM references, allocation failure.
#include <catch2/catch.hpp>

#include <vector>

#include "core/vm/vm.h"
#include "hal/pmap.h"
#include "test/host/vm_test_util.h"

using namespace tine;
using namespace tine::test;

namespace {

constexpr Prot kRW = Prot::Read | Prot::Write;
constexpr uptr kBase = 0x200000;
constexpr unsigned kPages = 4;

uptr page(unsigned i) { return kBase + i * kPageSize; }

VmSpace* make_space() {
  Result<VmSpace*> r = vmspace_create();
  REQUIRE(r.ok());
  return r.value();
}

VmSpace* fork_of(VmSpace* parent) {
  Result<VmSpace*> r = vmspace_fork(parent);
  REQUIRE(r.ok());
  return r.value();
}

// A parent with kPages private read/write pages at kBase holding i + 1.
VmSpace* filled_parent(MapShare share = MapShare::Private) {
  VmSpace* vs = make_space();
  REQUIRE(vm_map_anon(vs, kBase, kPages * kPageSize, kRW, share, true).ok());
  for (unsigned i = 0; i < kPages; ++i) poke(vs, page(i), u8(i + 1));
  return vs;
}

}  // namespace

TEST_CASE("fork: both sides see the parent's data; a write copies; the other is unchanged") {
  VmMachine m;
  VmSpace* parent = filled_parent();
  VmSpace* child = fork_of(parent);
  for (unsigned i = 0; i < kPages; ++i) {
    CHECK(peek(parent, page(i)) == i + 1);
    CHECK(peek(child, page(i)) == i + 1);
    CHECK(frame_of(child, page(i)) == frame_of(parent, page(i)));
  }
  // The child writes page 0: a copy for the child, the parent keeps its own.
  const paddr_t shared0 = frame_of(parent, page(0));
  poke(child, page(0), 0xc0);
  CHECK(frame_of(child, page(0)) != shared0);
  CHECK(frame_of(parent, page(0)) == shared0);
  CHECK(peek(child, page(0)) == 0xc0);
  CHECK(peek(parent, page(0)) == 1);
  // The parent writes page 1: the same the other way round.
  const paddr_t shared1 = frame_of(child, page(1));
  poke(parent, page(1), 0xb1);
  CHECK(frame_of(parent, page(1)) != shared1);
  CHECK(frame_of(child, page(1)) == shared1);
  CHECK(peek(parent, page(1)) == 0xb1);
  CHECK(peek(child, page(1)) == 2);
  // Bytes other than the one written came along in the copy.
  poke(parent, page(2) + 100, 0x55);
  CHECK(peek(parent, page(2)) == 3);
  CHECK(peek(child, page(2) + 100) == 0);

  vmspace_release(child);
  vmspace_release(parent);
  CHECK(m.all_back());
}

TEST_CASE("fork: the parent's translations lose write permission at fork") {
  VmMachine m;
  VmSpace* parent = filled_parent();
  CHECK(has(rights_of(parent, page(0)), Prot::Write));
  VmSpace* child = fork_of(parent);
  for (unsigned i = 0; i < kPages; ++i) {
    CHECK(!has(rights_of(parent, page(i)), Prot::Write));
    CHECK(has(rights_of(parent, page(i)), Prot::Read));
  }
  // The child's pmap starts empty and fills read-only while shared.
  CHECK(hal::pmap_resident_count(vmspace_pmap(child)) == 0);
  CHECK(peek(child, page(3)) == 4);
  CHECK(rights_of(child, page(3)) == Prot::Read);
  vmspace_release(child);
  vmspace_release(parent);
  CHECK(m.all_back());
}

TEST_CASE("fork: page reference counts are exact through fork, writes and release") {
  VmMachine m;
  PageAllocator& pa = m.pages();
  VmSpace* parent = filled_parent();
  std::vector<paddr_t> frames;
  for (unsigned i = 0; i < kPages; ++i) {
    frames.push_back(frame_of(parent, page(i)));
    CHECK(pa.refcount(frames[i]) == 1);
  }
  const size_t before_fork = m.free_pages();
  // Fork takes no page reference: the anon is shared needs-copy.
  VmSpace* child = fork_of(parent);
  VmSpace* grandchild = fork_of(child);
  for (unsigned i = 0; i < kPages; ++i) CHECK(pa.refcount(frames[i]) == 1);

  // The child's first write copies its window (every page referenced once
  // more), then the page: the original is back to one reference.
  poke(child, page(0), 9);
  CHECK(pa.refcount(frames[0]) == 1);
  CHECK(pa.refcount(frame_of(child, page(0))) == 1);
  for (unsigned i = 1; i < kPages; ++i) CHECK(pa.refcount(frames[i]) == 2);

  vmspace_release(grandchild);
  for (unsigned i = 1; i < kPages; ++i) CHECK(pa.refcount(frames[i]) == 2);
  CHECK(pa.refcount(frames[0]) == 1);
  vmspace_release(child);
  for (unsigned i = 0; i < kPages; ++i) CHECK(pa.refcount(frames[i]) == 1);
  CHECK(m.free_pages() == before_fork);
  vmspace_release(parent);
  CHECK(m.all_back());
}

TEST_CASE("fork: a child that exits at once leaves every page the parent's, writable") {
  VmMachine m;
  // 600 pages: more than one last-level table (2 MiB = 512 pages).
  constexpr unsigned kMany = 600;
  VmSpace* parent = make_space();
  REQUIRE(vm_map_anon(parent, kBase, kMany * kPageSize, kRW, MapShare::Private, true).ok());
  for (unsigned i = 0; i < kMany; ++i) poke(parent, page(i), u8(i));
  VmSpace* child = fork_of(parent);
  CHECK(peek(child, page(7)) == 7);
  vmspace_release(child);
  const size_t free_before = m.free_pages();
  // The first write to a parked table takes it back, Write kept on every
  // page (none is shared now): the next writes do not fault. (A fault, as
  // the hardware takes it: pmap_extract would unpark the table itself,
  // taking Write from every page as pmap_protect would.)
  REQUIRE(vm_fault(parent, page(1), Access::Write).ok());
  for (unsigned i = 0; i < 512 - kBase / kPageSize % 512; ++i)
    CHECK(has(rights_of(parent, page(i)), Prot::Write));
  for (unsigned i = 0; i < kMany; ++i) poke(parent, page(i), u8(i + 1));
  CHECK(m.free_pages() == free_before);  // no copies
  for (unsigned i = 0; i < kMany; ++i) CHECK(peek(parent, page(i)) == u8(i + 1));
  vmspace_release(parent);
  CHECK(m.all_back());
}

TEST_CASE("fork: parent and child write alternate pages of a large region") {
  VmMachine m;
  constexpr unsigned kMany = 1100;  // three last-level tables
  VmSpace* parent = make_space();
  REQUIRE(vm_map_anon(parent, kBase, kMany * kPageSize, kRW, MapShare::Private, true).ok());
  for (unsigned i = 0; i < kMany; ++i) poke(parent, page(i), u8(i));
  VmSpace* child = fork_of(parent);
  for (unsigned i = 0; i < kMany; ++i) poke(i % 2 ? parent : child, page(i), u8(i ^ 0xff));
  VmSpace* grandchild = fork_of(child);
  for (unsigned i = 1; i < kMany; i += 2) poke(grandchild, page(i), 0x5a);
  for (unsigned i = 0; i < kMany; ++i) {
    CHECK(peek(parent, page(i)) == u8(i % 2 ? i ^ 0xff : i));
    CHECK(peek(child, page(i)) == u8(i % 2 ? i : i ^ 0xff));
    CHECK(peek(grandchild, page(i)) == u8(i % 2 ? 0x5a : i ^ 0xff));
  }
  vmspace_release(child);
  vmspace_release(parent);
  for (unsigned i = 0; i < kMany; ++i)
    CHECK(peek(grandchild, page(i)) == u8(i % 2 ? 0x5a : i ^ 0xff));
  vmspace_release(grandchild);
  CHECK(m.all_back());
}

TEST_CASE("fork: an unmap while the anon is shared, then regrowing, reads zeros") {
  VmMachine m;
  constexpr unsigned kMany = 16;
  VmSpace* parent = make_space();
  REQUIRE(vm_map_anon(parent, kBase, kMany * kPageSize, kRW, MapShare::Private, true).ok());
  for (unsigned i = 0; i < kMany; ++i) poke(parent, page(i), u8(i + 1));
  VmSpace* child = fork_of(parent);
  // The parent drops its top half; the child still reads it.
  REQUIRE(vm_unmap(parent, page(8), 8 * kPageSize).ok());
  CHECK(peek(child, page(12)) == 13);
  vmspace_release(child);
  // The anon is the parent's alone again: grown back in place, the top
  // half is demand-zero, not the pages the child held.
  Result<uptr> r = vm_remap(parent, kBase, 8 * kPageSize, kMany * kPageSize, RemapFlags{}, 0);
  REQUIRE(r.ok());
  CHECK(r.value() == kBase);
  for (unsigned i = 8; i < kMany; ++i) CHECK(peek(parent, page(i)) == 0);
  CHECK(peek(parent, page(3)) == 4);
  vmspace_release(parent);
  CHECK(m.all_back());
}

TEST_CASE("fork: MADV_DONTNEED while shared empties only this side") {
  VmMachine m;
  VmSpace* parent = filled_parent();
  VmSpace* child = fork_of(parent);
  REQUIRE(vm_advise(parent, page(0), kPageSize, Advice::DontNeed).ok());
  CHECK(peek(parent, page(0)) == 0);
  CHECK(peek(child, page(0)) == 1);
  REQUIRE(vm_advise(child, page(1), kPageSize, Advice::DontNeed).ok());
  CHECK(peek(child, page(1)) == 0);
  CHECK(peek(parent, page(1)) == 2);
  vmspace_release(child);
  CHECK(peek(parent, page(2)) == 3);
  vmspace_release(parent);
  CHECK(m.all_back());
}

TEST_CASE("fork: a write with the last reference takes the page without copying") {
  VmMachine m;
  VmSpace* parent = filled_parent();
  const paddr_t p0 = frame_of(parent, page(0));
  const paddr_t p1 = frame_of(parent, page(1));
  VmSpace* child = fork_of(parent);

  // The child copies page 0; the parent is then the only holder of p0.
  poke(child, page(0), 0x11);
  const size_t free_before = m.free_pages();
  poke(parent, page(0), 0x22);
  CHECK(frame_of(parent, page(0)) == p0);
  CHECK(m.free_pages() == free_before);  // no page was taken for a copy
  CHECK(m.pages().refcount(p0) == 1);

  // Once the child is gone every page is the parent's again.
  vmspace_release(child);
  poke(parent, page(1), 0x33);
  CHECK(frame_of(parent, page(1)) == p1);
  CHECK(peek(parent, page(0)) == 0x22);
  CHECK(peek(parent, page(1)) == 0x33);
  vmspace_release(parent);
  CHECK(m.all_back());
}

TEST_CASE("fork: MAP_SHARED stays shared, also when untouched before the fork") {
  VmMachine m;
  VmSpace* parent = make_space();
  REQUIRE(vm_map_anon(parent, kBase, 2 * kPageSize, kRW, MapShare::Shared, true).ok());
  poke(parent, page(0), 1);  // page 1 is left untouched
  VmSpace* child = fork_of(parent);
  CHECK(has(rights_of(parent, page(0)), Prot::Write));  // no COW for shared

  poke(child, page(0), 0xaa);
  CHECK(peek(parent, page(0)) == 0xaa);
  poke(child, page(1), 0xbb);  // first touch, in the child
  CHECK(peek(parent, page(1)) == 0xbb);
  CHECK(frame_of(parent, page(1)) == frame_of(child, page(1)));
  poke(parent, page(1), 0xcc);
  CHECK(peek(child, page(1)) == 0xcc);

  // Still shared with a third space; the pages outlive the first owner.
  VmSpace* grandchild = fork_of(child);
  vmspace_release(parent);
  poke(grandchild, page(0), 0xdd);
  CHECK(peek(child, page(0)) == 0xdd);
  // Unmapping in one space leaves the others' view intact.
  REQUIRE(vm_unmap(child, kBase, 2 * kPageSize).ok());
  CHECK(peek(grandchild, page(1)) == 0xcc);
  vmspace_release(child);
  vmspace_release(grandchild);
  CHECK(m.all_back());
}

TEST_CASE("fork: private and shared entries side by side, split entries") {
  VmMachine m;
  VmSpace* parent = filled_parent();
  REQUIRE(vm_map_anon(parent, page(8), kPageSize, kRW, MapShare::Shared, true).ok());
  poke(parent, page(8), 8);
  // Split the private entry (its object is shared by the two pieces).
  REQUIRE(vm_protect(parent, page(1), kPageSize, Prot::Read).ok());
  VmSpace* child = fork_of(parent);
  CHECK(peek(child, page(1)) == 2);
  CHECK(vm_fault(child, page(1), Access::Write).error() == Error::Fault);
  poke(child, page(2), 0x99);
  CHECK(peek(parent, page(2)) == 3);
  poke(child, page(8), 0x88);
  CHECK(peek(parent, page(8)) == 0x88);
  vmspace_release(parent);
  CHECK(peek(child, page(0)) == 1);
  vmspace_release(child);
  CHECK(m.all_back());
}

TEST_CASE("fork: FORK_SHAREVM references keep one space alive until the last") {
  VmMachine m;
  VmSpace* vs = filled_parent();
  vmspace_hold(vs);  // the child shares it
  poke(vs, page(0), 0x42);
  vmspace_release(vs);  // the child exits
  CHECK(peek(vs, page(0)) == 0x42);
  CHECK(vm_resident_pages(vs) == kPages);
  vmspace_release(vs);
  CHECK(m.all_back());
}

TEST_CASE("fork: NoMem at every allocation step leaves the parent as it was") {
  VmMachine m;
  PageAllocator& pa = m.pages();
  VmSpace* parent = filled_parent();
  // A second, sparse private entry and a shared one.
  REQUIRE(vm_map_anon(parent, 0x10000000, 2048 * kPageSize, kRW, MapShare::Private, true).ok());
  poke(parent, 0x10000000 + 1500 * kPageSize, 7);
  REQUIRE(vm_map_anon(parent, page(10), kPageSize, kRW, MapShare::Shared, true).ok());
  poke(parent, page(10), 10);

  struct PageState {
    paddr_t frame;
    Prot rights;
    u32 refs;
  };
  const uptr probes[] = {page(0), page(3), 0x10000000 + 1500 * kPageSize, page(10)};
  auto snapshot = [&] {
    std::vector<PageState> s;
    for (uptr va : probes) {
      const paddr_t f = frame_of(parent, va);
      s.push_back({f, rights_of(parent, va), f ? pa.refcount(f) : 0});
    }
    return s;
  };
  std::vector<PageState> before = snapshot();
  size_t free_before = m.free_pages();
  const unsigned failures = fail_every_step(
      pa,
      [&](int) {
        Result<VmSpace*> r = vmspace_fork(parent);
        if (!r.ok()) return r.error();
        vmspace_release(r.value());
        // A fork that succeeded took write permission from the parent: the
        // next pass compares against that.
        before = snapshot();
        free_before = m.free_pages();
        return Error{};
      },
      [&] {
        const std::vector<PageState> after = snapshot();
        for (size_t i = 0; i < before.size(); ++i) {
          REQUIRE(after[i].frame == before[i].frame);
          REQUIRE(after[i].rights == before[i].rights);
          REQUIRE(after[i].refs == before[i].refs);
        }
        REQUIRE(m.free_pages() == free_before);
      });
  INFO("failures: " << failures);
  // Pages: the pmap's root. Heap: the pmap, the space, three entries (the
  // objects are shared, not copied: no slot table or chunk).
  CHECK(failures >= 1 + 5);
  CHECK(peek(parent, page(3)) == 4);
  vmspace_release(parent);
  CHECK(m.all_back());
}

TEST_CASE("fork: a copy-on-write fault under NoMem at every step leaks nothing") {
  VmMachine m;
  PageAllocator& pa = m.pages();
  VmSpace* parent = filled_parent();
  VmSpace* child = fork_of(parent);
  const paddr_t shared = frame_of(parent, page(2));
  const paddr_t shared3 = frame_of(parent, page(3));
  // The child's first write copies its window of the shared anon (its
  // failures: the next test); from then on every page is shared per page.
  poke(child, page(0), 0x10);
  REQUIRE(pa.refcount(shared) == 2);
  // Pass 0 (pages) copies page 2: only the copy (the child's tables exist).
  // Pass 1 (heap) copies page 3: no heap allocation is needed.
  const unsigned failures = fail_every_step(
      pa,
      [&](int pass) {
        const Result<void> r = vm_fault(child, page(2 + pass), Access::Write);
        return r.ok() ? Error{} : r.error();
      },
      [&] {
        REQUIRE(pa.refcount(shared) == 2);
        REQUIRE(pa.refcount(shared3) == 2);
        REQUIRE(hal::pmap_resident_count(vmspace_pmap(child)) <= 1);
      });
  CHECK(failures == 1);
  CHECK(pa.refcount(shared3) == 1);
  CHECK(pa.refcount(shared) == 1);
  CHECK(frame_of(child, page(2)) != shared);
  CHECK(peek(child, page(2)) == 3);
  vmspace_release(child);
  vmspace_release(parent);
  CHECK(m.all_back());
}

TEST_CASE("fork: the first write's window copy under NoMem at every step leaks nothing") {
  VmMachine m;
  PageAllocator& pa = m.pages();
  VmSpace* parent = filled_parent();
  VmSpace* child = fork_of(parent);
  std::vector<paddr_t> frames;
  for (unsigned i = 0; i < kPages; ++i) frames.push_back(frame_of(parent, page(i)));
  // A failure leaves the child either still sharing the anon (every page
  // referenced once) or with its window copied (every page twice); page 1
  // is the parent's frame, never a half-made copy.
  const unsigned failures = fail_every_step(
      pa,
      [&](int) {
        const Result<void> r = vm_fault(child, page(1), Access::Write);
        return r.ok() ? Error{} : r.error();
      },
      [&] {
        const u32 refs = pa.refcount(frames[0]);
        REQUIRE((refs == 1 || refs == 2));
        for (unsigned i = 1; i < kPages; ++i) REQUIRE(pa.refcount(frames[i]) == refs);
        REQUIRE(peek(child, page(1)) == 2);
      });
  CHECK(failures >= 2);
  CHECK(frame_of(child, page(1)) != frames[1]);
  CHECK(pa.refcount(frames[1]) == 1);
  CHECK(pa.refcount(frames[2]) == 2);
  vmspace_release(child);
  for (unsigned i = 0; i < kPages; ++i) CHECK(pa.refcount(frames[i]) == 1);
  CHECK(peek(parent, page(1)) == 2);
  vmspace_release(parent);
  CHECK(m.all_back());
}

TEST_CASE("fork: entries split from one anon take it back together when the child has gone") {
  VmMachine m;
  VmSpace* parent = filled_parent();
  REQUIRE(vm_protect(parent, page(3), kPageSize, Prot::Read).ok());  // two entries
  const paddr_t p0 = frame_of(parent, page(0));
  const paddr_t p3 = frame_of(parent, page(3));
  VmSpace* child = fork_of(parent);
  // The parent writes its first entry's pages: both its entries move to
  // one copy of their windows, then pages 0..2 are copied per page.
  for (unsigned i = 0; i < 3; ++i) poke(parent, page(i), u8(0x21 + i));
  CHECK(m.pages().refcount(p0) == 1);
  CHECK(m.pages().refcount(p3) == 2);  // page 3 is still shared per page
  // The child's two entries are the anon's only holders now: its write
  // takes the page back instead of copying.
  CHECK(peek(child, page(3)) == 4);  // (the child's tables are made)
  const size_t free_before = m.free_pages();
  poke(child, page(0), 0x30);
  CHECK(frame_of(child, page(0)) == p0);
  CHECK(m.free_pages() == free_before);
  CHECK(frame_of(child, page(3)) == p3);
  CHECK(peek(parent, page(0)) == 0x21);
  vmspace_release(child);
  CHECK(m.pages().refcount(p3) == 1);
  vmspace_release(parent);
  CHECK(m.all_back());
}

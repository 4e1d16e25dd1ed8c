// Host tests for address spaces (core/vm/vm_map.cpp, vm_fault.cpp): mapping,
// demand zero, unmap and protect with splitting, placement, brk, exec's
// vm_map_copy.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "core/proc/sigacts.h"
#include "core/vm/vm.h"
#include "hal/pmap.h"
#include "test/host/vm_test_util.h"

using namespace tine;
using namespace tine::test;

namespace {

constexpr Prot kRW = Prot::Read | Prot::Write;
constexpr uptr kBase = 0x100000;  // a fixed spot well inside the user half

VmSpace* make_space() {
  Result<VmSpace*> r = vmspace_create();
  REQUIRE(r.ok());
  return r.value();
}

uptr map_fixed(VmSpace* vs, uptr va, size_t pages, Prot prot = kRW,
               MapShare share = MapShare::Private) {
  Result<uptr> r = vm_map_anon(vs, va, pages * kPageSize, prot, share, true);
  REQUIRE(r.ok());
  REQUIRE(r.value() == va);
  return va;
}

uptr page(unsigned i) { return kBase + i * kPageSize; }

}  // namespace

TEST_CASE("vm: anonymous memory is demand-zero: no page until first touch") {
  VmMachine m;
  VmSpace* vs = make_space();
  map_fixed(vs, kBase, 4);
  CHECK(vm_resident_pages(vs) == 0);
  CHECK(hal::pmap_resident_count(vmspace_pmap(vs)) == 0);
  CHECK(frame_of(vs, page(1)) == 0);

  CHECK(peek(vs, page(1) + 17) == 0);
  CHECK(vm_resident_pages(vs) == 1);
  poke(vs, page(2) + 5, 0xab);
  CHECK(peek(vs, page(2) + 5) == 0xab);
  CHECK(vm_resident_pages(vs) == 2);
  CHECK(hal::pmap_resident_count(vmspace_pmap(vs)) == 2);
  // The whole new page reads as zero (the allocator's poison is gone).
  const u8* bytes = static_cast<const u8*>(hal::phys_to_virt(frame_of(vs, page(1))));
  for (size_t i = 0; i < kPageSize; ++i) REQUIRE(bytes[i] == 0);

  vmspace_release(vs);
  CHECK(m.all_back());
}

TEST_CASE("vm: a fault outside any mapping or against its rights is Fault") {
  VmMachine m;
  VmSpace* vs = make_space();
  map_fixed(vs, kBase, 1, Prot::Read);
  map_fixed(vs, page(2), 1, Prot::Exec);
  CHECK(vm_fault(vs, page(1), Access::Read).error() == Error::Fault);
  CHECK(vm_fault(vs, 0, Access::Read).error() == Error::Fault);
  CHECK(vm_fault(vs, hal::kUserVaTop, Access::Read).error() == Error::Fault);
  CHECK(vm_fault(vs, kBase, Access::Write).error() == Error::Fault);
  CHECK(vm_fault(vs, kBase, Access::Exec).error() == Error::Fault);
  CHECK(vm_fault(vs, kBase, Access::Read).ok());
  CHECK(vm_fault(vs, page(2), Access::Exec).ok());
  CHECK(vm_fault(vs, page(2), Access::Read).error() == Error::Fault);
  CHECK(rights_of(vs, page(2)) == Prot::Exec);
  vmspace_release(vs);
  CHECK(m.all_back());
}

TEST_CASE("vm: vm_user_fault resolves in the thread's process's space, else SIGSEGV") {
  VmMachine m;
  VmSpace* vs = make_space();
  map_fixed(vs, kBase, 1, Prot::Read);
  Proc p;
  Lwp l;
  l.proc = &p;
  p.p_vmspace = vs;
  CHECK(vm_user_fault(&l, kBase + 8, Access::Read) == 0);
  CHECK(frame_of(vs, kBase) != 0);
  CHECK(vm_user_fault(&l, kBase, Access::Write) == kSigSegv);
  CHECK(vm_user_fault(&l, page(1), Access::Read) == kSigSegv);
  CHECK(vm_user_fault(&l, hal::kUserVaTop, Access::Read) == kSigSegv);
  p.p_vmspace = nullptr;  // a process between exit's teardown and its end
  CHECK(vm_user_fault(&l, kBase, Access::Read) == kSigSegv);
  l.proc = nullptr;  // a kernel thread
  CHECK(vm_user_fault(&l, kBase, Access::Read) == kSigSegv);
  CHECK(vm_user_fault(nullptr, kBase, Access::Read) == kSigSegv);
  vmspace_release(vs);
  CHECK(m.all_back());
}

TEST_CASE("vm: unmap splits an entry, frees the pages it covers, leaves holes") {
  VmMachine m;
  VmSpace* vs = make_space();
  map_fixed(vs, kBase, 8);
  for (unsigned i = 0; i < 8; ++i) poke(vs, page(i), u8(i + 1));
  const size_t with_pages = m.free_pages();

  // The middle of one entry: it becomes two.
  REQUIRE(vm_unmap(vs, page(3), 2 * kPageSize).ok());
  CHECK(vm_resident_pages(vs) == 6);
  CHECK(m.free_pages() == with_pages + 2);
  CHECK(vm_fault(vs, page(3), Access::Read).error() == Error::Fault);
  CHECK(vm_fault(vs, page(4), Access::Read).error() == Error::Fault);
  CHECK(peek(vs, page(2)) == 3);
  CHECK(peek(vs, page(5)) == 6);

  // Across both pieces and the hole between them; len rounds up.
  REQUIRE(vm_unmap(vs, page(2), 4 * kPageSize - 100).ok());
  CHECK(vm_resident_pages(vs) == 4);
  CHECK(peek(vs, page(1)) == 2);
  CHECK(peek(vs, page(6)) == 7);
  CHECK(vm_fault(vs, page(5), Access::Read).error() == Error::Fault);

  // All holes: fine. Bad arguments: Inval.
  CHECK(vm_unmap(vs, page(20), kPageSize).ok());
  CHECK(vm_unmap(vs, kBase + 1, kPageSize).error() == Error::Inval);
  CHECK(vm_unmap(vs, kBase, 0).error() == Error::Inval);
  CHECK(vm_unmap(vs, hal::kUserVaTop - kPageSize, 2 * kPageSize).error() ==
        Error::Inval);

  // Re-mapping the hole gives zeros, not the old bytes.
  map_fixed(vs, page(3), 1);
  CHECK(peek(vs, page(3)) == 0);

  vmspace_release(vs);
  CHECK(m.all_back());
}

TEST_CASE("vm: protect splits entries and changes rights; data survives PROT_NONE") {
  VmMachine m;
  VmSpace* vs = make_space();
  map_fixed(vs, kBase, 6);
  for (unsigned i = 0; i < 6; ++i) poke(vs, page(i), u8(0x10 + i));

  REQUIRE(vm_protect(vs, page(2), 2 * kPageSize, Prot::Read).ok());
  CHECK(vm_fault(vs, page(2), Access::Write).error() == Error::Fault);
  CHECK(vm_fault(vs, page(3), Access::Write).error() == Error::Fault);
  CHECK(!has(rights_of(vs, page(2)), Prot::Write));
  CHECK(peek(vs, page(2)) == 0x12);
  poke(vs, page(1), 0x21);  // the pieces outside keep their rights
  poke(vs, page(4), 0x24);

  // A hole in the range: ENOMEM, and nothing changed.
  REQUIRE(vm_unmap(vs, page(5), kPageSize).ok());
  CHECK(vm_protect(vs, page(4), 2 * kPageSize, Prot::Read).error() == Error::NoMem);
  poke(vs, page(4), 0x34);
  CHECK(vm_protect(vs, page(1), kPageSize, Prot::Global).error() == Error::Inval);
  CHECK(vm_protect(vs, page(1), 0, Prot::Read).ok());

  // No access at all: the translations go, the pages stay in the object.
  const u64 resident = vm_resident_pages(vs);
  REQUIRE(vm_protect(vs, kBase, 5 * kPageSize, Prot::None).ok());
  CHECK(frame_of(vs, page(0)) == 0);
  CHECK(vm_fault(vs, page(0), Access::Read).error() == Error::Fault);
  CHECK(vm_resident_pages(vs) == resident);
  REQUIRE(vm_protect(vs, kBase, 5 * kPageSize, kRW | Prot::User).ok());
  CHECK(peek(vs, page(0)) == 0x10);
  CHECK(peek(vs, page(1)) == 0x21);
  CHECK(peek(vs, page(2)) == 0x12);
  CHECK(peek(vs, page(4)) == 0x34);
  poke(vs, page(2), 0x42);  // writable again: the page was this space's alone
  CHECK(peek(vs, page(2)) == 0x42);

  vmspace_release(vs);
  CHECK(m.all_back());
}

TEST_CASE("vm: placement is top-down below the stack; hints and fixed mappings") {
  VmMachine m;
  VmSpace* vs = make_space();
  Result<uptr> a = vm_map_anon(vs, 0, 3 * kPageSize, kRW, MapShare::Private, false);
  REQUIRE(a.ok());
  CHECK(a.value() == kVmMmapTop - 3 * kPageSize);
  Result<uptr> b = vm_map_anon(vs, 0, kPageSize, kRW, MapShare::Private, false);
  REQUIRE(b.ok());
  CHECK(b.value() == a.value() - kPageSize);
  // A free hint is taken as is; a taken one moves to the highest free range
  // at or above it (here: none above, so the whole area is searched).
  Result<uptr> c = vm_map_anon(vs, kBase, kPageSize, kRW, MapShare::Private, false);
  REQUIRE(c.ok());
  CHECK(c.value() == kBase);
  Result<uptr> d = vm_map_anon(vs, kBase, kPageSize, kRW, MapShare::Private, false);
  REQUIRE(d.ok());
  CHECK(d.value() != kBase);
  CHECK(d.value() >= kBase);
  CHECK(d.value() + kPageSize <= kVmMmapTop);
  // Fixed replaces what is there, contents included.
  poke(vs, a.value() + kPageSize, 0x77);
  map_fixed(vs, a.value() + kPageSize, 1);
  CHECK(peek(vs, a.value() + kPageSize) == 0);
  // Bad arguments.
  CHECK(vm_map_anon(vs, kBase + 8, kPageSize, kRW, MapShare::Private, true).error() ==
        Error::Inval);
  CHECK(vm_map_anon(vs, kBase, 0, kRW, MapShare::Private, true).error() == Error::Inval);
  CHECK(vm_map_anon(vs, kBase, kPageSize, Prot::Global, MapShare::Private, true).error() ==
        Error::Inval);
  CHECK(vm_map_anon(vs, 0, kPageSize, kRW, MapShare::Private, true).error() == Error::Perm);
  CHECK(vm_map_anon(vs, hal::kUserVaTop - kPageSize, 2 * kPageSize, kRW,
                    MapShare::Private, true)
            .error() == Error::Inval);
  CHECK(vm_map_anon(vs, 0, kVmMmapTop, kRW, MapShare::Private, false).error() ==
        Error::NoMem);
  // Beyond the mmap area: fixed still works (exec's stack lives there).
  map_fixed(vs, hal::kUserVaTop - kPageSize, 1);
  poke(vs, hal::kUserVaTop - 1, 9);
  CHECK(peek(vs, hal::kUserVaTop - 1) == 9);
  vmspace_release(vs);
  CHECK(m.all_back());
}

TEST_CASE("vm: brk grows and shrinks the heap with Linux's answers") {
  VmMachine m;
  VmSpace* vs = make_space();
  CHECK(vm_brk(vs, 0x500000) == 0);  // no base yet: cannot move
  vm_set_brk_base(vs, 0x400123);
  const uptr base = 0x401000;
  CHECK(vm_brk(vs, 0) == base);
  CHECK(vm_brk(vs, base - 1) == base);

  CHECK(vm_brk(vs, base + 5000) == base + 5000);
  poke(vs, base, 1);
  poke(vs, base + 8191, 2);
  CHECK(vm_fault(vs, base + 8192, Access::Read).error() == Error::Fault);
  // Growing again extends the same heap.
  CHECK(vm_brk(vs, base + 3 * kPageSize) == base + 3 * kPageSize);
  poke(vs, base + 2 * kPageSize, 3);
  CHECK(peek(vs, base + 8191) == 2);
  CHECK(vm_resident_pages(vs) == 3);

  // Shrinking unmaps whole pages above the new break.
  CHECK(vm_brk(vs, base + 10) == base + 10);
  CHECK(vm_resident_pages(vs) == 1);
  CHECK(peek(vs, base) == 1);
  CHECK(vm_fault(vs, base + kPageSize, Access::Read).error() == Error::Fault);
  // Growing back gives zeros.
  CHECK(vm_brk(vs, base + 2 * kPageSize) == base + 2 * kPageSize);
  CHECK(peek(vs, base + kPageSize) == 0);

  // Something mapped in the way: the break stays.
  map_fixed(vs, base + 4 * kPageSize, 1);
  CHECK(vm_brk(vs, base + 6 * kPageSize) == base + 2 * kPageSize);
  CHECK(vm_brk(vs, hal::kUserVaTop + 1) == base + 2 * kPageSize);
  vmspace_release(vs);
  CHECK(m.all_back());
}

TEST_CASE("vm: vm_map_copy places bytes at an unaligned address, zeros around") {
  VmMachine m;
  VmSpace* vs = make_space();
  std::vector<u8> src(6000);
  for (size_t i = 0; i < src.size(); ++i) src[i] = u8(i * 7 + 1);
  const uptr va = kBase + 0x234;
  // memsz spans four pages; the file bytes cover the first two.
  REQUIRE(vm_map_copy(vs, va, 14000, src.data(), src.size(),
                      Prot::Read | Prot::Exec | Prot::User)
              .ok());
  CHECK(vm_resident_pages(vs) == 2);  // the bss-like rest is demand-zero
  CHECK(peek(vs, kBase) == 0);
  CHECK(peek(vs, va - 1) == 0);
  for (size_t i = 0; i < src.size(); i += 97) REQUIRE(peek(vs, va + i) == src[i]);
  CHECK(peek(vs, va + src.size() - 1) == src.back());
  CHECK(peek(vs, va + src.size()) == 0);
  CHECK(peek(vs, va + 13999) == 0);
  CHECK(vm_fault(vs, va + 14000 + kPageSize, Access::Read).error() == Error::Fault);
  CHECK(vm_fault(vs, va, Access::Write).error() == Error::Fault);
  CHECK(vm_fault(vs, va, Access::Exec).ok());

  CHECK(vm_map_copy(vs, va, 10, src.data(), 11, Prot::Read).error() == Error::Inval);
  CHECK(vm_map_copy(vs, va, 0, src.data(), 0, Prot::Read).error() == Error::Inval);
  CHECK(vm_map_copy(vs, 0x10, 10, src.data(), 10, Prot::Read).error() == Error::Inval);
  CHECK(vm_map_copy(vs, hal::kUserVaTop - 10, 20, src.data(), 10, Prot::Read).error() ==
        Error::Inval);

  // Failing part way (every allocation step): NoMem, and nothing stays.
  VmSpace* other = make_space();
  const size_t before = m.free_pages();
  const unsigned failures = fail_every_step(
      m.pages(),
      [&](int) {
        const Result<void> r =
            vm_map_copy(other, va, 3 * kPageSize, src.data(), src.size(), kRW);
        if (!r.ok()) return r.error();
        REQUIRE(vm_unmap(other, kBase, 4 * kPageSize).ok());  // for the next pass
        return Error{};
      },
      [&] {
        CHECK(vm_resident_pages(other) == 0);
        CHECK(vm_fault(other, va, Access::Read).error() == Error::Fault);
        REQUIRE(m.free_pages() == before);
      });
  // Pages: two data pages, the chunk. Heap: two entries, object, slot
  // table, chunk.
  CHECK(failures >= 3 + 5);
  REQUIRE(vm_map_copy(other, va, 3 * kPageSize, src.data(), src.size(), kRW).ok());
  CHECK(peek(other, va + 5) == src[5]);
  vmspace_release(other);
  vmspace_release(vs);
  CHECK(m.all_back());
}

TEST_CASE("vm: demand-zero fault under allocation failure at every step leaks nothing") {
  VmMachine m;
  VmSpace* vs = make_space();
  map_fixed(vs, kBase, 4);
  // Pass 0 (pages) in a mapping of its own in another GiB, so that every
  // table page is needed too; pass 1 (heap) at kBase.
  constexpr uptr kFar = 0x80000000;
  map_fixed(vs, kFar, 1);
  const uptr targets[2] = {kFar, page(1)};
  const size_t before = m.free_pages();
  const unsigned failures = fail_every_step(
      m.pages(),
      [&](int pass) {
        const Result<void> r = vm_fault(vs, targets[pass], Access::Write);
        return r.ok() ? Error{} : r.error();
      },
      [&] {
        // What a failed fault made may stay with the space (its object,
        // a chunk, a filled slot), but the page is not mapped twice and
        // nothing leaks: see the end of the test.
        REQUIRE(vm_resident_pages(vs) <= 2);
        REQUIRE(m.free_pages() <= before);
      });
  // A failed fault keeps what it made (object, chunk, filled slot), so each
  // retry gets further. Pages: the chunk, the page, the second table page
  // (the first is given back). Heap: the object, its slot table, its chunk.
  CHECK(failures == 3 + 3);
  CHECK(peek(vs, kFar) == 0);
  poke(vs, page(1), 5);
  CHECK(peek(vs, page(1)) == 5);
  vmspace_release(vs);
  CHECK(m.all_back());
}

TEST_CASE("vm: an anon grown in place reads zeros past its old end, over a reused chunk") {
  VmMachine m;
  // A chunk of slots full of pages, freed: the next chunk the heap hands
  // out may be that memory, slots and all.
  VmSpace* old = make_space();
  map_fixed(old, kBase, 16);
  for (unsigned i = 0; i < 16; ++i) poke(old, kBase + i * kPageSize, u8(0x70 + i));
  vmspace_release(old);
  // A 4-page anon's chunk is cleared only for its 4 slots; growing it in
  // place must clear the slots it adds.
  VmSpace* vs = make_space();
  map_fixed(vs, kBase, 4);
  for (unsigned i = 0; i < 4; ++i) poke(vs, kBase + i * kPageSize, u8(i + 1));
  Result<uptr> r = vm_remap(vs, kBase, 4 * kPageSize, 16 * kPageSize, RemapFlags{}, 0);
  REQUIRE(r.ok());
  CHECK(r.value() == kBase);
  for (unsigned i = 0; i < 4; ++i) CHECK(peek(vs, kBase + i * kPageSize) == u8(i + 1));
  for (unsigned i = 4; i < 16; ++i) CHECK(peek(vs, kBase + i * kPageSize) == 0);
  vmspace_release(vs);
  CHECK(m.all_back());
}

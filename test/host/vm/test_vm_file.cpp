// Host tests for file mappings (core/vm/vm_map.cpp vm_map_object and
// vm_map_segment, vm_fault.cpp's object layer, vm_fork.cpp) over a fake
// pager standing in for a file's page cache: private mappings are
// copy-on-write over the object's pages, shared ones are those pages, a
// page past the end is Range (SIGBUS), the object and its pages stay
// referenced exactly as long as a mapping holds them, and exec's segment
// zeroes the bss part of its last file page.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "core/proc/sigacts.h"
#include "core/vm/vm.h"
#include "core/vm/vm_page.h"
#include "hal/pmap.h"
#include "test/host/vm_test_util.h"

using namespace tine;
using namespace tine::test;

namespace {

constexpr Prot kRW = Prot::Read | Prot::Write;
constexpr uptr kBase = 0x300000;

uptr page(unsigned i) { return kBase + i * kPageSize; }

VmSpace* make_space() {
  Result<VmSpace*> r = vmspace_create();
  REQUIRE(r.ok());
  return r.value();
}

// A file's page cache: `size` bytes in pages filled with 'a' + index; holes
// are filled on demand, as tmpfs does.
struct FakeFile {
  std::vector<paddr_t> pages;
  u64 size = 0;
  int refs = 1;
  unsigned gets = 0;
  bool full = false;  // holes cannot be filled: NoSpc

  FakeFile(unsigned npages, u64 bytes) : pages(npages, 0), size(bytes) {
    for (unsigned i = 0; i < npages; ++i) {
      Result<paddr_t> pa = vm_page_allocator().alloc(0);
      REQUIRE(pa.ok());
      pages[i] = pa.value();
      memset(bytes_of(i), 'a' + int(i), kPageSize);
    }
  }
  ~FakeFile() { truncate_pages(0); }

  u8* bytes_of(unsigned i) { return static_cast<u8*>(hal::phys_to_virt(pages[i])); }
  // Drops the cache's pages from index first on (a truncate).
  void truncate_pages(unsigned first) {
    for (unsigned i = first; i < pages.size(); ++i)
      if (pages[i]) (void)vm_page_allocator().unref(pages[i]);
    pages.resize(first);
    size = min<u64>(size, u64(first) * kPageSize);
  }

  static Result<paddr_t> get_page(void* obj, u64 idx) {
    auto* f = static_cast<FakeFile*>(obj);
    f->gets++;
    if (idx * kPageSize >= f->size) return Error::Range;
    if (idx >= f->pages.size()) return f->full ? Error::NoSpc : Error::Range;
    vm_page_allocator().ref(f->pages[idx]);
    return f->pages[idx];
  }
  static void hold(void* obj) { static_cast<FakeFile*>(obj)->refs++; }
  static void release(void* obj) { static_cast<FakeFile*>(obj)->refs--; }
  static constexpr VmPagerOps kOps = {get_page, hold, release};
  VmObject object() { return VmObject{&kOps, this}; }
};

uptr map_file(VmSpace* vs, FakeFile& f, unsigned npages, MapShare share, u64 first_pg = 0,
              Prot prot = kRW, Prot max_prot = kProtAccess) {
  Result<uptr> r = vm_map_object(vs, kBase, npages * kPageSize, prot, share, true, f.object(),
                                 first_pg, max_prot);
  REQUIRE(r.ok());
  return r.value();
}

}  // namespace

TEST_CASE("vm file: a private mapping reads the file's own pages, a write copies") {
  VmMachine m;
  {
    FakeFile f(3, 3 * kPageSize);
    VmSpace* vs = make_space();
    map_file(vs, f, 3, MapShare::Private);
    CHECK(f.refs == 2);
    CHECK(f.gets == 0);  // nothing until first touch

    CHECK(peek(vs, page(1) + 9) == 'b');
    CHECK(frame_of(vs, page(1)) == f.pages[1]);
    CHECK(!has(rights_of(vs, page(1)), Prot::Write));  // the page cache's page
    CHECK(vm_page_allocator().refcount(f.pages[1]) == 2);

    // A page not written yet shows the file's later changes.
    f.bytes_of(1)[9] = 'B';
    CHECK(peek(vs, page(1) + 9) == 'B');

    poke(vs, page(1) + 9, 'x');
    CHECK(frame_of(vs, page(1)) != f.pages[1]);
    CHECK(f.bytes_of(1)[9] == 'B');                          // the file is unchanged
    CHECK(vm_page_allocator().refcount(f.pages[1]) == 1);    // the mapping let go
    // ... and no longer sees the file's changes.
    f.bytes_of(1)[10] = 'C';
    CHECK(peek(vs, page(1) + 10) == 'b');

    // A first touch that writes copies at once.
    poke(vs, page(2), 'y');
    CHECK(f.bytes_of(2)[0] == 'c');
    CHECK(vm_page_allocator().refcount(f.pages[2]) == 1);

    vmspace_release(vs);
    CHECK(f.refs == 1);
    CHECK(vm_page_allocator().refcount(f.pages[0]) == 1);
  }
  CHECK(m.all_back());
}

TEST_CASE("vm file: a shared mapping is the file's pages, also across fork") {
  VmMachine m;
  {
    FakeFile f(2, 2 * kPageSize);
    VmSpace* vs = make_space();
    map_file(vs, f, 2, MapShare::Shared);
    poke(vs, page(0) + 3, 'S');
    CHECK(frame_of(vs, page(0)) == f.pages[0]);
    CHECK(f.bytes_of(0)[3] == 'S');
    f.bytes_of(1)[4] = 'W';  // a write(2) to the file

    Result<VmSpace*> c = vmspace_fork(vs);
    REQUIRE(c.ok());
    VmSpace* child = c.value();
    CHECK(f.refs == 3);
    CHECK(peek(child, page(1) + 4) == 'W');
    poke(child, page(1) + 5, 'K');
    CHECK(frame_of(child, page(1)) == f.pages[1]);
    CHECK(peek(vs, page(1) + 5) == 'K');
    vmspace_release(child);
    vmspace_release(vs);
    CHECK(f.refs == 1);
    CHECK(vm_page_allocator().refcount(f.pages[1]) == 1);
  }
  CHECK(m.all_back());
}

TEST_CASE("vm file: a private file page forks copy-on-write; neither side sees the other") {
  VmMachine m;
  {
    FakeFile f(1, kPageSize);
    VmSpace* vs = make_space();
    map_file(vs, f, 1, MapShare::Private);
    poke(vs, page(0), 'p');  // the parent's own copy
    Result<VmSpace*> c = vmspace_fork(vs);
    REQUIRE(c.ok());
    VmSpace* child = c.value();
    CHECK(peek(child, page(0)) == 'p');
    poke(child, page(0) + 1, 'c');
    poke(vs, page(0) + 2, 'q');
    CHECK(peek(vs, page(0) + 1) == 'a');
    CHECK(peek(child, page(0) + 2) == 'a');
    CHECK(f.bytes_of(0)[0] == 'a');
    vmspace_release(child);
    vmspace_release(vs);
    CHECK(f.refs == 1);
  }
  CHECK(m.all_back());
}

TEST_CASE("vm file: a page past the file's end is Range, SIGBUS to the program") {
  VmMachine m;
  {
    FakeFile f(1, 100);  // one page holds the 100 bytes
    VmSpace* vs = make_space();
    map_file(vs, f, 3, MapShare::Shared);
    CHECK(peek(vs, page(0) + 50) == 'a');
    CHECK(vm_fault(vs, page(1), Access::Read).error() == Error::Range);
    CHECK(vm_fault(vs, page(2), Access::Write).error() == Error::Range);
    Proc p;
    Lwp l;
    l.proc = &p;
    p.p_vmspace = vs;
    CHECK(vm_user_fault(&l, page(1), Access::Read) == kSigBus);
    CHECK(vm_user_fault(&l, page(0), Access::Read) == 0);
    // A hole inside the file that its full file system cannot fill.
    f.size = 3 * kPageSize;
    f.full = true;
    CHECK(vm_fault(vs, page(2), Access::Read).error() == Error::NoSpc);
    CHECK(vm_user_fault(&l, page(2), Access::Read) == kSigBus);
    p.p_vmspace = nullptr;
    vmspace_release(vs);
  }
  CHECK(m.all_back());
}

TEST_CASE("vm file: a truncate does not free a page a mapping holds") {
  VmMachine m;
  {
    FakeFile f(2, 2 * kPageSize);
    VmSpace* vs = make_space();
    map_file(vs, f, 2, MapShare::Shared);
    poke(vs, page(1), 'z');
    const paddr_t held = f.pages[1];
    f.truncate_pages(1);
    CHECK(vm_page_allocator().refcount(held) == 1);  // the mapping's
    CHECK(peek(vs, page(1)) == 'z');
    vmspace_release(vs);
  }
  CHECK(m.all_back());
}

TEST_CASE("vm file: splits keep each part on its own file pages") {
  VmMachine m;
  {
    FakeFile f(6, 6 * kPageSize);
    VmSpace* vs = make_space();
    map_file(vs, f, 4, MapShare::Private, 2);  // file pages 2..5
    REQUIRE(vm_unmap(vs, page(1), kPageSize).ok());  // a hole in the middle
    REQUIRE(vm_unmap(vs, page(0), kPageSize).ok());  // the front goes
    CHECK(peek(vs, page(2)) == 'e');
    CHECK(peek(vs, page(3)) == 'f');
    CHECK(vm_fault(vs, page(1), Access::Read).error() == Error::Fault);
    REQUIRE(vm_protect(vs, page(3), kPageSize, Prot::Read).ok());
    CHECK(peek(vs, page(3)) == 'f');
    CHECK(vm_fault(vs, page(3), Access::Write).error() == Error::Fault);
    CHECK(f.refs == 3);  // two entries now
    vmspace_release(vs);
    CHECK(f.refs == 1);
  }
  CHECK(m.all_back());
}

TEST_CASE("vm file: max_prot bounds mprotect and prot") {
  VmMachine m;
  {
    FakeFile f(1, kPageSize);
    VmSpace* vs = make_space();
    CHECK(vm_map_object(vs, kBase, kPageSize, kRW, MapShare::Shared, true, f.object(), 0,
                        Prot::Read)
              .error() == Error::Inval);
    map_file(vs, f, 1, MapShare::Shared, 0, Prot::Read, Prot::Read | Prot::Exec);
    CHECK(vm_protect(vs, kBase, kPageSize, kRW).error() == Error::Access);
    CHECK(vm_protect(vs, kBase, kPageSize, Prot::Read | Prot::Exec).ok());
    vmspace_release(vs);
    CHECK(f.refs == 1);
  }
  CHECK(m.all_back());
}

TEST_CASE("vm file: exec's segment maps file pages, zeroes the bss part, bss demand-zero") {
  VmMachine m;
  {
    FakeFile f(4, 4 * kPageSize);
    VmSpace* vs = make_space();
    // File bytes [kPageSize + 0x10, +0x1800) at page(0)+0x10; memsz reaches
    // into a third page.
    const uptr va = page(0) + 0x10;
    REQUIRE(vm_map_segment(vs, va, 2 * kPageSize + 0x100, f.object(), kPageSize + 0x10,
                           0x1800, kRW)
                .ok());
    CHECK(peek(vs, page(0)) == 'b');  // the bytes before va come along
    CHECK(frame_of(vs, page(0)) == f.pages[1]);
    // The last file page: this space's copy, file bytes up to va+filesz.
    CHECK(frame_of(vs, page(1)) != f.pages[2]);
    CHECK(peek(vs, va + 0x1800 - 1) == 'c');
    CHECK(peek(vs, va + 0x1800) == 0);
    CHECK(peek(vs, page(2) - 1) == 0);
    CHECK(f.bytes_of(2)[0x810] == 'c');  // the file is untouched
    CHECK(peek(vs, page(2) + 0x50) == 0);  // bss
    CHECK(vm_fault(vs, page(3), Access::Read).error() == Error::Fault);

    // Without bss the last page stays the file's (text).
    REQUIRE(vm_map_segment(vs, page(8), 0x1234, f.object(), 0, 0x1234,
                           Prot::Read | Prot::Exec)
                .ok());
    CHECK(peek(vs, page(9) + 0x300) == 'b');
    CHECK(frame_of(vs, page(9)) == f.pages[1]);
    // A file shorter than the headers say: Range.
    CHECK(vm_map_segment(vs, page(20), 2 * kPageSize, f.object(), 4 * kPageSize, 0x10, kRW)
              .error() == Error::Range);
    CHECK(vm_map_segment(vs, page(30) + 1, kPageSize, f.object(), 2, 10, kRW).error() ==
          Error::Inval);  // va and offset disagree within the page
    vmspace_release(vs);
    CHECK(f.refs == 1);
  }
  CHECK(m.all_back());
}

TEST_CASE("vm file: mapping and exec's segment fail cleanly without memory") {
  VmMachine m;
  {
    FakeFile f(3, 3 * kPageSize);
    VmSpace* vs = make_space();
    const unsigned failures = fail_every_step(
        m.pages(),
        [&](int) -> Error {
          Result<void> r = vm_map_segment(vs, page(0) + 0x10, 3 * kPageSize, f.object(), 0x10,
                                          0x1100, kRW);
          if (!r.ok()) return r.error();
          r = vm_fault(vs, page(1), Access::Write);
          if (!r.ok()) return r.error();
          return peek(vs, page(1)) == 'b' ? Error{} : Error::Io;
        },
        [&] {
          REQUIRE(vm_unmap(vs, kBase, 8 * kPageSize).ok());
          REQUIRE(f.refs == 1);
        });
    CHECK(failures > 0);
    REQUIRE(vm_unmap(vs, kBase, 8 * kPageSize).ok());
    CHECK(f.refs == 1);
    vmspace_release(vs);
  }
  CHECK(m.all_back());
}

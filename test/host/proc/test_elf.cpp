// core/proc/elf: real riscv64 binaries (test/data/elf, rebuilt by make.sh) checked
// against what `riscv64-linux-gnu-readelf -lh` prints for them, then one
// corruption per NoExec reason, made on a copy in memory. Files are read
// relative to the working directory, which is test/data.
//
// The host's <elf.h> supplies the layouts here, independently of the private
// ones core/proc/elf.cpp declares.
#include <catch2/catch.hpp>

#include <elf.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "core/proc/elf.h"

using namespace tine;

namespace {

std::vector<u8> load(const char* name) {
  FILE* f = std::fopen(name, "rb");
  INFO("opening " << name << " (the tests run in test/data)");
  REQUIRE(f != nullptr);
  std::vector<u8> bytes;
  u8 chunk[4096];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  std::fclose(f);
  REQUIRE(bytes.size() >= sizeof(Elf64_Ehdr));
  return bytes;
}

// Parses a copy that ends flush with its heap block, so ASan reports any
// read past `len` (default: the whole file); the copy starts `misalign` bytes
// into the block, as an initrd member may.
Result<elf::Image> parse_copy(const std::vector<u8>& file, size_t len = SIZE_MAX, size_t misalign = 0) {
  if (len == SIZE_MAX) len = file.size();
  std::unique_ptr<u8[]> mem(new u8[misalign + len]);
  u8* p = mem.get() + misalign;
  std::memcpy(p, file.data(), len);
  return elf::parse(p, len);
}

elf::Image parse_ok(const std::vector<u8>& file) {
  auto r = parse_copy(file);
  INFO("error " << (r.ok() ? "none" : error_name(r.error())));
  REQUIRE(r.ok());
  return r.value();
}

Error parse_error(const std::vector<u8>& file, size_t len = SIZE_MAX) {
  auto r = parse_copy(file, len);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

Elf64_Ehdr ehdr(const std::vector<u8>& f) {
  Elf64_Ehdr e;
  std::memcpy(&e, f.data(), sizeof e);
  return e;
}

void set_ehdr(std::vector<u8>& f, const Elf64_Ehdr& e) { std::memcpy(f.data(), &e, sizeof e); }

Elf64_Phdr phdr(const std::vector<u8>& f, unsigned i) {
  Elf64_Phdr p;
  std::memcpy(&p, f.data() + ehdr(f).e_phoff + i * sizeof p, sizeof p);
  return p;
}

void set_phdr(std::vector<u8>& f, unsigned i, const Elf64_Phdr& p) {
  std::memcpy(f.data() + ehdr(f).e_phoff + i * sizeof p, &p, sizeof p);
}

// Index of the n-th program header of `type`.
unsigned find_phdr(const std::vector<u8>& f, u32 type, unsigned n = 0) {
  for (unsigned i = 0; i < ehdr(f).e_phnum; ++i)
    if (phdr(f, i).p_type == type && n-- == 0) return i;
  FAIL("no such program header");
  return 0;
}

void check_segment(const elf::Segment& s, u64 vaddr, u64 memsz, u64 filesz, u64 offset, const char* rwx) {
  CHECK(s.vaddr == vaddr);
  CHECK(s.memsz == memsz);
  CHECK(s.filesz == filesz);
  CHECK(s.offset == offset);
  CHECK(s.read == (rwx[0] == 'R'));
  CHECK(s.write == (rwx[1] == 'W'));
  CHECK(s.exec == (rwx[2] == 'E'));
}

// A minimal ET_EXEC for what the real binaries do not show: the program
// headers follow the ELF header; the file is `size` bytes.
std::vector<u8> synthetic(const std::vector<Elf64_Phdr>& phdrs, u64 entry, size_t size = 0x3000) {
  std::vector<u8> f(size, 0);
  Elf64_Ehdr e{};
  std::memcpy(e.e_ident, ELFMAG, SELFMAG);
  e.e_ident[EI_CLASS] = ELFCLASS64;
  e.e_ident[EI_DATA] = ELFDATA2LSB;
  e.e_ident[EI_VERSION] = EV_CURRENT;
  e.e_type = ET_EXEC;
  e.e_machine = EM_RISCV;
  e.e_version = EV_CURRENT;
  e.e_entry = entry;
  e.e_phoff = sizeof e;
  e.e_ehsize = sizeof e;
  e.e_phentsize = sizeof(Elf64_Phdr);
  e.e_phnum = u16(phdrs.size());
  set_ehdr(f, e);
  for (unsigned i = 0; i < phdrs.size(); ++i) set_phdr(f, i, phdrs[i]);
  return f;
}

Elf64_Phdr load_phdr(u64 vaddr, u64 offset, u64 filesz, u64 memsz, u32 flags) {
  return Elf64_Phdr{PT_LOAD, flags, offset, vaddr, vaddr, filesz, memsz, 0x1000};
}

}  // namespace

// readelf -lh test/data/elf/exit-static:
//   Entry point address: 0x100e8, 3 program headers at 64
//   RISCV_ATTRIBUT 0x000128 0x0 0x0 0x000051 0x000000 R   0x1
//   LOAD           0x000000 0x10000 0x10000 0x0000fa 0x0000fa R E 0x1000
//   LOAD           0x0000fa 0x110fa 0x110fa 0x00002e 0x00006e RW  0x1000
TEST_CASE("elf: exit-static (-static -nostdlib)", "[elf]") {
  auto img = parse_ok(load("elf/exit-static"));
  CHECK(img.entry == 0x100e8);
  CHECK(img.phnum == 3);
  CHECK(img.phentsize == 56);
  // No PT_PHDR: the table (64..232) is in the first PT_LOAD's file bytes.
  CHECK(img.phdr_vaddr == 0x10040);
  REQUIRE(img.segment_count == 2);
  check_segment(img.segments[0], 0x10000, 0xfa, 0xfa, 0, "R-E");
  check_segment(img.segments[1], 0x110fa, 0x6e, 0x2e, 0xfa, "RW-");
  CHECK(img.tls_vaddr == 0);
  CHECK(img.tls_memsz == 0);
  CHECK(img.tls_align == 0);
  CHECK(img.stack_flags_exec == 0);
}

// readelf -lh test/data/elf/hello-static:
//   Entry point address: 0x10544, 7 program headers at 64
//   RISCV_ATTRIBUT 0x0663df 0x0 0x0 0x000057 0x000000 R   0x1
//   LOAD           0x000000 0x10000 0x10000 0x060504 0x060504 R E 0x1000
//   LOAD           0x060dc0 0x71dc0 0x71dc0 0x005600 0x00aab8 RW  0x1000
//   NOTE           0x0001c8 0x101c8 0x101c8 0x000020 0x000020 R   0x4
//   TLS            0x060dc0 0x71dc0 0x71dc0 0x000018 0x000060 R   0x8
//   GNU_STACK      0x000000 0x0 0x0 0x000000 0x000000 RW  0x10
//   GNU_RELRO      0x060dc0 0x71dc0 0x71dc0 0x003240 0x003240 R   0x1
TEST_CASE("elf: hello-static (glibc -static -O2)", "[elf]") {
  auto img = parse_ok(load("elf/hello-static"));
  CHECK(img.entry == 0x10544);
  CHECK(img.phnum == 7);
  CHECK(img.phentsize == 56);
  CHECK(img.phdr_vaddr == 0x10040);
  REQUIRE(img.segment_count == 2);
  check_segment(img.segments[0], 0x10000, 0x60504, 0x60504, 0, "R-E");
  check_segment(img.segments[1], 0x71dc0, 0xaab8, 0x5600, 0x60dc0, "RW-");
  CHECK(img.tls_vaddr == 0x71dc0);
  CHECK(img.tls_memsz == 0x60);
  CHECK(img.tls_align == 8);
  CHECK(img.stack_flags_exec == 0);
}

TEST_CASE("elf: a file at any 4-byte-aligned (or odd) address parses the same", "[elf]") {
  auto file = load("elf/hello-static");
  for (size_t mis = 1; mis < 8; ++mis) {
    INFO("misaligned by " << mis);
    auto r = parse_copy(file, file.size(), mis);
    REQUIRE(r.ok());
    CHECK(r.value().entry == 0x10544);
    CHECK(r.value().segments[1].vaddr == 0x71dc0);
  }
}

// readelf: Type DYN, PHDR, INTERP /lib/ld-linux-riscv64-lp64d.so.1.
TEST_CASE("elf: a dynamically linked PIE is refused", "[elf]") {
  auto file = load("elf/hello-dynamic");
  REQUIRE(ehdr(file).e_type == ET_DYN);
  CHECK(parse_error(file) == Error::NoExec);
}

// readelf: Type EXEC, entry 0x10458, PHDR at 0x10040, INTERP, LOADs
//   0x000000 0x10000 0x00054c 0x00054c R E / 0x000e18 0x11e18 0x000218 0x000220 RW
TEST_CASE("elf: a dynamically linked ET_EXEC is refused for its PT_INTERP", "[elf]") {
  auto file = load("elf/hello-dynamic-nopie");
  REQUIRE(ehdr(file).e_type == ET_EXEC);
  CHECK(parse_error(file) == Error::NoExec);

  // PT_INTERP is the only reason: without it the file parses, and AT_PHDR
  // comes from PT_PHDR.
  unsigned i = find_phdr(file, PT_INTERP);
  Elf64_Phdr p = phdr(file, i);
  p.p_type = PT_NULL;
  set_phdr(file, i, p);
  auto img = parse_ok(file);
  CHECK(img.entry == 0x10458);
  CHECK(img.phdr_vaddr == 0x10040);
  CHECK(img.phnum == 10);
  REQUIRE(img.segment_count == 2);
  check_segment(img.segments[0], 0x10000, 0x54c, 0x54c, 0, "R-E");
  check_segment(img.segments[1], 0x11e18, 0x220, 0x218, 0xe18, "RW-");
}

// readelf: Type DYN, no INTERP, LOADs at 0x0 and 0x1f00.
TEST_CASE("elf: a static PIE is refused", "[elf]") {
  auto file = load("elf/exit-static-pie");
  REQUIRE(ehdr(file).e_type == ET_DYN);
  CHECK(parse_error(file) == Error::NoExec);
}

TEST_CASE("elf: every truncation of the used bytes is refused, and nothing past the end is read", "[elf]") {
  auto file = load("elf/exit-static");
  // The last byte parse needs is the end of the second PT_LOAD's file part.
  const size_t needed = 0xfa + 0x2e;
  for (size_t len = 0; len < needed; ++len) {
    INFO("truncated to " << len);
    CHECK(parse_error(file, len) == Error::NoExec);
  }
  for (size_t len = needed; len <= file.size(); ++len) {
    INFO("truncated to " << len);
    CHECK(parse_copy(file, len).ok());
  }
}

TEST_CASE("elf: header corruptions are NoExec", "[elf]") {
  const auto good = load("elf/hello-static");
  auto file = good;
  Elf64_Ehdr e = ehdr(file);
  SECTION("bad magic 0") { e.e_ident[0] = 0x7e; }
  SECTION("bad magic 1") { e.e_ident[1] = 'e'; }
  SECTION("bad magic 3") { e.e_ident[3] = 'X'; }
  SECTION("ELFCLASS32") { e.e_ident[EI_CLASS] = ELFCLASS32; }
  SECTION("ELFCLASSNONE") { e.e_ident[EI_CLASS] = ELFCLASSNONE; }
  SECTION("big-endian") { e.e_ident[EI_DATA] = ELFDATA2MSB; }
  SECTION("EI_VERSION 0") { e.e_ident[EI_VERSION] = EV_NONE; }
  SECTION("e_version 2") { e.e_version = 2; }
  SECTION("ET_DYN") { e.e_type = ET_DYN; }
  SECTION("ET_REL") { e.e_type = ET_REL; }
  SECTION("ET_CORE") { e.e_type = ET_CORE; }
  SECTION("EM_X86_64") { e.e_machine = EM_X86_64; }
  SECTION("EM_AARCH64") { e.e_machine = EM_AARCH64; }
  SECTION("phentsize 0") { e.e_phentsize = 0; }
  SECTION("phentsize 32 (Elf32_Phdr)") { e.e_phentsize = sizeof(Elf32_Phdr); }
  SECTION("phentsize 64") { e.e_phentsize = 64; }
  SECTION("phoff past the end") { e.e_phoff = file.size(); }
  SECTION("phoff overflowing") { e.e_phoff = ~u64{0} - 8; }
  SECTION("phnum past the end") { e.e_phnum = 0xffff; }
  SECTION("no program headers") { e.e_phnum = 0; }
  SECTION("entry outside every segment") { e.e_entry = 0x8000; }
  SECTION("entry in a non-executable segment") { e.e_entry = 0x71dc0; }
  SECTION("entry at the end of the text") { e.e_entry = 0x10000 + 0x60504; }
  set_ehdr(file, e);
  CHECK(parse_error(file) == Error::NoExec);
  CHECK(parse_copy(good).ok());
}

TEST_CASE("elf: program header corruptions are NoExec", "[elf]") {
  auto file = load("elf/hello-static");
  const unsigned text = find_phdr(file, PT_LOAD, 0), data = find_phdr(file, PT_LOAD, 1);
  Elf64_Phdr t = phdr(file, text), d = phdr(file, data);
  REQUIRE(t.p_vaddr == 0x10000);
  REQUIRE(d.p_vaddr == 0x71dc0);
  SECTION("PT_INTERP") {
    unsigned note = find_phdr(file, PT_NOTE);
    Elf64_Phdr n = phdr(file, note);
    n.p_type = PT_INTERP;
    set_phdr(file, note, n);
  }
  SECTION("no PT_LOAD") {
    t.p_type = PT_NOTE;
    d.p_type = PT_NOTE;
  }
  SECTION("filesz > memsz") {
    t.p_memsz = t.p_filesz - 1;  // the file bytes stay inside the file
  }
  SECTION("PT_TLS filesz > memsz") {
    unsigned tls = find_phdr(file, PT_TLS);
    Elf64_Phdr p = phdr(file, tls);
    p.p_filesz = p.p_memsz + 1;
    set_phdr(file, tls, p);
  }
  SECTION("file range past the end") {
    d.p_offset += 0x1000;  // still congruent; now ends 0x830 bytes past the file
    REQUIRE(d.p_offset + d.p_filesz > file.size());
  }
  SECTION("file range overflowing") {
    d.p_offset = ~u64{0} - 0xfff + 0xdc0;  // congruent with the vaddr
  }
  SECTION("overlapping PT_LOADs") {
    d.p_vaddr = 0x60dc0;  // inside the text, still congruent with the offset
  }
  SECTION("PT_LOADs overlapping by one byte") {
    t.p_memsz = t.p_filesz = 0x61dc1;  // text now ends one byte into the data
  }
  SECTION("unsorted PT_LOADs") { std::swap(t, d); }
  SECTION("vaddr 0") { t.p_vaddr = 0; }
  SECTION("vaddr below 0x1000") {
    t.p_vaddr = 0x0;
    t.p_memsz = t.p_filesz = 0x1000;  // [0, 0x1000): the null page
    Elf64_Ehdr e = ehdr(file);
    e.e_entry = 0x544;
    set_ehdr(file, e);
  }
  SECTION("segment crossing the top of user space") { d.p_vaddr = elf::kUserEnd - 0x1000 + 0xdc0; }
  SECTION("segment starting at the top of user space") { d.p_vaddr = elf::kUserEnd + 0xdc0; }
  SECTION("kernel-half address") { d.p_vaddr = 0xffffffc000000dc0; }
  SECTION("vaddr + memsz overflowing") { d.p_memsz = ~u64{0} - 0x1000; }
  SECTION("p_align not a power of two") { d.p_align = 0x1001; }
  SECTION("p_align 3") { t.p_align = 3; }
  SECTION("vaddr and offset not congruent") { d.p_vaddr += 8; }
  SECTION("vaddr and offset off by half a page") { d.p_offset -= 0x800; }
  SECTION("PT_TLS p_align not a power of two") {
    unsigned tls = find_phdr(file, PT_TLS);
    Elf64_Phdr p = phdr(file, tls);
    p.p_align = 24;
    set_phdr(file, tls, p);
  }
  set_phdr(file, text, t);
  set_phdr(file, data, d);
  CHECK(parse_error(file) == Error::NoExec);
}

TEST_CASE("elf: p_align 0 and 1 mean no alignment", "[elf]") {
  auto file = load("elf/hello-static");
  for (u64 a : {u64{0}, u64{1}, u64{0x10000}}) {
    unsigned i = find_phdr(file, PT_LOAD, 1);
    Elf64_Phdr p = phdr(file, i);
    p.p_align = a;
    set_phdr(file, i, p);
    CHECK(parse_copy(file).ok());
  }
}

TEST_CASE("elf: up to 8 PT_LOADs; a ninth is NoExec", "[elf]") {
  std::vector<Elf64_Phdr> ph;
  for (u64 i = 0; i < 8; ++i) ph.push_back(load_phdr(0x10000 + i * 0x1000, 0, 0x200, 0x200, PF_R | PF_X));
  auto img = parse_ok(synthetic(ph, 0x10000));
  CHECK(img.segment_count == 8);
  CHECK(img.segments[7].vaddr == 0x17000);
  CHECK(img.phdr_vaddr == 0x10040);  // the table is file bytes 64..512

  ph.push_back(load_phdr(0x18000, 0, 0x100, 0x100, PF_R));
  CHECK(parse_error(synthetic(ph, 0x10000)) == Error::NoExec);
}

TEST_CASE("elf: the edges of the user range", "[elf]") {
  // Lowest and highest addresses a segment may cover.
  auto lo = synthetic({load_phdr(0x1000, 0, 0x200, 0x200, PF_R | PF_X)}, 0x1000);
  CHECK(parse_copy(lo).ok());
  auto hi = synthetic({load_phdr(0x10000, 0, 0x200, 0x200, PF_R | PF_X),
                       load_phdr(elf::kUserEnd - 0x2000, 0x1000, 0x100, 0x2000, PF_R | PF_W)},
                      0x10000);
  CHECK(parse_copy(hi).ok());
  auto over = synthetic({load_phdr(0x10000, 0, 0x200, 0x200, PF_R | PF_X),
                         load_phdr(elf::kUserEnd - 0x2000, 0x1000, 0x100, 0x2001, PF_R | PF_W)},
                        0x10000);
  CHECK(parse_error(over) == Error::NoExec);
}

TEST_CASE("elf: segments may share a page but not a byte", "[elf]") {
  // Text [0x10000, 0x10800), data from 0x10800: same page, no overlap.
  auto f = synthetic({load_phdr(0x10000, 0, 0x800, 0x800, PF_R | PF_X),
                      load_phdr(0x10800, 0x800, 0x100, 0x200, PF_R | PF_W)},
                     0x10000);
  auto img = parse_ok(f);
  CHECK(img.segment_count == 2);
  auto g = synthetic({load_phdr(0x10000, 0, 0x800, 0x801, PF_R | PF_X),
                      load_phdr(0x10800, 0x800, 0x100, 0x200, PF_R | PF_W)},
                     0x10000);
  CHECK(parse_error(g) == Error::NoExec);
}

TEST_CASE("elf: AT_PHDR from PT_PHDR, from the segment holding the table, or 0", "[elf]") {
  SECTION("PT_PHDR wins") {
    Elf64_Phdr pp{PT_PHDR, PF_R, 64, 0x20040, 0x20040, 2 * 56, 2 * 56, 8};
    auto img = parse_ok(synthetic({pp, load_phdr(0x10000, 0, 0x200, 0x200, PF_R | PF_X)}, 0x10000));
    CHECK(img.phdr_vaddr == 0x20040);
  }
  SECTION("PT_PHDR outside user space") {
    Elf64_Phdr pp{PT_PHDR, PF_R, 64, 0x40, 0x40, 2 * 56, 2 * 56, 8};
    CHECK(parse_error(synthetic({pp, load_phdr(0x10000, 0, 0x200, 0x200, PF_R | PF_X)}, 0x10000)) ==
          Error::NoExec);
  }
  SECTION("the table inside a later segment's file bytes") {
    // Text from offset 0x1000; the data segment maps offset 0 (headers).
    auto img = parse_ok(synthetic({load_phdr(0x10000, 0x1000, 0x100, 0x100, PF_R | PF_X),
                                   load_phdr(0x20000, 0, 0x200, 0x200, PF_R)},
                                  0x10000));
    CHECK(img.phdr_vaddr == 0x20040);
  }
  SECTION("the table only partly inside a segment") {
    // File bytes [0, 0x80) cover only the start of the table (64..176).
    auto img = parse_ok(synthetic({load_phdr(0x10000, 0, 0x80, 0x1000, PF_R | PF_X),
                                   load_phdr(0x20000, 0x2000, 0x100, 0x100, PF_R)},
                                  0x10000));
    CHECK(img.phdr_vaddr == 0);
  }
  SECTION("no segment maps the table") {
    auto img = parse_ok(synthetic({load_phdr(0x10000, 0x1000, 0x100, 0x100, PF_R | PF_X)}, 0x10000));
    CHECK(img.phdr_vaddr == 0);
  }
}

TEST_CASE("elf: PT_GNU_STACK's X bit is reported", "[elf]") {
  Elf64_Phdr stack{PT_GNU_STACK, PF_R | PF_W | PF_X, 0, 0, 0, 0, 0, 16};
  auto img = parse_ok(synthetic({load_phdr(0x10000, 0, 0x100, 0x100, PF_R | PF_X), stack}, 0x10000));
  CHECK(img.stack_flags_exec == 1);
  stack.p_flags = PF_R | PF_W;
  img = parse_ok(synthetic({load_phdr(0x10000, 0, 0x100, 0x100, PF_R | PF_X), stack}, 0x10000));
  CHECK(img.stack_flags_exec == 0);
}

TEST_CASE("elf: tiny inputs are NoExec", "[elf]") {
  std::vector<u8> magic = {0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT};
  for (size_t len = 0; len <= magic.size(); ++len) CHECK(parse_error(magic, len) == Error::NoExec);
  auto file = load("elf/exit-static");
  for (size_t len = 0; len < sizeof(Elf64_Ehdr); ++len) CHECK(parse_error(file, len) == Error::NoExec);
}

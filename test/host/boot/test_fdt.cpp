// core/boot/fdt: the device trees QEMU and OpenSBI hand the kernel (dumped by
// test/data/dump-dtbs.sh), a VisionFive 2-like tree, trees built here for
// the corner cases, and malformed blobs. Runs with cwd = test/data.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/boot/fdt.h"

using namespace tine;
using namespace tine::fdt;

namespace {

// Header field offsets (Devicetree Specification 5.2).
constexpr size_t kTotalSize = 4, kOffStruct = 8, kOffStrings = 12, kOffMemRsv = 16,
                 kVersion = 20, kLastCompVersion = 24, kSizeStrings = 32, kSizeStruct = 36;

u32 get_be32(const std::vector<u8>& b, size_t off) {
  return u32(b[off]) << 24 | u32(b[off + 1]) << 16 | u32(b[off + 2]) << 8 | b[off + 3];
}

void put_be32(std::vector<u8>& b, size_t off, u32 v) {
  b[off] = u8(v >> 24);
  b[off + 1] = u8(v >> 16);
  b[off + 2] = u8(v >> 8);
  b[off + 3] = u8(v);
}

std::vector<u8> load(const char* name) {
  FILE* f = std::fopen(name, "rb");
  INFO("opening " << name << " (the tests run in test/data)");
  REQUIRE(f != nullptr);
  std::vector<u8> bytes;
  u8 chunk[4096];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  std::fclose(f);
  REQUIRE(bytes.size() >= 40);
  REQUIRE(get_be32(bytes, kTotalSize) == bytes.size());
  return bytes;
}

// Parses a copy in a heap block of exactly the blob's size, so that ASan
// reports any read past totalsize.
Result<void> parse_copy(const std::vector<u8>& blob, paddr_t pa, BootInfo& out) {
  std::unique_ptr<u8[]> copy(new u8[blob.size()]);
  std::memcpy(copy.get(), blob.data(), blob.size());
  return parse(copy.get(), pa, out);
}

BootInfo parse_ok(const std::vector<u8>& blob, paddr_t pa = 0x8fe00000) {
  BootInfo info;
  auto r = parse_copy(blob, pa, info);
  INFO("parse error " << (r.ok() ? "none" : error_name(r.error())));
  REQUIRE(r.ok());
  return info;
}

Error parse_error(const std::vector<u8>& blob) {
  BootInfo info;
  auto r = parse_copy(blob, 0, info);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

// Builds small FDT blobs (v17 unless asked) for cases no real tree shows.
class TreeBuilder {
 public:
  TreeBuilder& begin(const std::string& name) {
    token(1);
    bytes(name.c_str(), name.size() + 1);
    return *this;
  }
  TreeBuilder& end() {
    token(2);
    return *this;
  }
  TreeBuilder& cells(const std::string& name, std::vector<u32> values) {
    std::vector<u8> raw;
    for (u32 v : values)
      for (int shift = 24; shift >= 0; shift -= 8) raw.push_back(u8(v >> shift));
    return prop(name, raw);
  }
  TreeBuilder& strings(const std::string& name, std::vector<std::string> values) {
    std::vector<u8> raw;
    for (const auto& s : values) raw.insert(raw.end(), s.c_str(), s.c_str() + s.size() + 1);
    return prop(name, raw);
  }
  TreeBuilder& str(const std::string& name, const std::string& value) {
    return strings(name, {value});
  }
  TreeBuilder& empty(const std::string& name) { return prop(name, {}); }
  TreeBuilder& prop(const std::string& name, const std::vector<u8>& raw) {
    token(3);
    token(u32(raw.size()));
    token(name_offset(name));
    bytes(raw.data(), raw.size());
    return *this;
  }
  TreeBuilder& reserve(u64 base, u64 size) {
    reserved_.emplace_back(base, size);
    return *this;
  }

  std::vector<u8> build(u32 version = 17) const {
    std::vector<u8> b(40);
    for (auto [base, size] : reserved_) append64(b, base), append64(b, size);
    append64(b, 0), append64(b, 0);
    size_t off_struct = b.size();
    b.insert(b.end(), struct_.begin(), struct_.end());
    append32(b, 9);  // FDT_END
    size_t size_struct = b.size() - off_struct;
    size_t off_strings = b.size();
    b.insert(b.end(), strings_.begin(), strings_.end());
    put_be32(b, 0, 0xd00dfeed);
    put_be32(b, kTotalSize, u32(b.size()));
    put_be32(b, kOffStruct, u32(off_struct));
    put_be32(b, kOffStrings, u32(off_strings));
    put_be32(b, kOffMemRsv, 40);
    put_be32(b, kVersion, version);
    put_be32(b, kLastCompVersion, 16);
    put_be32(b, kSizeStrings, u32(strings_.size()));
    // v16 has no size_dt_struct: poison the slot to prove it is not read.
    put_be32(b, kSizeStruct, version >= 17 ? u32(size_struct) : 0xffffffff);
    return b;
  }

 private:
  static void append32(std::vector<u8>& b, u32 v) {
    b.resize(b.size() + 4);
    put_be32(b, b.size() - 4, v);
  }
  static void append64(std::vector<u8>& b, u64 v) {
    append32(b, u32(v >> 32));
    append32(b, u32(v));
  }
  void token(u32 v) { append32(struct_, v); }
  void bytes(const void* p, size_t n) {
    auto c = static_cast<const u8*>(p);
    struct_.insert(struct_.end(), c, c + n);
    while (struct_.size() % 4) struct_.push_back(0);
  }
  u32 name_offset(const std::string& name) {
    std::string key = name + '\0';
    size_t at = strings_.find(key);
    if (at == std::string::npos) {
      at = strings_.size();
      strings_ += key;
    }
    return u32(at);
  }

  std::vector<u8> struct_;
  std::string strings_;
  std::vector<std::pair<u64, u64>> reserved_;
};

// A root with #address-cells/#size-cells 2/2, the usual RISC-V layout.
TreeBuilder riscv_root() {
  TreeBuilder t;
  t.begin("").cells("#address-cells", {2}).cells("#size-cells", {2});
  return t;
}

TreeBuilder& cpu(TreeBuilder& t, u32 hartid, const std::string& isa,
                 const std::string& mmu_type = "riscv,sv39") {
  t.begin("cpu@" + std::to_string(hartid)).str("device_type", "cpu").cells("reg", {hartid});
  t.str("riscv,isa", isa);
  if (!mmu_type.empty()) t.str("mmu-type", mmu_type);
  return t.end();
}

TreeBuilder& ns16550(TreeBuilder& t, const std::string& name, u32 base,
                     const std::string& status = "okay") {
  t.begin(name).str("compatible", "ns16550a").cells("reg", {0, base, 0, 0x100});
  return t.str("status", status).end();
}

bool equal_ranges(const Range& a, u64 base, u64 size) { return a.base == base && a.size == size; }

}  // namespace

// ---- QEMU virt (OpenSBI 1.1 fixups applied) ----

TEST_CASE("virt: RAM from -m, OpenSBI's 512 KiB at 0x80000000 and the blob are reported",
          "[fdt]") {
  auto blob = load("virt-1hart.dtb");
  BootInfo info = parse_ok(blob, 0x8fe00000);
  REQUIRE(info.memory_count == 1);
  CHECK(equal_ranges(info.memory[0], 0x80000000, 256ull << 20));
  REQUIRE(info.reserved_count == 1);  // no /memreserve/ entries, one reserved-memory child
  CHECK(equal_ranges(info.reserved[0], 0x80000000, 0x80000));
  CHECK(equal_ranges(info.blob, 0x8fe00000, blob.size()));
}

TEST_CASE("virt: one hart, id 0, usable, Sv48 MMU, Sstc, PLIC S context 1", "[fdt]") {
  BootInfo info = parse_ok(load("virt-1hart.dtb"));
  REQUIRE(info.hart_count == 1);
  const Hart& h = info.harts[0];
  CHECK(h.hartid == 0);
  CHECK(h.okay);
  CHECK(h.has_mmu);
  CHECK(h.sstc);
  CHECK(std::string(h.mmu_type) == "riscv,sv48");
  CHECK(std::string(h.isa) == "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc");
  CHECK(h.plic_s_context == 1);
  CHECK(usable_hart_count(info) == 1);
}

TEST_CASE("virt: four harts are usable and S contexts follow 2h+1", "[fdt]") {
  BootInfo info = parse_ok(load("virt-4hart.dtb"));
  REQUIRE(info.hart_count == 4);
  for (u32 h = 0; h < 4; ++h) {
    INFO("hart " << h);
    CHECK(info.harts[h].hartid == h);
    CHECK(info.harts[h].okay);
    CHECK(info.harts[h].has_mmu);
    CHECK(info.harts[h].sstc);
    CHECK(info.harts[h].plic_s_context == 2 * h + 1);
  }
  CHECK(usable_hart_count(info) == 4);
}

TEST_CASE("virt: timebase 10 MHz and the PLIC at 0xc000000 with 0x60 sources", "[fdt]") {
  for (const char* name : {"virt-1hart.dtb", "virt-4hart.dtb"}) {
    INFO(name);
    BootInfo info = parse_ok(load(name));
    CHECK(info.timebase_hz == 10'000'000);
    CHECK(info.plic.base == 0xc000000);
    CHECK(info.plic.size == 0x600000);
    CHECK(info.plic.ndev == 0x60);
  }
}

TEST_CASE("virt: stdout-path names the ns16550a at 0x10000000 clocked at 3.6864 MHz",
          "[fdt]") {
  BootInfo info = parse_ok(load("virt-4hart.dtb"));
  CHECK(std::string(info.stdout_path) == "/soc/serial@10000000");
  CHECK(info.uart.kind == UartKind::Ns16550);
  CHECK(info.uart.base == 0x10000000);
  CHECK(info.uart.size == 0x100);
  CHECK(info.uart.reg_shift == 0);
  CHECK(info.uart.reg_io_width == 1);
  CHECK(info.uart.clock_hz == 3686400);
  CHECK(info.uart.irq == 10);  // the PLIC source its receive interrupt raises
}

TEST_CASE("virt: bootargs come from -append and are empty without it", "[fdt]") {
  CHECK(std::string(parse_ok(load("virt-4hart.dtb")).bootargs) == "ktest console=x");
  CHECK(std::string(parse_ok(load("virt-1hart.dtb")).bootargs).empty());
}

TEST_CASE("virt: /chosen rng-seed gives the pool QEMU's 32 seed bytes", "[fdt]") {
  // The bytes of virt-1hart.dtb (fdtget -t bx virt-1hart.dtb /chosen rng-seed).
  const u8 want[] = {0x4e, 0x37, 0x66, 0x8e, 0x6d, 0x7d, 0x78, 0xac, 0x54, 0xb0, 0x32,
                     0x85, 0x59, 0x27, 0x3b, 0x4b, 0x2f, 0x3b, 0x38, 0x96, 0x6d, 0x59,
                     0x1b, 0x14, 0xbc, 0x15, 0xd4, 0x5e, 0x6c, 0x75, 0xa7, 0xdf};
  BootInfo info = parse_ok(load("virt-1hart.dtb"));
  REQUIRE(info.rng_seed_len == 32);
  CHECK(memcmp(info.rng_seed, want, 32) == 0);
  // Two boots' trees carry different seeds; a board without one gives none.
  BootInfo other = parse_ok(load("virt-4hart.dtb"));
  REQUIRE(other.rng_seed_len == 32);
  CHECK(memcmp(info.rng_seed, other.rng_seed, 32) != 0);
  CHECK(parse_ok(load("sifive_u.dtb")).rng_seed_len == 0);
}

TEST_CASE("fdt: an rng-seed longer than the pool takes is cut, not overrun", "[fdt]") {
  TreeBuilder t = riscv_root();
  std::vector<u32> cells(40);  // 160 bytes
  for (u32 i = 0; i < cells.size(); i++) cells[i] = 0x01010101u * (i + 1);
  t.begin("chosen").cells("rng-seed", cells).end();
  t.end();
  BootInfo info = parse_ok(t.build());
  REQUIRE(info.rng_seed_len == sizeof info.rng_seed);
  CHECK(info.rng_seed[0] == 1);
  CHECK(info.rng_seed[63] == 16);
}

// ---- QEMU sifive_u (FU540: E51 hart 0 + four U54), -m 1G ----

TEST_CASE("sifive_u: RAM 1 GiB at 0x80000000 and OpenSBI's no-map region", "[fdt]") {
  auto blob = load("sifive_u.dtb");
  BootInfo info = parse_ok(blob, 0xbfe00000);
  REQUIRE(info.memory_count == 1);
  CHECK(equal_ranges(info.memory[0], 0x80000000, 1ull << 30));
  REQUIRE(info.reserved_count == 1);
  CHECK(equal_ranges(info.reserved[0], 0x80000000, 0x80000));
  CHECK(equal_ranges(info.blob, 0xbfe00000, blob.size()));
}

TEST_CASE("sifive_u: the E51 hart 0 is disabled without an MMU, leaving 4 usable harts",
          "[fdt]") {
  BootInfo info = parse_ok(load("sifive_u.dtb"));
  REQUIRE(info.hart_count == 5);
  CHECK(info.harts[0].hartid == 0);
  CHECK_FALSE(info.harts[0].okay);
  CHECK_FALSE(info.harts[0].has_mmu);
  CHECK(std::string(info.harts[0].mmu_type).empty());
  CHECK(std::string(info.harts[0].isa) == "rv64imac_zicsr_zifencei");
  for (u32 h = 1; h < 5; ++h) {
    INFO("hart " << h);
    CHECK(info.harts[h].hartid == h);
    CHECK(info.harts[h].okay);
    CHECK(info.harts[h].has_mmu);
    CHECK(std::string(info.harts[h].mmu_type) == "riscv,sv48");
  }
  CHECK(usable_hart_count(info) == 4);
}

TEST_CASE("sifive_u: no Sstc and a 1 MHz timebase", "[fdt]") {
  BootInfo info = parse_ok(load("sifive_u.dtb"));
  for (unsigned h = 0; h < info.hart_count; ++h) CHECK_FALSE(info.harts[h].sstc);
  CHECK(info.timebase_hz == 1'000'000);
}

TEST_CASE("sifive_u: S contexts are 2h and hart 0 has only an M context", "[fdt]") {
  BootInfo info = parse_ok(load("sifive_u.dtb"));
  CHECK(info.plic.base == 0xc000000);
  CHECK(info.plic.size == 0x4000000);
  CHECK(info.plic.ndev == 0x35);
  CHECK(info.harts[0].plic_s_context == kNoPlicContext);
  for (u32 h = 1; h < 5; ++h) CHECK(info.harts[h].plic_s_context == 2 * h);
}

TEST_CASE("sifive_u: the console is the sifive,uart0 at 0x10010000", "[fdt]") {
  BootInfo info = parse_ok(load("sifive_u.dtb"));
  CHECK(std::string(info.stdout_path) == "/soc/serial@10010000");
  CHECK(info.uart.kind == UartKind::Sifive);
  CHECK(info.uart.base == 0x10010000);
  CHECK(info.uart.size == 0x1000);
  CHECK(info.uart.clock_hz == 0);  // it names a clock, not a frequency
  CHECK(info.uart.irq == 4);
  CHECK(std::string(info.bootargs).empty());
}

// ---- VisionFive 2-like tree (hand-written) ----

TEST_CASE("VisionFive 2: alias stdout-path with options resolves to the DesignWare UART",
          "[fdt]") {
  BootInfo info = parse_ok(load("visionfive2-like.dtb"), 0x40000000 + 0x7000000);
  CHECK(std::string(info.stdout_path) == "serial0:115200n8");
  CHECK(info.uart.kind == UartKind::Ns16550);
  CHECK(info.uart.base == 0x10000000);  // serial0, not the enabled serial1 listed first
  CHECK(info.uart.size == 0x10000);
  CHECK(info.uart.reg_shift == 2);
  CHECK(info.uart.reg_io_width == 4);
  CHECK(info.uart.clock_hz == 24'000'000);
  CHECK(info.uart.irq == 0);  // this tree gives it no interrupts: input stays polled
  CHECK(std::string(info.bootargs) == "console=ttyS0,115200 earlycon rootwait");
}

TEST_CASE("VisionFive 2: memory above 4 GiB, reserved region, harts, contexts, timebase",
          "[fdt]") {
  BootInfo info = parse_ok(load("visionfive2-like.dtb"));
  REQUIRE(info.memory_count == 1);
  CHECK(equal_ranges(info.memory[0], 0x40000000, 8ull << 30));
  REQUIRE(info.reserved_count == 1);  // the size-only CMA pool has no place to reserve
  CHECK(equal_ranges(info.reserved[0], 0x40000000, 0x60000));
  REQUIRE(info.hart_count == 5);
  CHECK_FALSE(info.harts[0].okay);
  CHECK_FALSE(info.harts[0].has_mmu);
  CHECK(info.harts[0].plic_s_context == kNoPlicContext);
  for (u32 h = 1; h < 5; ++h) {
    INFO("hart " << h);
    CHECK(info.harts[h].okay);
    CHECK(info.harts[h].has_mmu);
    CHECK_FALSE(info.harts[h].sstc);
    CHECK(info.harts[h].plic_s_context == 2 * h);
  }
  CHECK(usable_hart_count(info) == 4);
  CHECK(info.timebase_hz == 4'000'000);
  CHECK(info.plic.base == 0xc000000);
  CHECK(info.plic.ndev == 136);
}

TEST_CASE("a blob that is only 4-byte aligned parses the same", "[fdt]") {
  auto blob = load("sifive_u.dtb");
  // new[] gives 16-byte alignment; +4 leaves the blob 4- but not 8-aligned,
  // so UBSan would catch any wide load.
  std::unique_ptr<u8[]> buffer(new u8[blob.size() + 4]);
  std::memcpy(buffer.get() + 4, blob.data(), blob.size());
  BootInfo info;
  REQUIRE(parse(buffer.get() + 4, 0xbfe00000, info).ok());
  CHECK(info.hart_count == 5);
  CHECK(info.memory[0].size == 1ull << 30);
  CHECK(info.uart.base == 0x10010000);
}

// ---- Corner cases, on trees built here ----

TEST_CASE("stdout-path without a unit address matches the node name before '@'", "[fdt]") {
  TreeBuilder t = riscv_root();
  t.begin("chosen").str("stdout-path", "/soc/serial:9600").end();
  // Same child name under another node: only the whole path may match.
  t.begin("other");
  ns16550(t, "serial@10000000", 0x10000000);
  t.end();
  t.begin("soc").cells("#address-cells", {2}).cells("#size-cells", {2});
  ns16550(t, "serial@20000000", 0x20000000);
  ns16550(t, "serial@30000000", 0x30000000);
  t.end().end();
  BootInfo info = parse_ok(t.build());
  CHECK(info.uart.base == 0x20000000);
}

TEST_CASE("linux,stdout-path is read when stdout-path is absent", "[fdt]") {
  TreeBuilder t = riscv_root();
  t.begin("chosen").str("linux,stdout-path", "/serial@30000000").end();
  ns16550(t, "serial@20000000", 0x20000000);
  ns16550(t, "serial@30000000", 0x30000000);
  BootInfo info = parse_ok(t.end().build());
  CHECK(std::string(info.stdout_path) == "/serial@30000000");
  CHECK(info.uart.base == 0x30000000);
}

TEST_CASE("without a usable stdout-path the first enabled UART is the console", "[fdt]") {
  auto tree = [](const char* stdout_path) {
    TreeBuilder t = riscv_root();
    if (stdout_path) t.begin("chosen").str("stdout-path", stdout_path).end();
    t.begin("aliases").str("serial0", "/nowhere").end();
    ns16550(t, "serial@20000000", 0x20000000, "disabled");
    t.begin("gpio@25000000").str("compatible", "sifive,gpio0").end();  // not a UART
    ns16550(t, "serial@30000000", 0x30000000);
    return t.end().build();
  };
  CHECK(parse_ok(tree(nullptr)).uart.base == 0x30000000);
  CHECK(parse_ok(tree("/serial@40000000")).uart.base == 0x30000000);  // no such node
  CHECK(parse_ok(tree("serial7")).uart.base == 0x30000000);           // no such alias
  CHECK(parse_ok(tree("serial0:115200")).uart.base == 0x30000000);    // alias to nothing
  CHECK(parse_ok(tree("/gpio@25000000")).uart.base == 0x30000000);    // not a UART
  CHECK(parse_ok(tree("")).uart.base == 0x30000000);
}

TEST_CASE("no UART and no PLIC leave kind None and base 0", "[fdt]") {
  TreeBuilder t = riscv_root();
  t.begin("cpus").cells("#address-cells", {1}).cells("#size-cells", {0});
  cpu(t, 0, "rv64imac");
  t.end();
  BootInfo info = parse_ok(t.end().build());
  CHECK(info.uart.kind == UartKind::None);
  CHECK(info.plic.base == 0);
  CHECK(info.harts[0].plic_s_context == kNoPlicContext);
  CHECK(info.timebase_hz == 0);
  CHECK(std::string(info.stdout_path).empty());
}

TEST_CASE("sstc counts only as a whole ISA token (any case) or in riscv,isa-extensions",
          "[fdt]") {
  TreeBuilder t = riscv_root();
  t.begin("cpus").cells("#address-cells", {1}).cells("#size-cells", {0});
  cpu(t, 0, "rv64imafdc_zicsr_sstcx_zsstc");        // only look-alikes
  cpu(t, 1, "RV64IMAFDC_Zicsr_Sstc");                // upper case, last token
  cpu(t, 2, "rv64imafdc_sstc_zicsr");                // middle token
  cpu(t, 3, "rv64imafdcsstc");                       // letters of the base, not a token
  t.begin("cpu@4").str("device_type", "cpu").cells("reg", {4});
  t.str("riscv,isa-base", "rv64i").strings("riscv,isa-extensions", {"i", "m", "zicsr", "sstc"});
  t.str("mmu-type", "riscv,sv39").end();
  t.end();
  BootInfo info = parse_ok(t.end().build());
  REQUIRE(info.hart_count == 5);
  CHECK_FALSE(info.harts[0].sstc);
  CHECK(info.harts[1].sstc);
  CHECK(info.harts[2].sstc);
  CHECK_FALSE(info.harts[3].sstc);
  CHECK(info.harts[4].sstc);
  CHECK(std::string(info.harts[4].isa) == "rv64i");  // riscv,isa-base stands in
}

TEST_CASE("status \"ok\" is okay; riscv,none, sv32 or no mmu-type leave a hart unusable",
          "[fdt]") {
  TreeBuilder t = riscv_root();
  t.begin("cpus").cells("#address-cells", {1}).cells("#size-cells", {0});
  t.begin("cpu@0").str("device_type", "cpu").cells("reg", {0}).str("status", "ok");
  t.str("mmu-type", "riscv,sv57").end();
  cpu(t, 1, "rv64imac", "riscv,none");
  cpu(t, 2, "rv64imac", "riscv,sv32");
  cpu(t, 3, "rv64imac", "");
  t.begin("cpu@4").str("device_type", "cpu").cells("reg", {4}).str("status", "fail");
  t.str("mmu-type", "riscv,sv39").end();
  t.begin("cpu-map").begin("cluster0").end().end();  // no device_type: not a hart
  t.end();
  BootInfo info = parse_ok(t.end().build());
  REQUIRE(info.hart_count == 5);
  CHECK((info.harts[0].okay && info.harts[0].has_mmu));
  CHECK((info.harts[1].okay && !info.harts[1].has_mmu));
  CHECK_FALSE(info.harts[2].has_mmu);
  CHECK_FALSE(info.harts[3].has_mmu);
  CHECK((!info.harts[4].okay && info.harts[4].has_mmu));
  CHECK(usable_hart_count(info) == 1);
}

TEST_CASE("reg uses the parent's cells, 2 and 1 when the parent gives none", "[fdt]") {
  TreeBuilder t;
  t.begin("");  // no #address-cells/#size-cells: defaults 2 and 1
  t.begin("memory@80000000").cells("reg", {0, 0x80000000, 0x1000000, 0x1, 0, 0x100000})
      .str("device_type", "memory").end();  // device_type after reg still counts
  t.begin("bus").cells("#address-cells", {1}).cells("#size-cells", {1});
  t.begin("memory@2000").str("device_type", "memory").cells("reg", {0x2000, 0x3000}).end();
  // A trailing partial entry is not an entry.
  t.begin("memory@4000").str("device_type", "memory").cells("reg", {0x4000, 0x1000, 0x6000}).end();
  t.end();
  BootInfo info = parse_ok(t.end().build());
  REQUIRE(info.memory_count == 4);
  CHECK(equal_ranges(info.memory[0], 0x80000000, 0x1000000));
  CHECK(equal_ranges(info.memory[1], 0x100000000, 0x100000));
  CHECK(equal_ranges(info.memory[2], 0x2000, 0x3000));
  CHECK(equal_ranges(info.memory[3], 0x4000, 0x1000));
}

TEST_CASE("reg with cells wider than 64 bits is not read", "[fdt]") {
  TreeBuilder t = riscv_root();
  t.begin("pci").cells("#address-cells", {3}).cells("#size-cells", {2});
  t.begin("memory@0").str("device_type", "memory").cells("reg", {0, 0, 0x1000, 0, 0x1000}).end();
  t.end();
  CHECK(parse_ok(t.end().build()).memory_count == 0);
}

TEST_CASE("/memreserve/ entries come first, then /reserved-memory children with reg",
          "[fdt]") {
  TreeBuilder t = riscv_root();
  t.reserve(0x84000000, 0x1000).reserve(0x85000000, 0x2000);
  t.begin("reserved-memory").cells("#address-cells", {1}).cells("#size-cells", {1}).empty("ranges");
  t.begin("a@86000000").cells("reg", {0x86000000, 0x4000, 0x87000000, 0x8000}).end();
  t.begin("pool").cells("size", {0x100000}).end();
  t.begin("b@88000000").cells("reg", {0x88000000, 0x0}).end();  // empty: skipped
  t.end();
  BootInfo info = parse_ok(t.end().build());
  REQUIRE(info.reserved_count == 4);
  CHECK(equal_ranges(info.reserved[0], 0x84000000, 0x1000));
  CHECK(equal_ranges(info.reserved[1], 0x85000000, 0x2000));
  CHECK(equal_ranges(info.reserved[2], 0x86000000, 0x4000));
  CHECK(equal_ranges(info.reserved[3], 0x87000000, 0x8000));
}

TEST_CASE("entries past the fixed capacities are ignored, not an error", "[fdt]") {
  TreeBuilder t = riscv_root();
  for (u64 i = 0; i < kMaxReserved + 4; ++i) t.reserve(0x90000000 + i * 0x1000, 0x1000);
  std::vector<u32> reg;
  for (u32 i = 0; i < kMaxMemRanges + 3; ++i) reg.insert(reg.end(), {i, 0, 0, 0x1000});
  t.begin("memory@0").str("device_type", "memory").cells("reg", reg).end();
  t.begin("cpus").cells("#address-cells", {1}).cells("#size-cells", {0});
  for (u32 h = 0; h < kMaxHarts + 2; ++h) cpu(t, h, "rv64imac");
  t.end();
  BootInfo info = parse_ok(t.end().build());
  CHECK(info.reserved_count == kMaxReserved);
  CHECK(info.memory_count == kMaxMemRanges);
  CHECK(info.memory[kMaxMemRanges - 1].base == u64(kMaxMemRanges - 1) << 32);
  CHECK(info.hart_count == kMaxHarts);
  CHECK(info.harts[kMaxHarts - 1].hartid == kMaxHarts - 1);
}

TEST_CASE("over-long strings are truncated and stay NUL-terminated", "[fdt]") {
  std::string long_isa = "rv64imafdc";
  while (long_isa.size() < 300) long_isa += "_zfoo";
  long_isa += "_sstc";  // past the isa buffer, but still seen
  std::string long_args(2000, 'a');
  // Built in place: GCC 12 at -O3 misreports `"/" + std::string` (-Wrestrict).
  std::string long_path(201, 'p');
  long_path[0] = '/';
  TreeBuilder t = riscv_root();
  t.begin("chosen").str("bootargs", long_args).str("stdout-path", long_path).end();
  t.begin("cpus").cells("#address-cells", {1}).cells("#size-cells", {0});
  cpu(t, 0, long_isa, "riscv,sv39-with-a-very-long-mmu-type-name");
  t.end();
  BootInfo info = parse_ok(t.end().build());
  CHECK(std::string(info.bootargs) == long_args.substr(0, sizeof info.bootargs - 1));
  CHECK(std::string(info.stdout_path) == long_path.substr(0, sizeof info.stdout_path - 1));
  CHECK(std::string(info.harts[0].isa) == long_isa.substr(0, sizeof info.harts[0].isa - 1));
  CHECK(std::strlen(info.harts[0].mmu_type) == sizeof info.harts[0].mmu_type - 1);
  CHECK(info.harts[0].sstc);
  CHECK_FALSE(info.harts[0].has_mmu);
}

TEST_CASE("a string property without its NUL is read up to its length", "[fdt]") {
  TreeBuilder t = riscv_root();
  t.begin("chosen").prop("bootargs", {'q', 'u', 'i', 'e', 't'}).end();
  CHECK(std::string(parse_ok(t.end().build()).bootargs) == "quiet");
}

TEST_CASE("timebase-frequency in a cpu node is used when /cpus has none", "[fdt]") {
  TreeBuilder t = riscv_root();
  t.begin("cpus").cells("#address-cells", {1}).cells("#size-cells", {0});
  t.begin("cpu@0").str("device_type", "cpu").cells("reg", {0}).cells("timebase-frequency", {4000000}).end();
  t.end();
  CHECK(parse_ok(t.end().build()).timebase_hz == 4'000'000);
}

TEST_CASE("PLIC contexts follow the intc phandles, not the node order", "[fdt]") {
  // Harts listed 1 then 0; the PLIC lists hart 0's contexts first and uses
  // linux,phandle for one of them.
  TreeBuilder t = riscv_root();
  t.begin("cpus").cells("#address-cells", {1}).cells("#size-cells", {0});
  t.begin("cpu@1").str("device_type", "cpu").cells("reg", {1}).str("mmu-type", "riscv,sv39");
  t.begin("interrupt-controller").empty("interrupt-controller").cells("phandle", {0x21}).end().end();
  t.begin("cpu@0").str("device_type", "cpu").cells("reg", {0}).str("mmu-type", "riscv,sv39");
  t.begin("interrupt-controller").empty("interrupt-controller").cells("linux,phandle", {0x20}).end().end();
  t.end();
  t.begin("plic@c000000").strings("compatible", {"vendor,plic", "riscv,plic0"});
  t.cells("reg", {0, 0xc000000, 0, 0x4000000}).cells("riscv,ndev", {31});
  t.cells("interrupts-extended", {0x20, 0xffffffff, 0x20, 9, 0x21, 11, 0x21, 9, 0x99});
  t.end();
  BootInfo info = parse_ok(t.end().build());
  REQUIRE(info.hart_count == 2);
  CHECK(info.harts[0].hartid == 1);
  CHECK(info.harts[0].plic_s_context == 3);
  CHECK(info.harts[1].hartid == 0);
  CHECK(info.harts[1].plic_s_context == 1);
  CHECK(info.plic.ndev == 31);
}

TEST_CASE("a version 16 blob, without size_dt_struct, parses", "[fdt]") {
  TreeBuilder t = riscv_root();
  t.begin("memory@80000000").str("device_type", "memory").cells("reg", {0, 0x80000000, 0, 0x1000}).end();
  BootInfo info = parse_ok(t.end().build(16));
  REQUIRE(info.memory_count == 1);
  CHECK(info.memory[0].base == 0x80000000);
}

TEST_CASE("properties after a child node are ignored, as libfdt does", "[fdt]") {
  TreeBuilder t = riscv_root();
  t.begin("cpus").cells("#address-cells", {1}).cells("#size-cells", {0});
  t.begin("cpu@0").str("device_type", "cpu").cells("reg", {0}).end();
  t.cells("timebase-frequency", {1234});
  t.end();
  CHECK(parse_ok(t.end().build()).timebase_hz == 0);
}

TEST_CASE("NOP tokens are skipped", "[fdt]") {
  TreeBuilder t = riscv_root();
  t.begin("chosen").str("bootargs", "x").end();
  std::vector<u8> blob = t.end().build();
  // Overwrite the root's #address-cells property (12 bytes + 4 of value) with NOPs.
  size_t prop = get_be32(blob, kOffStruct) + 8;
  REQUIRE(get_be32(blob, prop) == 3);
  for (size_t i = 0; i < 16; i += 4) put_be32(blob, prop + i, 4);
  CHECK(std::string(parse_ok(blob).bootargs) == "x");
}

// ---- Malformed blobs: Error::Inval, and never a read past totalsize ----

TEST_CASE("bad magic is Inval", "[fdt]") {
  auto blob = load("virt-1hart.dtb");
  blob[0] ^= 1;
  CHECK(parse_error(blob) == Error::Inval);
}

TEST_CASE("versions before 16, or needing a reader newer than 17, are Inval", "[fdt]") {
  auto blob = load("virt-1hart.dtb");
  put_be32(blob, kVersion, 15);
  CHECK(parse_error(blob) == Error::Inval);
  put_be32(blob, kVersion, 18);
  put_be32(blob, kLastCompVersion, 18);
  CHECK(parse_error(blob) == Error::Inval);
  put_be32(blob, kLastCompVersion, 16);  // a newer blob still readable as v17
  CHECK(parse_ok(blob).hart_count == 1);
}

TEST_CASE("a totalsize that cuts into the blocks is Inval at every length", "[fdt]") {
  auto blob = load("virt-4hart.dtb");
  u32 needed = std::max(get_be32(blob, kOffStruct) + get_be32(blob, kSizeStruct),
                        get_be32(blob, kOffStrings) + get_be32(blob, kSizeStrings));
  REQUIRE(needed < blob.size());  // OpenSBI leaves free space at the end
  for (u32 size = 8; size <= blob.size(); ++size) {
    std::vector<u8> cut(blob.begin(), blob.begin() + size);
    put_be32(cut, kTotalSize, size);
    BootInfo info;
    auto r = parse_copy(cut, 0, info);
    INFO("totalsize " << size);
    if (size < needed) {
      REQUIRE_FALSE(r.ok());
      REQUIRE(r.error() == Error::Inval);
    } else {
      REQUIRE(r.ok());
    }
  }
}

TEST_CASE("a structure block at or running past the end is Inval", "[fdt]") {
  auto blob = load("virt-1hart.dtb");
  u32 size = u32(blob.size());
  auto with_struct = [&](u32 off, u32 len) {
    auto b = blob;
    put_be32(b, kOffStruct, off);
    put_be32(b, kSizeStruct, len);
    return b;
  };
  CHECK(parse_error(with_struct(size + 4, 0x100)) == Error::Inval);
  CHECK(parse_error(with_struct(0xfffffff0, 0x20)) == Error::Inval);  // wraps in 32 bits
  CHECK(parse_error(with_struct(size - 8, 0x100)) == Error::Inval);
  CHECK(parse_error(with_struct(get_be32(blob, kOffStruct), 0xffffffff)) == Error::Inval);
  CHECK(parse_error(with_struct(get_be32(blob, kOffStruct) + 2,
                                get_be32(blob, kSizeStruct))) == Error::Inval);  // misaligned
  CHECK(parse_error(with_struct(0, get_be32(blob, kSizeStruct))) == Error::Inval);  // in header
}

TEST_CASE("a strings block or memreserve map past the end is Inval", "[fdt]") {
  auto blob = load("virt-1hart.dtb");
  auto b = blob;
  put_be32(b, kSizeStrings, u32(blob.size()));
  CHECK(parse_error(b) == Error::Inval);
  b = blob;
  put_be32(b, kOffMemRsv, u32(blob.size()) - 8);  // no room for one entry
  CHECK(parse_error(b) == Error::Inval);
  b = blob;
  put_be32(b, kOffMemRsv, u32(blob.size()) + 64);
  CHECK(parse_error(b) == Error::Inval);
}

TEST_CASE("a property length past the end is Inval", "[fdt]") {
  auto blob = load("virt-1hart.dtb");
  size_t prop = get_be32(blob, kOffStruct) + 8;  // root: BEGIN_NODE "" then the first PROP
  REQUIRE(get_be32(blob, prop) == 3);
  u32 struct_end = get_be32(blob, kOffStruct) + get_be32(blob, kSizeStruct);
  for (u32 len : {0xffffffffu, 0x80000000u, u32(blob.size()), u32(struct_end - (prop + 12) + 1)}) {
    INFO("len " << len);
    auto b = blob;
    put_be32(b, prop + 4, len);
    CHECK(parse_error(b) == Error::Inval);
  }
}

TEST_CASE("a property name offset outside the strings block is Inval", "[fdt]") {
  auto blob = load("virt-1hart.dtb");
  size_t prop = get_be32(blob, kOffStruct) + 8;
  for (u32 off : {get_be32(blob, kSizeStrings), 0xfffffffcu}) {
    auto b = blob;
    put_be32(b, prop + 8, off);
    CHECK(parse_error(b) == Error::Inval);
  }
  // The last string with its NUL cut off by a shorter strings block.
  auto b = blob;
  put_be32(b, kSizeStrings, get_be32(blob, kSizeStrings) - 1);
  CHECK(parse_error(b) == Error::Inval);
}

TEST_CASE("unbalanced nodes, a missing FDT_END, unknown tokens and deep nesting are Inval",
          "[fdt]") {
  auto built = [](auto fill) {
    TreeBuilder t;
    fill(t);
    return t.build();
  };
  CHECK(parse_error(built([](TreeBuilder& t) { t.begin("").begin("a").end(); })) == Error::Inval);
  CHECK(parse_error(built([](TreeBuilder& t) { t.begin("").end().end(); })) == Error::Inval);
  CHECK(parse_error(built([](TreeBuilder& t) { t.begin("").end().begin("").end(); })) ==
        Error::Inval);
  CHECK(parse_error(built([](TreeBuilder&) {})) == Error::Inval);  // no root at all
  CHECK(parse_error(built([](TreeBuilder& t) {
          for (int i = 0; i < 17; ++i) t.begin("n");
          for (int i = 0; i < 17; ++i) t.end();
        })) == Error::Inval);
  CHECK(parse_ok(built([](TreeBuilder& t) {
          for (int i = 0; i < 16; ++i) t.begin("n");
          for (int i = 0; i < 16; ++i) t.end();
        })).hart_count == 0);

  auto blob = load("virt-1hart.dtb");
  auto b = blob;
  put_be32(b, get_be32(blob, kOffStruct) + 8, 7);  // an unknown token for the first PROP
  CHECK(parse_error(b) == Error::Inval);
  b = blob;  // FDT_END dropped from the structure block
  put_be32(b, kSizeStruct, get_be32(blob, kSizeStruct) - 4);
  CHECK(parse_error(b) == Error::Inval);
  b = blob;  // a node name without its NUL at the end of the block
  size_t off_struct = get_be32(blob, kOffStruct);
  put_be32(b, kSizeStruct, 6);
  b[off_struct + 4] = 'x';
  b[off_struct + 5] = 'y';
  CHECK(parse_error(b) == Error::Inval);
}

TEST_CASE("random corruption of a real tree never reads outside it", "[fdt]") {
  // ASan and UBSan do the checking: any result is acceptable, a crash is not.
  std::mt19937 rng(20240607);
  for (const char* name : {"virt-4hart.dtb", "sifive_u.dtb", "visionfive2-like.dtb"}) {
    auto blob = load(name);
    std::uniform_int_distribution<size_t> at(0, blob.size() - 1);
    for (int round = 0; round < 1500; ++round) {
      auto b = blob;
      int flips = 1 + round % 8;
      for (int i = 0; i < flips; ++i) b[at(rng)] = u8(rng());
      // totalsize describes the buffer the caller owns; keep it true.
      put_be32(b, kTotalSize, u32(b.size()));
      BootInfo info;
      (void)parse_copy(b, 0, info);
      CHECK(info.memory_count <= kMaxMemRanges);
      CHECK(info.reserved_count <= kMaxReserved);
      CHECK(info.hart_count <= kMaxHarts);
    }
  }
}

// Flattened device tree parser (Devicetree Specification v0.4, chapter 5).
//
// The blob comes from firmware and is not trusted: every load is a byte load
// (big-endian, and the blob may be only 4-byte aligned) checked against the
// limits the header gives, which are themselves checked against totalsize.
// One walk gathers what the kernel needs; short extra walks resolve
// /chosen/stdout-path, whose target may come anywhere in the tree.
// reg addresses are taken as they stand: bus `ranges` translations are not
// applied (virt, sifive_u and the JH7110 map their buses 1:1 with `ranges;`).
#include "core/boot/fdt.h"

namespace tine::fdt {
namespace {

constexpr u32 kMagic = 0xd00dfeed;
constexpr u32 kTokenBeginNode = 1, kTokenEndNode = 2, kTokenProp = 3,
              kTokenNop = 4, kTokenEnd = 9;
constexpr u32 kHeaderSizeV16 = 36, kHeaderSizeV17 = 40;  // v17 adds size_dt_struct
constexpr u32 kFirstVersion = 16, kLastReadableVersion = 17;
constexpr u32 kDefaultAddressCells = 2, kDefaultSizeCells = 1;
// Real trees nest fewer than 8 deep; deeper is treated as malformed.
constexpr unsigned kMaxDepth = 16;
// Interrupt cause of the supervisor external interrupt: a PLIC context
// wired to it is the hart's S-mode context (11 would be M-mode).
constexpr u32 kCauseSupervisorExternal = 9;

u32 load_be32(const u8* p) {
  return u32(p[0]) << 24 | u32(p[1]) << 16 | u32(p[2]) << 8 | u32(p[3]);
}
u64 load_be64(const u8* p) { return u64(load_be32(p)) << 32 | load_be32(p + 4); }

// ---- Strings. Every scan is bounded: a property string need not be
// NUL-terminated within the property.

size_t bounded_strlen(const char* s, size_t max) {
  size_t n = 0;
  while (n < max && s[n] != '\0') ++n;
  return n;
}

bool equal(const char* a, size_t a_len, const char* b, size_t b_len) {
  if (a_len != b_len) return false;
  for (size_t i = 0; i < a_len; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

bool equal(const char* a, size_t a_len, const char* literal) {
  return equal(a, a_len, literal, bounded_strlen(literal, a_len + 1));
}

char to_lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

bool equal_ignoring_case(const char* a, size_t a_len, const char* literal) {
  size_t i = 0;
  for (; i < a_len; ++i)
    if (literal[i] == '\0' || to_lower(a[i]) != literal[i]) return false;
  return literal[i] == '\0';
}

void copy_string(char* dst, size_t capacity, const char* src, size_t src_len) {
  size_t n = min(src_len, capacity - 1);
  for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  dst[n] = '\0';
}

// ---- Properties.

struct Prop {
  const u8* data = nullptr;  // null: the property is absent
  u32 len = 0;
  bool present() const { return data != nullptr; }
  const char* chars() const { return reinterpret_cast<const char*>(data); }
  // The first string of the value, without its NUL.
  size_t first_len() const { return bounded_strlen(chars(), len); }
};

// A one-cell value, or `fallback` when absent or too short.
u32 prop_u32(Prop p, u32 fallback) { return p.len >= 4 ? load_be32(p.data) : fallback; }

// A number in one or two cells, as /chosen's linux,initrd-* are written.
u64 prop_cells_u64(Prop p) {
  if (p.len >= 8) return (u64(load_be32(p.data)) << 32) | load_be32(p.data + 4);
  return prop_u32(p, 0);
}

// A frequency: one cell, or two for values past 4 GHz.
u64 prop_frequency(Prop p) {
  if (p.len == 8) return load_be64(p.data);
  return prop_u32(p, 0);
}

// True when the first string of `p` is `literal`.
bool string_is(Prop p, const char* literal) {
  return p.present() && equal(p.chars(), p.first_len(), literal);
}

// Calls visit(str, len) for each string of a stringlist; true as soon as one
// visit returns true.
template <typename Visit>
bool any_string(Prop p, Visit visit) {
  for (u32 pos = 0; pos < p.len;) {
    const char* s = p.chars() + pos;
    size_t n = bounded_strlen(s, p.len - pos);
    if (visit(s, n)) return true;
    pos += u32(n) + 1;
  }
  return false;
}

bool has_string(Prop p, const char* literal) {
  return any_string(p, [&](const char* s, size_t n) { return equal(s, n, literal); });
}

void copy_prop_string(char* dst, size_t capacity, Prop p) {
  if (p.present())
    copy_string(dst, capacity, p.chars(), p.first_len());
  else
    dst[0] = '\0';
}

// ---- The blob's layout, checked once.

struct Blob {
  const u8* base = nullptr;
  u32 size = 0;  // totalsize
  u32 mem_rsvmap = 0;
  u32 struct_begin = 0, struct_end = 0;
  u32 strings_begin = 0, strings_end = 0;
  // The strings block ends in a NUL (dtc's always does): every name in it
  // is terminated, and string() need not measure one.
  bool strings_terminated = false;

  // The token or cell at `off` inside the structure block.
  Result<u32> word(u64 off) const {
    if (off > struct_end || struct_end - off < 4) return Error::Inval;
    return load_be32(base + off);
  }

  // A property name: NUL-terminated inside the strings block.
  Result<const char*> string(u32 name_off) const {
    u32 avail = strings_end - strings_begin;
    if (name_off >= avail) return Error::Inval;
    const char* s = reinterpret_cast<const char*>(base + strings_begin + name_off);
    if (!strings_terminated && bounded_strlen(s, avail - name_off) == avail - name_off)
      return Error::Inval;
    return s;
  }
};

Result<Blob> open_blob(const void* blob) {
  Blob b;
  b.base = static_cast<const u8*>(blob);
  if (load_be32(b.base) != kMagic) return Error::Inval;
  b.size = load_be32(b.base + 4);
  // Nothing past the magic and totalsize is read before this check.
  if (b.size < kHeaderSizeV16) return Error::Inval;
  u32 version = load_be32(b.base + 20);
  u32 last_compatible = load_be32(b.base + 24);
  if (version < kFirstVersion || last_compatible > kLastReadableVersion)
    return Error::Inval;
  u32 header_size = version >= 17 ? kHeaderSizeV17 : kHeaderSizeV16;
  if (b.size < header_size) return Error::Inval;

  u32 off_struct = load_be32(b.base + 8);
  u32 off_strings = load_be32(b.base + 12);
  b.mem_rsvmap = load_be32(b.base + 16);
  u32 size_strings = load_be32(b.base + 32);
  auto inside = [&](u32 off, u32 size) {
    return off >= header_size && off <= b.size && size <= b.size - off;
  };
  if (!inside(off_struct, 0) || !inside(off_strings, size_strings) ||
      !inside(b.mem_rsvmap, 0))
    return Error::Inval;
  // v16 has no size_dt_struct: the structure may run up to totalsize.
  u32 size_struct = version >= 17 ? load_be32(b.base + 36) : b.size - off_struct;
  if (!inside(off_struct, size_struct) || !is_aligned(off_struct, 4))
    return Error::Inval;
  b.struct_begin = off_struct;
  b.struct_end = off_struct + size_struct;
  b.strings_begin = off_strings;
  b.strings_end = off_strings + size_strings;
  b.strings_terminated = size_strings > 0 && b.base[b.strings_end - 1] == '\0';
  return b;
}

// ---- The walk over the structure block.

// The properties the kernel looks at, for the innermost open node.
struct Props {
  Prop address_cells, size_cells, reg, device_type, compatible, status;
  Prop phandle, linux_phandle, interrupt_controller, interrupts_extended, ndev;
  Prop isa, isa_base, isa_extensions, mmu_type, timebase;
  Prop reg_shift, reg_io_width, clock_frequency, interrupts;
  Prop bootargs, stdout_path, linux_stdout_path;
  Prop initrd_start, initrd_end;
  Prop rng_seed;
};

struct PropName {
  const char* name;
  Prop Props::*field;
};

constexpr PropName kWanted[] = {
    {"#address-cells", &Props::address_cells},
    {"#size-cells", &Props::size_cells},
    {"reg", &Props::reg},
    {"device_type", &Props::device_type},
    {"compatible", &Props::compatible},
    {"status", &Props::status},
    {"phandle", &Props::phandle},
    {"linux,phandle", &Props::linux_phandle},
    {"interrupt-controller", &Props::interrupt_controller},
    {"interrupts-extended", &Props::interrupts_extended},
    {"interrupts", &Props::interrupts},
    {"riscv,ndev", &Props::ndev},
    {"riscv,isa", &Props::isa},
    {"riscv,isa-base", &Props::isa_base},
    {"riscv,isa-extensions", &Props::isa_extensions},
    {"mmu-type", &Props::mmu_type},
    {"timebase-frequency", &Props::timebase},
    {"reg-shift", &Props::reg_shift},
    {"reg-io-width", &Props::reg_io_width},
    {"clock-frequency", &Props::clock_frequency},
    {"bootargs", &Props::bootargs},
    {"stdout-path", &Props::stdout_path},
    {"linux,stdout-path", &Props::linux_stdout_path},
    {"linux,initrd-start", &Props::initrd_start},
    {"linux,initrd-end", &Props::initrd_end},
    {"rng-seed", &Props::rng_seed},
};

// `name` comes from the strings block, already checked to end in a NUL.
// Compared a character at a time, stopping at the first that differs: most
// wanted names differ from `name` in their first one or two (a boot walks
// every property of the tree through here).
bool same_name(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) ++a, ++b;
  return *a == *b;
}

// kWanted's index for `name`, or -1.
int wanted_index(const char* name) {
  for (unsigned i = 0; i < sizeof kWanted / sizeof kWanted[0]; i++)
    if (same_name(kWanted[i].name, name)) return int(i);
  return -1;
}

// wanted_index by the name's offset in the strings block: dtc stores each
// name once, so a tree of ~150 properties has ~50 offsets, and a walk
// compares each name against kWanted once, not at every property.
// Direct-mapped; a collision only costs a compare.
struct NameMemo {
  static constexpr unsigned kSlots = 64;
  static constexpr u8 kNone = 0xff;
  u32 off[kSlots];
  u8 wanted[kSlots];  // kWanted's index; kNone: not wanted
  NameMemo() {
    for (u32& o : off) o = ~0u;
  }
  int lookup(u32 name_off, const char* name) {
    const unsigned slot = (name_off * 0x9e3779b1u) >> 26;
    if (off[slot] != name_off) {
      off[slot] = name_off;
      const int i = wanted_index(name);
      wanted[slot] = i < 0 ? kNone : u8(i);
    }
    return wanted[slot] == kNone ? -1 : int(wanted[slot]);
  }
};

void record(Props& props, int index, Prop value) {
  if (index >= 0) props.*kWanted[index].field = value;
}

enum class Role : u8 { Other, Cpus, Cpu, Chosen, ReservedMemory };

// One node on the path from the root to where the walk is.
struct Node {
  const char* name = "";  // unit name, e.g. "serial@10000000"; "" for the root
  u32 name_len = 0;
  u32 address_cells = kDefaultAddressCells;  // apply to this node's children
  u32 size_cells = kDefaultSizeCells;
  bool props_done = false;
  Role role = Role::Other;  // filled in by the collector
  int hart = -1;            // index into BootInfo::harts for a cpu node
};

// Walks the structure block. Properties precede child nodes, so a node is
// complete at its first child or its end: visitor.node(path, depth, props)
// is called then, once per node, with path[depth - 1] the node itself.
// visitor.property() sees every property of it before that. A property after
// a child node is ignored, as libfdt does.
template <typename Visitor>
Result<void> walk(const Blob& blob, Visitor& visitor) {
  Node path[kMaxDepth];
  unsigned depth = 0;
  bool root_done = false;
  Props props;
  NameMemo memo;
  auto complete = [&] {
    Node& node = path[depth - 1];
    node.address_cells = prop_u32(props.address_cells, kDefaultAddressCells);
    node.size_cells = prop_u32(props.size_cells, kDefaultSizeCells);
    node.props_done = true;
    visitor.node(path, depth, props);
  };
  // A visitor with done() may end the walk early: the stdout-path walks,
  // over a blob the main walk has checked to its end already.
  auto finished = [&] {
    if constexpr (requires { visitor.done(); })
      return visitor.done();
    else
      return false;
  };

  u64 off = blob.struct_begin;
  for (;;) {
    u32 token = TRY(blob.word(off));
    off += 4;
    switch (token) {
      case kTokenBeginNode: {
        if (root_done || depth == kMaxDepth) return Error::Inval;
        const char* name = reinterpret_cast<const char*>(blob.base + off);
        size_t avail = blob.struct_end - off;
        size_t len = bounded_strlen(name, avail);
        if (len == avail) return Error::Inval;
        off = align_up(off + len + 1, 4);
        if (depth > 0 && !path[depth - 1].props_done) complete();
        if (finished()) return ok();
        path[depth] = Node{};
        path[depth].name = name;
        path[depth].name_len = u32(len);
        ++depth;
        props = Props{};
        break;
      }
      case kTokenProp: {
        if (depth == 0) return Error::Inval;
        u32 len = TRY(blob.word(off));
        u32 name_off = TRY(blob.word(off + 4));
        off += 8;
        if (len > blob.struct_end - off) return Error::Inval;
        Prop value{blob.base + off, len};
        off = align_up(off + len, 4);
        const char* name = TRY(blob.string(name_off));
        if (!path[depth - 1].props_done) {
          record(props, memo.lookup(name_off, name), value);
          visitor.property(path, depth, name, value);
        }
        break;
      }
      case kTokenEndNode:
        if (depth == 0) return Error::Inval;
        if (!path[depth - 1].props_done) complete();
        if (finished()) return ok();
        if (--depth == 0) root_done = true;
        break;
      case kTokenNop:
        break;
      case kTokenEnd:
        if (!root_done || depth != 0) return Error::Inval;
        return ok();
      default:
        return Error::Inval;
    }
  }
}

// ---- Reading nodes.

u64 load_cells(const u8* p, u32 cells) {
  return cells == 0 ? 0 : cells == 1 ? load_be32(p) : load_be64(p);
}

// Entry `i` of a reg property, in the cells of the node's parent. False past
// the last entry, or for addresses or sizes wider than 64 bits (PCI).
bool reg_entry(Prop reg, const Node& parent, u32 i, Range& out) {
  u32 ac = parent.address_cells, sc = parent.size_cells;
  if (ac < 1 || ac > 2 || sc > 2) return false;
  u64 stride = 4 * u64(ac + sc);
  if ((u64(i) + 1) * stride > reg.len) return false;
  const u8* entry = reg.data + i * stride;
  out.base = load_cells(entry, ac);
  out.size = load_cells(entry + 4 * ac, sc);
  return true;
}

// Appends every reg entry with a size; entries past capacity are dropped.
void add_ranges(Prop reg, const Node& parent, Range* ranges, unsigned& count,
                unsigned capacity) {
  Range r;
  for (u32 i = 0; count < capacity && reg_entry(reg, parent, i, r); ++i)
    if (r.size != 0) ranges[count++] = r;
}

bool status_okay(Prop status) {
  return !status.present() || string_is(status, "okay") || string_is(status, "ok");
}

u32 phandle_of(const Props& p) {
  return prop_u32(p.phandle, prop_u32(p.linux_phandle, 0));
}

// Sv48 and Sv57 harts also implement Sv39, which is all the kernel uses.
bool can_run_sv39(Prop mmu_type) {
  return string_is(mmu_type, "riscv,sv39") || string_is(mmu_type, "riscv,sv48") ||
         string_is(mmu_type, "riscv,sv57");
}

// True when a riscv,isa string such as "rv64imafdch_zicsr_sstc" names the
// multi-letter extension `ext` as one of its underscore-separated tokens.
bool isa_has_extension(Prop isa, const char* ext) {
  if (!isa.present()) return false;
  const char* s = isa.chars();
  size_t n = isa.first_len();
  for (size_t pos = 0; pos < n; ++pos) {
    size_t start = pos;
    while (pos < n && s[pos] != '_') ++pos;
    if (equal_ignoring_case(s + start, pos - start, ext)) return true;
  }
  return false;
}

UartKind uart_kind(Prop compatible) {
  UartKind kind = UartKind::None;
  any_string(compatible, [&](const char* s, size_t n) {
    if (equal(s, n, "ns16550a") || equal(s, n, "ns16550") ||
        equal(s, n, "snps,dw-apb-uart"))
      kind = UartKind::Ns16550;
    else if (equal(s, n, "sifive,uart0"))
      kind = UartKind::Sifive;
    return kind != UartKind::None;
  });
  return kind;
}

// Fills `out` when the node is a UART the kernel drives.
bool read_uart(const Props& p, const Node& parent, Uart& out) {
  UartKind kind = uart_kind(p.compatible);
  Range r;
  if (kind == UartKind::None || !reg_entry(p.reg, parent, 0, r)) return false;
  out = Uart{};
  out.kind = kind;
  out.base = r.base;
  out.size = r.size;
  if (kind == UartKind::Ns16550) {
    out.reg_shift = prop_u32(p.reg_shift, 0);
    out.reg_io_width = prop_u32(p.reg_io_width, 1);
  } else {
    out.reg_io_width = 4;  // the SiFive UART has 32-bit registers only
  }
  out.clock_hz = u32(prop_frequency(p.clock_frequency));
  // The PLIC source: the first cell of interrupts (one cell per interrupt
  // on virt, sifive_u and the JH7110, whose UARTs all hang off the PLIC).
  out.irq = prop_u32(p.interrupts, 0);
  return true;
}

// ---- The main walk.

struct Collector {
  BootInfo& out;
  u32 intc_phandle[kMaxHarts] = {};  // of each hart's riscv,cpu-intc; 0 = none
  Prop stdout_path{};
  Prop plic_contexts{};  // the PLIC's interrupts-extended
  bool plic_found = false;
  Uart first_uart{};

  void property(const Node*, unsigned, const char*, Prop) {}

  void node(Node* path, unsigned depth, const Props& p) {
    Node& self = path[depth - 1];
    if (depth == 1) return;  // the root: nothing the kernel reads
    const Node& parent = path[depth - 2];
    if (depth == 2) {
      if (equal(self.name, self.name_len, "cpus")) self.role = Role::Cpus;
      if (equal(self.name, self.name_len, "chosen")) self.role = Role::Chosen;
      if (equal(self.name, self.name_len, "reserved-memory"))
        self.role = Role::ReservedMemory;
    }

    if (string_is(p.device_type, "memory"))
      add_ranges(p.reg, parent, out.memory, out.memory_count, kMaxMemRanges);
    if (parent.role == Role::ReservedMemory)
      add_ranges(p.reg, parent, out.reserved, out.reserved_count, kMaxReserved);

    if (self.role == Role::Cpus) out.timebase_hz = prop_frequency(p.timebase);
    if (self.role == Role::Chosen) {
      copy_prop_string(out.bootargs, sizeof out.bootargs, p.bootargs);
      stdout_path = p.stdout_path.present() ? p.stdout_path : p.linux_stdout_path;
      copy_prop_string(out.stdout_path, sizeof out.stdout_path, stdout_path);
      // An initrd the loader placed (QEMU -initrd, U-Boot): one or two cells.
      if (p.initrd_start.present() && p.initrd_end.present()) {
        u64 start = prop_cells_u64(p.initrd_start), end = prop_cells_u64(p.initrd_end);
        if (end > start) out.initrd = Range{start, end - start};
      }
      // Seed bytes from the loader (QEMU virt: 32 from the host's RNG);
      // more than the pool can use is cut, none is fine.
      if (p.rng_seed.present()) {
        out.rng_seed_len = min<u32>(p.rng_seed.len, u32(sizeof out.rng_seed));
        for (u32 i = 0; i < out.rng_seed_len; i++) out.rng_seed[i] = p.rng_seed.data[i];
      }
    }
    // QEMU's test finisher: writing it ends the emulator with a status.
    if (out.test_device.size == 0 && (has_string(p.compatible, "sifive,test0") ||
                                      has_string(p.compatible, "sifive,test1"))) {
      Range r;
      if (reg_entry(p.reg, parent, 0, r)) out.test_device = r;
    }
    if (parent.role == Role::Cpus && string_is(p.device_type, "cpu"))
      add_hart(self, parent, p);
    if (parent.role == Role::Cpu && parent.hart >= 0 &&
        p.interrupt_controller.present())
      intc_phandle[parent.hart] = phandle_of(p);

    if (!plic_found && (has_string(p.compatible, "riscv,plic0") ||
                        has_string(p.compatible, "sifive,plic-1.0.0"))) {
      Range r;
      if (reg_entry(p.reg, parent, 0, r)) {
        plic_found = true;
        out.plic = Plic{r.base, r.size, prop_u32(p.ndev, 0)};
        plic_contexts = p.interrupts_extended;
      }
    }
    if (first_uart.kind == UartKind::None && status_okay(p.status))
      read_uart(p, parent, first_uart);
  }

  void add_hart(Node& self, const Node& parent, const Props& p) {
    Range reg;
    if (out.hart_count == kMaxHarts || !reg_entry(p.reg, parent, 0, reg)) return;
    self.role = Role::Cpu;
    self.hart = int(out.hart_count);
    Hart& h = out.harts[out.hart_count++];
    h.hartid = u32(reg.base);
    h.okay = status_okay(p.status);
    h.has_mmu = can_run_sv39(p.mmu_type);
    h.sstc = isa_has_extension(p.isa, "sstc") || has_string(p.isa_extensions, "sstc");
    copy_prop_string(h.mmu_type, sizeof h.mmu_type, p.mmu_type);
    copy_prop_string(h.isa, sizeof h.isa, p.isa.present() ? p.isa : p.isa_base);
    h.plic_s_context = kNoPlicContext;
    // Old trees put timebase-frequency in each cpu node instead of /cpus.
    if (out.timebase_hz == 0) out.timebase_hz = prop_frequency(p.timebase);
  }

  // interrupts-extended lists one (intc phandle, cause) pair per PLIC
  // context, in context order; the cpu intc has #interrupt-cells = 1.
  // OpenSBI rewrites the M-mode causes to 0xffffffff, keeping the numbering.
  void assign_plic_contexts() {
    for (u32 context = 0; (u64(context) + 1) * 8 <= plic_contexts.len; ++context) {
      const u8* entry = plic_contexts.data + context * 8;
      u32 phandle = load_be32(entry);
      if (phandle == 0 || load_be32(entry + 4) != kCauseSupervisorExternal) continue;
      for (unsigned h = 0; h < out.hart_count; ++h)
        if (intc_phandle[h] == phandle && out.harts[h].plic_s_context == kNoPlicContext)
          out.harts[h].plic_s_context = context;
    }
  }
};

// ---- stdout-path resolution.

// Finds the value of property `name` of /aliases.
struct AliasFinder {
  const char* name;
  size_t name_len;
  Prop value{};

  void property(const Node* path, unsigned depth, const char* prop_name, Prop p) {
    if (depth == 2 && equal(path[1].name, path[1].name_len, "aliases") &&
        !value.present() && equal(prop_name, bounded_strlen(prop_name, name_len + 1), name, name_len))
      value = p;
  }
  void node(Node*, unsigned, const Props&) {}
  bool done() const { return value.present(); }
};

// A path component matches a node's unit name exactly, or its name without
// "@unit-address" when the component has none ("/soc/serial" is allowed).
bool component_matches(const char* comp, size_t len, const Node& node) {
  if (equal(node.name, node.name_len, comp, len)) return true;
  for (size_t i = 0; i < len; ++i)
    if (comp[i] == '@') return false;
  return node.name_len > len && node.name[len] == '@' && equal(node.name, len, comp, len);
}

bool path_matches(const char* target, size_t len, const Node* path, unsigned depth) {
  unsigned level = 1;  // path[0] is the root
  for (size_t pos = 0;;) {
    while (pos < len && target[pos] == '/') ++pos;
    if (pos == len) return level == depth;
    size_t start = pos;
    while (pos < len && target[pos] != '/') ++pos;
    if (level >= depth || !component_matches(target + start, pos - start, path[level]))
      return false;
    ++level;
  }
}

// Reads the UART at an absolute node path, if the node is one.
struct UartAtPath {
  const char* target;
  size_t target_len;
  bool found = false;
  Uart uart{};

  void property(const Node*, unsigned, const char*, Prop) {}
  void node(Node* path, unsigned depth, const Props& p) {
    if (found || depth < 2 || !path_matches(target, target_len, path, depth)) return;
    found = true;
    read_uart(p, path[depth - 2], uart);
  }
  bool done() const { return found; }
};

// stdout-path is "path-or-alias[:options]", e.g. "serial0:115200n8".
Result<void> resolve_stdout(const Blob& blob, Prop stdout_path, Uart& out) {
  if (!stdout_path.present()) return ok();
  const char* s = stdout_path.chars();
  size_t n = 0, len = stdout_path.first_len();
  while (n < len && s[n] != ':') ++n;
  if (n == 0) return ok();
  if (s[0] != '/') {
    AliasFinder alias{s, n, {}};
    TRY(walk(blob, alias));
    if (!alias.value.present()) return ok();
    s = alias.value.chars();
    n = alias.value.first_len();
  }
  UartAtPath at{s, n};
  TRY(walk(blob, at));
  if (at.uart.kind != UartKind::None) out = at.uart;
  return ok();
}

Result<void> read_memreserve(const Blob& blob, BootInfo& out) {
  for (u64 off = blob.mem_rsvmap;; off += 16) {
    if (off + 16 > blob.size) return Error::Inval;
    Range r{load_be64(blob.base + off), load_be64(blob.base + off + 8)};
    if (r.size == 0) return ok();  // the terminator, as libfdt reads it
    if (out.reserved_count < kMaxReserved) out.reserved[out.reserved_count++] = r;
  }
}

}  // namespace

Result<void> parse(const void* blob, paddr_t blob_pa, BootInfo& out) {
  out = BootInfo{};
  const Blob b = TRY(open_blob(blob));
  out.blob = Range{blob_pa, b.size};
  TRY(read_memreserve(b, out));
  Collector collector{out};
  TRY(walk(b, collector));
  collector.assign_plic_contexts();
  TRY(resolve_stdout(b, collector.stdout_path, out.uart));
  if (out.uart.kind == UartKind::None) out.uart = collector.first_uart;
  return ok();
}

unsigned usable_hart_count(const BootInfo& info) {
  unsigned n = 0;
  for (unsigned i = 0; i < info.hart_count; ++i)
    if (info.harts[i].okay && info.harts[i].has_mmu) ++n;
  return n;
}

}  // namespace tine::fdt

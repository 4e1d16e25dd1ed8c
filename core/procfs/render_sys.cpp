#include "core/procfs/render_sys.h"

namespace tine {

void procfs_render_cpuinfo(TextBuf& out, const CpuInfoHart* harts, u32 n) {
  for (u32 i = 0; i < n; i++) {
    const CpuInfoHart& h = harts[i];
    out.printf("processor\t: %u\nhart\t\t: %u\n", h.processor, h.hartid);
    if (h.isa && h.isa[0]) out.printf("isa\t\t: %s\n", h.isa);
    if (h.mmu && h.mmu[0]) out.printf("mmu\t\t: %s\n", h.mmu);
    out.putc('\n');
  }
}

namespace {

// A meminfo line: the key padded to 16 columns (Linux keeps the padding in
// the key), the value in kB right-aligned in 8.
void kb_line(TextBuf& out, const char* key, u64 bytes) {
  size_t n = 0;
  while (key[n]) n++;
  out.put(key, n);
  for (; n < 16; n++) out.putc(' ');
  out.put_u64(bytes >> 10, 8);
  out.put(" kB\n");
}

// Seconds with two decimals, truncated, as "%lu.%02lu".
void put_centi(TextBuf& out, u64 ns) {
  out.put_u64(ns / 1000000000ull);
  out.putc('.');
  const u64 cs = (ns % 1000000000ull) / 10000000ull;
  out.putc(char('0' + cs / 10));
  out.putc(char('0' + cs % 10));
}

// Linux's LOAD_INT / LOAD_FRAC of a fixed-point load.
void put_load(TextBuf& out, u64 x) {
  constexpr u64 kOne = u64(1) << kFshift;
  out.put_u64(x >> kFshift);
  out.putc('.');
  const u64 frac = ((x & (kOne - 1)) * 100) >> kFshift;
  out.putc(char('0' + frac / 10));
  out.putc(char('0' + frac % 10));
}

void put_ticks(TextBuf& out, u64 ns) {
  out.putc(' ');
  out.put_u64(ns / 10000000ull);  // USER_HZ = 100
}

void cpu_line(TextBuf& out, const HartTimes& c) {
  put_ticks(out, c.user_ns);
  put_ticks(out, c.nice_ns);
  put_ticks(out, c.system_ns);
  put_ticks(out, c.idle_ns);
  put_ticks(out, c.iowait_ns);
  put_ticks(out, c.irq_ns);
  put_ticks(out, c.softirq_ns);
  out.put(" 0 0 0\n");  // steal, guest, guest_nice
}

// Linux's mangle() for /proc/mounts: " \t\n\\" as three octal digits.
void put_mangled(TextBuf& out, const char* s) {
  for (; *s; s++) {
    const char c = *s;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
      out.putc('\\');
      out.putc(char('0' + ((c >> 6) & 3)));
      out.putc(char('0' + ((c >> 3) & 7)));
      out.putc(char('0' + (c & 7)));
    } else {
      out.putc(c);
    }
  }
}

}  // namespace

void procfs_render_meminfo(TextBuf& out, const MemInfo& m) {
  kb_line(out, "MemTotal:", m.total);
  kb_line(out, "MemFree:", m.free);
  kb_line(out, "MemAvailable:", m.available);
  kb_line(out, "Buffers:", m.buffers);
  kb_line(out, "Cached:", m.cached);
  kb_line(out, "SwapCached:", 0);
  kb_line(out, "Active:", m.active_anon + m.active_file);
  kb_line(out, "Inactive:", m.inactive_anon + m.inactive_file);
  kb_line(out, "Active(anon):", m.active_anon);
  kb_line(out, "Inactive(anon):", m.inactive_anon);
  kb_line(out, "Active(file):", m.active_file);
  kb_line(out, "Inactive(file):", m.inactive_file);
  kb_line(out, "Unevictable:", 0);
  kb_line(out, "Mlocked:", 0);
  kb_line(out, "SwapTotal:", 0);
  kb_line(out, "SwapFree:", 0);
  kb_line(out, "Dirty:", m.dirty);
  kb_line(out, "Writeback:", 0);
  kb_line(out, "AnonPages:", m.anon_pages);
  kb_line(out, "Mapped:", m.mapped);
  kb_line(out, "Shmem:", m.shmem);
  kb_line(out, "KReclaimable:", m.slab_reclaimable);
  kb_line(out, "Slab:", m.slab_reclaimable + m.slab_unreclaimable);
  kb_line(out, "SReclaimable:", m.slab_reclaimable);
  kb_line(out, "SUnreclaim:", m.slab_unreclaimable);
  kb_line(out, "KernelStack:", m.kernel_stack);
  kb_line(out, "PageTables:", m.page_tables);
  kb_line(out, "NFS_Unstable:", 0);
  kb_line(out, "Bounce:", 0);
  kb_line(out, "WritebackTmp:", 0);
  kb_line(out, "CommitLimit:", m.commit_limit);
  kb_line(out, "Committed_AS:", m.committed);
  kb_line(out, "VmallocTotal:", 0);
  kb_line(out, "VmallocUsed:", 0);
  kb_line(out, "VmallocChunk:", 0);
  kb_line(out, "Percpu:", 0);
  kb_line(out, "AnonHugePages:", 0);
  kb_line(out, "ShmemHugePages:", 0);
  kb_line(out, "ShmemPmdMapped:", 0);
  kb_line(out, "FileHugePages:", 0);
  kb_line(out, "FilePmdMapped:", 0);
  out.put("HugePages_Total:       0\nHugePages_Free:        0\n"
          "HugePages_Rsvd:        0\nHugePages_Surp:        0\n");
  kb_line(out, "Hugepagesize:", 0);
  kb_line(out, "Hugetlb:", 0);
}

void procfs_render_uptime(TextBuf& out, u64 uptime_ns, u64 idle_ns) {
  put_centi(out, uptime_ns);
  out.putc(' ');
  put_centi(out, idle_ns);
  out.putc('\n');
}

void procfs_render_loadavg(TextBuf& out, const LoadAvg& l) {
  // Rounded to the nearest hundredth, as get_avenrun(.., FIXED_1/200, ..).
  constexpr u64 kHalfHundredth = (u64(1) << kFshift) / 200;
  for (int i = 0; i < 3; i++) {
    put_load(out, l.avg[i] + kHalfHundredth);
    out.putc(' ');
  }
  out.put_u64(l.running);
  out.putc('/');
  out.put_u64(l.threads);
  out.putc(' ');
  out.put_i64(l.last_pid);
  out.putc('\n');
}

void procfs_render_stat_sys(TextBuf& out, const SysStat& s) {
  HartTimes sum;
  for (u32 i = 0; i < s.nharts; i++) {
    const HartTimes& c = s.harts[i];
    sum.user_ns += c.user_ns;
    sum.nice_ns += c.nice_ns;
    sum.system_ns += c.system_ns;
    sum.idle_ns += c.idle_ns;
    sum.iowait_ns += c.iowait_ns;
    sum.irq_ns += c.irq_ns;
    sum.softirq_ns += c.softirq_ns;
  }
  out.put("cpu ");  // two spaces before the first number, as Linux
  cpu_line(out, sum);
  for (u32 i = 0; i < s.nharts; i++) {
    out.put("cpu");
    out.put_u64(i);
    cpu_line(out, s.harts[i]);
  }
  out.put("intr ");
  out.put_u64(s.interrupts);
  out.put("\nctxt ");
  out.put_u64(s.switches);
  out.put("\nbtime ");
  out.put_u64(s.boot_time);
  out.put("\nprocesses ");
  out.put_u64(s.forks);
  out.put("\nprocs_running ");
  out.put_u64(s.running);
  out.put("\nprocs_blocked ");
  out.put_u64(s.blocked);
  out.put("\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

void procfs_render_mount(TextBuf& out, const MountLine& m) {
  put_mangled(out, m.device);
  out.putc(' ');
  put_mangled(out, m.path);
  out.putc(' ');
  out.put(m.fstype);
  out.putc(' ');
  out.put(m.options);
  out.put(" 0 0\n");
}

}  // namespace tine

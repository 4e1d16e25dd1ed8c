// core/procfs renderers: the text of /proc files from made-up snapshots,
// held to Linux 6.12's formats and parsed the way BusyBox parses them.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "core/dev/devnum.h"
#include "core/procfs/render_pid.h"
#include "core/procfs/render_sys.h"
#include "core/procfs/textbuf.h"

using namespace tine;

namespace {

// Renders with fn into a buffer big enough, checking TextBuf's counts.
template <typename Fn>
std::string render(Fn&& fn) {
  std::vector<char> buf(8192);
  TextBuf out(buf.data(), buf.size());
  fn(out);
  REQUIRE_FALSE(out.overflowed());
  REQUIRE(out.len() == out.needed());
  return std::string(out.data(), out.len());
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> v;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      v.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) v.push_back(cur);
  return v;
}

// The value of "Key:" in a status-style text, or "" if absent.
std::string field(const std::string& text, const std::string& key) {
  for (const std::string& line : split(text, '\n'))
    if (line.rfind(key + ":\t", 0) == 0) return line.substr(key.size() + 2);
  return "";
}

ProcInfo sample() {
  ProcInfo p;
  p.pid = 42;
  p.ppid = 7;
  p.pgrp = 40;
  p.session = 3;
  p.tty_nr = i32(dev_encode(4, 64));  // ttyS0
  p.tpgid = 40;
  p.state = PsState::Sleeping;
  std::strcpy(p.comm, "sleep");
  p.utime_ns = 1'230'000'000;  // 123 ticks
  p.stime_ns = 45'000'000;     // 4 ticks (4.5 truncated)
  p.start_ns = 5'000'000'000;  // 500 ticks after boot
  p.vsize = 3 << 20;
  p.rss_pages = 100;
  p.data_bytes = 64 << 10;
  p.stack_bytes = 132 << 10;
  p.exe_bytes = 20 << 10;
  p.sig_pending = 1u << (10 - 1);                       // SIGUSR1
  p.sig_blocked = (1ull << (2 - 1)) | (1ull << 63);     // SIGINT, signal 64
  p.sig_ignored = 1u << (13 - 1);                       // SIGPIPE
  p.sig_caught = (1u << (17 - 1)) | (1ull << (34 - 1));  // SIGCHLD, SIGRTMIN
  p.uid[0] = 1000;
  p.uid[1] = 1001;
  p.uid[2] = 1002;
  p.uid[3] = 1003;
  p.gid[0] = 100;
  p.gid[1] = 101;
  p.gid[2] = 102;
  p.gid[3] = 103;
  p.harts = 4;
  p.processor = 2;
  return p;
}

}  // namespace

TEST_CASE("procfs: stat has Linux's 52 fields in Linux's order", "[procfs]") {
  const std::string s = render([](TextBuf& o) { procfs_render_stat(o, sample()); });
  REQUIRE(s.back() == '\n');
  REQUIRE(s.rfind("42 (sleep) S 7 40 3 1088 40 ", 0) == 0);
  // Fields after the comm, numbered as proc(5): 3 is the state.
  std::vector<std::string> f = split(s.substr(s.rfind(')') + 2, s.size() - s.rfind(')') - 3), ' ');
  REQUIRE(f.size() == 50);
  auto at = [&](int n) { return f[size_t(n - 3)]; };
  REQUIRE(at(14) == "123");   // utime
  REQUIRE(at(15) == "4");     // stime
  REQUIRE(at(18) == "20");    // priority at nice 0
  REQUIRE(at(19) == "0");     // nice
  REQUIRE(at(20) == "1");     // num_threads
  REQUIRE(at(22) == "500");   // starttime
  REQUIRE(at(23) == std::to_string(3 << 20));  // vsize, bytes
  REQUIRE(at(24) == "100");   // rss, pages
  REQUIRE(at(25) == "18446744073709551615");  // rsslim
  REQUIRE(at(31) == "512");   // signal: SIGUSR1
  REQUIRE(at(32) == "2");     // blocked: SIGINT; signal 64 is not shown here
  REQUIRE(at(33) == "4096");  // sigignore: SIGPIPE
  REQUIRE(at(34) == "65536"); // sigcatch: SIGCHLD (SIGRTMIN not shown)
  REQUIRE(at(38) == "17");    // exit_signal
  REQUIRE(at(39) == "2");     // processor
  REQUIRE(at(52) == "0");     // exit_code
}

TEST_CASE("procfs: stat parses as BusyBox's procps_scan reads it", "[procfs]") {
  ProcInfo p = sample();
  // A comm with a space and a ')' inside: BusyBox splits at the last ')'.
  std::strcpy(p.comm, "a) b");
  const std::string s = render([&](TextBuf& o) { procfs_render_stat(o, p); });
  const char* cp = std::strrchr(s.c_str(), ')');
  REQUIRE(std::string(std::strchr(s.c_str(), '(') + 1, cp) == "a) b");
  char state;
  unsigned ppid, pgid, sid;
  int tty;
  unsigned long utime, stime, start_time, vsz, rss;
  long nice;
  // libbb/procps.c's format, less the SMP column.
  int n = std::sscanf(cp + 2,
                      "%c %u %u %u %d %*s %*s %*s %*s %*s %*s %lu %lu %*s %*s %*s %ld %*s %*s "
                      "%lu %lu %lu",
                      &state, &ppid, &pgid, &sid, &tty, &utime, &stime, &nice, &start_time,
                      &vsz, &rss);
  REQUIRE(n == 11);
  REQUIRE(state == 'S');
  REQUIRE(ppid == 7);
  REQUIRE(pgid == 40);
  REQUIRE(sid == 3);
  REQUIRE(((tty >> 8) & 0xfff) == 4);  // BusyBox's tty_major
  REQUIRE(((tty & 0xff) | ((tty >> 12) & 0xfff00)) == 64);
  REQUIRE(utime == 123);
  REQUIRE(stime == 4);
  REQUIRE(nice == 0);
  REQUIRE(start_time == 500);
  REQUIRE(vsz == 3u << 20);
  REQUIRE(rss == 100);
}

TEST_CASE("procfs: stat of a zombie shows no memory and its exit code", "[procfs]") {
  ProcInfo p = sample();
  p.state = PsState::Zombie;
  p.has_mm = false;
  p.exit_code = 3 << 8;
  const std::string s = render([&](TextBuf& o) { procfs_render_stat(o, p); });
  std::vector<std::string> f = split(s.substr(s.rfind(')') + 2, s.size() - s.rfind(')') - 3), ' ');
  REQUIRE(f.size() == 50);
  REQUIRE(f[0] == "Z");
  REQUIRE(f[23 - 3] == "0");  // vsize
  REQUIRE(f[24 - 3] == "0");  // rss
  REQUIRE(f[52 - 3] == "768");
}

TEST_CASE("procfs: stat's state letters", "[procfs]") {
  const std::pair<PsState, char> cases[] = {
      {PsState::Running, 'R'},  {PsState::Sleeping, 'S'},    {PsState::DiskSleep, 'D'},
      {PsState::Stopped, 'T'},  {PsState::TracingStop, 't'}, {PsState::Dead, 'X'},
      {PsState::Zombie, 'Z'}};
  for (auto [st, letter] : cases) {
    ProcInfo p = sample();
    p.state = st;
    const std::string s = render([&](TextBuf& o) { procfs_render_stat(o, p); });
    REQUIRE(s[s.rfind(')') + 2] == letter);
    const std::string t = render([&](TextBuf& o) { procfs_render_status(o, p); });
    REQUIRE(field(t, "State")[0] == letter);
  }
}

TEST_CASE("procfs: a 15-character comm is shown whole, a longer one cut", "[procfs]") {
  ProcInfo p = sample();
  std::memcpy(p.comm, "abcdefghijklmnop", 16);  // no NUL within 16
  const std::string s = render([&](TextBuf& o) { procfs_render_stat(o, p); });
  REQUIRE(s.rfind("42 (abcdefghijklmno) S", 0) == 0);
}

TEST_CASE("procfs: status has the lines ps, top and pidof read", "[procfs]") {
  const std::string t = render([](TextBuf& o) { procfs_render_status(o, sample()); });
  REQUIRE(t.rfind("Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\n", 0) == 0);
  REQUIRE(field(t, "Tgid") == "42");
  REQUIRE(field(t, "Pid") == "42");
  REQUIRE(field(t, "PPid") == "7");
  REQUIRE(field(t, "TracerPid") == "0");
  REQUIRE(field(t, "Uid") == "1000\t1001\t1002\t1003");
  REQUIRE(field(t, "Gid") == "100\t101\t102\t103");
  REQUIRE(field(t, "NSpgid") == "40");
  REQUIRE(field(t, "NSsid") == "3");
  REQUIRE(field(t, "VmSize") == "    3072 kB");
  REQUIRE(field(t, "VmRSS") == "     400 kB");
  REQUIRE(field(t, "VmStk") == "     132 kB");
  REQUIRE(field(t, "Threads") == "1");
  REQUIRE(field(t, "SigPnd") == "0000000000000200");
  REQUIRE(field(t, "SigBlk") == "8000000000000002");
  REQUIRE(field(t, "SigIgn") == "0000000000001000");
  REQUIRE(field(t, "SigCgt") == "0000000200010000");
  REQUIRE(field(t, "CapEff") == "0000000000000000");  // euid 1001
  REQUIRE(field(t, "Cpus_allowed") == "f");
  REQUIRE(field(t, "Cpus_allowed_list") == "0-3");
  // Every line is "Key:\tvalue".
  for (const std::string& line : split(t, '\n')) REQUIRE(line.find(":\t") != std::string::npos);
}

TEST_CASE("procfs: a thread's stat and status name its tid and its own pending signals",
          "[procfs]") {
  ProcInfo p = sample();
  p.tid = 45;
  p.num_threads = 3;
  p.sig_shared = 1u << (15 - 1);  // SIGTERM, to the process
  const std::string stat = render([&](TextBuf& o) { procfs_render_stat(o, p); });
  REQUIRE(stat.rfind("45 (sleep) S 7 ", 0) == 0);
  const std::string t = render([&](TextBuf& o) { procfs_render_status(o, p); });
  REQUIRE(field(t, "Tgid") == "42");
  REQUIRE(field(t, "Pid") == "45");
  REQUIRE(field(t, "NStgid") == "42");
  REQUIRE(field(t, "NSpid") == "45");
  REQUIRE(field(t, "Threads") == "3");
  REQUIRE(field(t, "SigPnd") == "0000000000000200");
  REQUIRE(field(t, "ShdPnd") == "0000000000004000");
  REQUIRE(render([&](TextBuf& o) { procfs_render_comm(o, p); }) == "sleep\n");
}

TEST_CASE("procfs: status of root and of a zombie", "[procfs]") {
  ProcInfo p = sample();
  p.uid[1] = 0;
  p.state = PsState::Zombie;
  p.has_mm = false;
  p.harts = 1;
  const std::string t = render([&](TextBuf& o) { procfs_render_status(o, p); });
  REQUIRE(field(t, "CapEff") == "000001ffffffffff");
  REQUIRE(field(t, "State") == "Z (zombie)");
  REQUIRE(field(t, "VmSize").empty());
  REQUIRE(field(t, "Cpus_allowed_list") == "0");
}

TEST_CASE("procfs: status escapes a newline or backslash in the name", "[procfs]") {
  ProcInfo p = sample();
  std::strcpy(p.comm, "a\nb\\c");
  const std::string t = render([&](TextBuf& o) { procfs_render_status(o, p); });
  REQUIRE(t.rfind("Name:\ta\\nb\\\\c\n", 0) == 0);
}

TEST_CASE("procfs: cmdline is argv with its NULs, or up to a rewritten end", "[procfs]") {
  const char args[] = "sh\0-c\0echo hi";  // sizeof counts the final NUL
  REQUIRE(render([&](TextBuf& o) { procfs_render_cmdline(o, args, sizeof args); }) ==
          std::string(args, sizeof args));
  // setproctitle wrote over the last NUL: up to the first NUL only.
  const char title[] = {'n', 'e', 'w', '\0', 'x', 'y'};
  REQUIRE(render([&](TextBuf& o) { procfs_render_cmdline(o, title, sizeof title); }) == "new");
  REQUIRE(render([&](TextBuf& o) { procfs_render_cmdline(o, args, 0); }).empty());
}

TEST_CASE("procfs: meminfo has Linux's keys, columns and kB", "[procfs]") {
  MemInfo m;
  m.total = 256ull << 20;
  m.free = 200ull << 20;
  m.available = 210ull << 20;
  m.cached = 1ull << 20;
  m.slab_reclaimable = 4ull << 20;
  m.slab_unreclaimable = 3ull << 20;
  const std::string t = render([&](TextBuf& o) { procfs_render_meminfo(o, m); });
  REQUIRE(t.rfind("MemTotal:         262144 kB\nMemFree:          204800 kB\n"
                  "MemAvailable:     215040 kB\nBuffers:               0 kB\n"
                  "Cached:             1024 kB\n",
                  0) == 0);
  REQUIRE(t.find("\nSlab:               7168 kB\nSReclaimable:       4096 kB\n"
                 "SUnreclaim:         3072 kB\n") != std::string::npos);
  REQUIRE(t.find("\nSwapTotal:             0 kB\nSwapFree:              0 kB\n") !=
          std::string::npos);
  // BusyBox free's parse_meminfo finds all three of its keys.
  unsigned long cached = 0, avail = 0, recl = 0;
  int seen = 0;
  for (const std::string& line : split(t, '\n')) {
    seen += std::sscanf(line.c_str(), "Cached: %lu %*s\n", &cached) == 1;
    seen += std::sscanf(line.c_str(), "MemAvailable: %lu %*s\n", &avail) == 1;
    seen += std::sscanf(line.c_str(), "SReclaimable: %lu %*s\n", &recl) == 1;
  }
  REQUIRE(seen == 3);
  REQUIRE(cached == 1024);
  REQUIRE(avail == 215040);
  REQUIRE(recl == 4096);
}

TEST_CASE("procfs: uptime and loadavg", "[procfs]") {
  REQUIRE(render([](TextBuf& o) { procfs_render_uptime(o, 22194'318'000'000ull, 3'059'000'000); }) ==
          "22194.31 3.05\n");
  REQUIRE(render([](TextBuf& o) { procfs_render_uptime(o, 0, 0); }) == "0.00 0.00\n");
  LoadAvg l;
  l.avg[0] = 2048;              // 1.00
  l.avg[1] = 2048 / 4;          // 0.25
  l.avg[2] = 2048 * 8 + 2047;   // 8.999..., rounds to 9.00
  l.running = 2;
  l.threads = 9;
  l.last_pid = 1234;
  REQUIRE(render([&](TextBuf& o) { procfs_render_loadavg(o, l); }) ==
          "1.00 0.25 9.00 2/9 1234\n");
}

TEST_CASE("procfs: /proc/stat's cpu lines as top reads them", "[procfs]") {
  HartTimes harts[2];
  harts[0].user_ns = 1'000'000'000;
  harts[0].system_ns = 500'000'000;
  harts[0].idle_ns = 2'000'000'000;
  harts[1].user_ns = 10'000'000;
  harts[1].idle_ns = 3'000'000'000;
  SysStat s;
  s.harts = harts;
  s.nharts = 2;
  s.switches = 77;
  s.boot_time = 0;
  s.forks = 12;
  s.running = 1;
  const std::string t = render([&](TextBuf& o) { procfs_render_stat_sys(o, s); });
  REQUIRE(t.rfind("cpu  101 0 50 500 0 0 0 0 0 0\ncpu0 100 0 50 200 0 0 0 0 0 0\n"
                  "cpu1 1 0 0 300 0 0 0 0 0 0\n",
                  0) == 0);
  REQUIRE(t.find("\nctxt 77\n") != std::string::npos);
  REQUIRE(t.find("\nprocesses 12\nprocs_running 1\nprocs_blocked 0\n") != std::string::npos);
  // top's read_cpu_jiffy: "cpu" then at least four numbers.
  unsigned long long v[8];
  REQUIRE(std::sscanf(t.c_str(), "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
                      &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8);
}

TEST_CASE("procfs: cpuinfo has RISC-V Linux's block per hart", "[procfs]") {
  const CpuInfoHart harts[] = {{0, 0, "rv64imafdc", "sv39"}, {1, 3, "", "sv39"}};
  CHECK(render([&](TextBuf& o) { procfs_render_cpuinfo(o, harts, 2); }) ==
        "processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc\nmmu\t\t: sv39\n\n"
        "processor\t: 1\nhart\t\t: 3\nmmu\t\t: sv39\n\n");
}

TEST_CASE("procfs: mounts lines, with awkward characters escaped", "[procfs]") {
  REQUIRE(render([](TextBuf& o) {
            procfs_render_mount(o, {"proc", "/proc", "proc", "rw,nosuid,nodev,noexec,relatime"});
          }) == "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
  REQUIRE(render([](TextBuf& o) {
            procfs_render_mount(o, {"tmpfs", "/mnt/a b\\c\td\ne", "tmpfs", "rw"});
          }) == "tmpfs /mnt/a\\040b\\134c\\011d\\012e tmpfs rw 0 0\n");
}

TEST_CASE("procfs: a text that does not fit says how much room it needs", "[procfs]") {
  char small[20];
  TextBuf out(small, sizeof small);
  procfs_render_stat(out, sample());
  REQUIRE(out.overflowed());
  REQUIRE(out.len() == sizeof small);
  const std::string whole = render([](TextBuf& o) { procfs_render_stat(o, sample()); });
  REQUIRE(out.needed() == whole.size());
  REQUIRE(std::string(small, sizeof small) == whole.substr(0, sizeof small));
  // Exactly the size needed is enough.
  std::vector<char> exact(whole.size());
  TextBuf fit(exact.data(), exact.size());
  procfs_render_stat(fit, sample());
  REQUIRE_FALSE(fit.overflowed());
  REQUIRE(std::string(exact.data(), exact.size()) == whole);
  // A printf piece longer than its stack line, in and out of room.
  std::string long_text(300, 'q');
  std::vector<char> big(400);
  TextBuf b(big.data(), big.size());
  b.printf("%s!", long_text.c_str());
  REQUIRE(std::string(b.data(), b.len()) == long_text + "!");
  TextBuf c(big.data(), 100);
  c.printf("%s!", long_text.c_str());
  REQUIRE(c.overflowed());
  REQUIRE(c.needed() == 301);
}

#include "core/procfs/loadavg.h"

TEST_CASE("procfs: load averages decay as Linux's calc_load", "[procfs]") {
  u64 avg[3] = {0, 0, 0};
  // One runnable thread for a minute (12 steps of 5 s): the 1-minute
  // average reaches 1 - 1/e (0.63), the longer ones less.
  for (int i = 0; i < 12; i++) loadavg_fold(avg, 1);
  REQUIRE(avg[0] > 1260);  // 0.62 * 2048 = 1270
  REQUIRE(avg[0] < 1310);  // 0.64
  REQUIRE(avg[1] < avg[0]);
  REQUIRE(avg[2] < avg[1]);
  REQUIRE(avg[2] > 0);
  // Held at 2 for long, all three reach 2.00 as the text shows it.
  for (int i = 0; i < 2000; i++) loadavg_fold(avg, 2);
  LoadAvg l;
  for (int i = 0; i < 3; i++) l.avg[i] = avg[i];
  REQUIRE(render([&](TextBuf& o) { procfs_render_loadavg(o, l); }) == "2.00 2.00 2.00 0/0 0\n");
  // Idle again: they fall back toward 0, the 1-minute one fastest.
  for (int i = 0; i < 12; i++) loadavg_fold(avg, 0);
  REQUIRE(avg[0] < avg[1]);
  REQUIRE(avg[1] < avg[2]);
  REQUIRE(avg[0] < 2 * 2048 / 2);
}

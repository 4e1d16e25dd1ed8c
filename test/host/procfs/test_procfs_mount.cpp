// devfs on /dev and procfs on /proc, mounted on a tmpfs root and walked
// with namei as programs will walk them: names, links, device numbers,
// listings, the text of the /proc files, and a process that exits and is
// reaped while its files are open.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <vector>

#include "core/dev/devfs.h"
#include "core/fs/file_pipe.h"
#include "core/fs/filedesc.h"
#include "core/proc/exit.h"
#include "core/proc/proc.h"
#include "core/procfs/procfs.h"
#include "core/procfs/snapshot.h"
#include "core/sched/sched.h"
#include "core/sync/sleepq.h"
#include "fork/fork.h"
#include "test/host/vfs/vfs_test_util.h"

using namespace tine;
using namespace tine::test;

namespace {

// The tmpfs root with /dev and /proc mounted.
struct Mounted {
  TmpRoot root;
  u64 files_before = 0;
  Mounted() {
    start_proc_machine();  // proc0's table may hold Files from here on
    files_before = file_live_count();
    mkdir_p("/dev");
    mkdir_p("/proc");
    REQUIRE(vfs_mount_path("/dev", &kDevfsType).ok());
    REQUIRE(vfs_mount_path("/proc", &kProcfsType).ok());
  }
};

std::string link_of(const char* path) {
  Result<Vnode*> r = lookup(path, 0);
  REQUIRE(r.ok());
  VnodeRef vp(r.value());
  REQUIRE(vp->type == VType::Lnk);
  char buf[256];
  Result<size_t> n = vp->ops->readlink(*vp, buf, sizeof buf);
  REQUIRE(n.ok());
  return std::string(buf, n.value());
}

// Opens path through its vnode's open op (what open(2) will do).
Result<File*> open_path(const char* path, int flags = kORdOnly) {
  Vnode* vp = TRY(lookup(path));
  VnodeRef ref(vp);
  if (!vp->ops->open) return Error::Inval;
  return vp->ops->open(*vp, flags);
}

std::string read_file(File* f) {
  std::string out;
  char buf[700];  // less than a page: reads continue at the offset
  for (;;) {
    Result<size_t> r = file_read(*f, reinterpret_cast<uptr>(buf), sizeof buf);
    REQUIRE(r.ok());
    if (r.value() == 0) break;
    out.append(buf, r.value());
  }
  return out;
}

std::string read_path(const char* path) {
  Result<File*> f = open_path(path);
  REQUIRE(f.ok());
  std::string s = read_file(f.value());
  file_release(f.value());
  return s;
}

struct Entry {
  std::string name;
  VType type;
};
bool collect(void* ctx, const char* name, size_t len, u64, VType type, u64) {
  static_cast<std::vector<Entry>*>(ctx)->push_back({std::string(name, len), type});
  return true;
}
std::vector<Entry> list(const char* path) {
  Result<Vnode*> r = lookup(path);
  REQUIRE(r.ok());
  VnodeRef vp(r.value());
  std::vector<Entry> out;
  REQUIRE(vp->ops->readdir(*vp, 0, collect, &out).ok());
  return out;
}
bool has(const std::vector<Entry>& v, const std::string& name) {
  for (const Entry& e : v)
    if (e.name == name) return true;
  return false;
}

// A process that waits to be told to exit.
struct Child {
  std::atomic<bool> go{false};
};
void child_body(void* arg) {
  auto* c = static_cast<Child*>(arg);
  while (!c->go) sleep_ns(1'000'000);
  exit1(curlwp(), 4, 0);
}

}  // namespace

TEST_CASE("devfs: the devices and links of /dev", "[devfs][vfs]") {
  Mounted m;
  const std::pair<const char*, u64> devs[] = {{"/dev/null", 0x103},   {"/dev/zero", 0x105},
                                              {"/dev/full", 0x107},   {"/dev/random", 0x108},
                                              {"/dev/urandom", 0x109}, {"/dev/console", 0x501},
                                              {"/dev/tty", 0x500}};
  for (auto [path, rdev] : devs) {
    Result<Vnode*> r = lookup(path);
    REQUIRE(r.ok());
    VnodeRef vp(r.value());
    CHECK(vp->type == VType::Chr);
    VAttr va;
    vnode_getattr(*vp, va);
    CHECK(va.rdev == rdev);
  }
  CHECK(lookup_error("/dev/nothing") == Error::NoEnt);
  CHECK(link_of("/dev/stderr") == "/proc/self/fd/2");
  CHECK(link_of("/dev/fd") == "/proc/self/fd");
  const std::vector<Entry> names = list("/dev");
  std::string joined;
  for (const Entry& e : names) joined += e.name + " ";
  CHECK(joined == ". .. console fd full null random shm stderr stdin stdout tty urandom zero ");
  // shm: an empty directory, 1777, for init to mount a tmpfs on.
  {
    Result<Vnode*> r = lookup("/dev/shm");
    REQUIRE(r.ok());
    VnodeRef vp(r.value());
    CHECK(vp->type == VType::Dir);
    VAttr va;
    vnode_getattr(*vp, va);
    CHECK((va.mode & 07777) == 01777);
    std::string inside;
    for (const Entry& e : list("/dev/shm")) inside += e.name + " ";
    CHECK(inside == ". .. ");
    CHECK(lookup_error("/dev/shm/x") == Error::NoEnt);
  }

  // Opening a node opens its device.
  Result<File*> f = open_path("/dev/zero");
  REQUIRE(f.ok());
  char buf[8] = "xxxxxxx";
  CHECK(file_read(*f.value(), reinterpret_cast<uptr>(buf), sizeof buf).value() == 8);
  CHECK(std::string(buf, 8) == std::string(8, '\0'));
  file_release(f.value());
  f = open_path("/dev/full", kOWrOnly);
  REQUIRE(f.ok());
  CHECK(file_write(*f.value(), reinterpret_cast<uptr>("a"), 1).error() == Error::NoSpc);
  file_release(f.value());
  CHECK(file_live_count() == m.files_before);
}

TEST_CASE("procfs: system files, mounts, and the root's listing", "[procfs][vfs]") {
  Mounted m;
  const std::string mem = read_path("/proc/meminfo");
  CHECK(mem.rfind("MemTotal:", 0) == 0);
  CHECK(read_path("/proc/uptime").find('.') != std::string::npos);
  CHECK(read_path("/proc/loadavg").find('/') != std::string::npos);
  CHECK(read_path("/proc/stat").rfind("cpu  ", 0) == 0);
  const std::string mounts = read_path("/proc/mounts");
  CHECK(mounts.find("tmpfs / tmpfs rw,relatime 0 0\n") != std::string::npos);
  CHECK(mounts.find("devtmpfs /dev devtmpfs rw,relatime 0 0\n") != std::string::npos);
  CHECK(mounts.find("proc /proc proc rw,relatime 0 0\n") != std::string::npos);
  // Text files are read-only.
  CHECK(open_path("/proc/meminfo", kOWrOnly).error() == Error::Access);
  CHECK(lookup_error("/proc/nothing") == Error::NoEnt);
  CHECK(lookup_error("/proc/0") == Error::NoEnt);  // the kernel's own is not shown
  CHECK(link_of("/proc/self") == std::to_string(curproc()->p_pid.value));
  CHECK(link_of("/proc/thread-self") ==
        std::to_string(curproc()->p_pid.value) + "/task/" + std::to_string(curlwp()->l_lid));
  // The sysctls: values and a newline, read-only.
  CHECK(read_path("/proc/sys/kernel/tainted") == "0\n");
  CHECK(read_path("/proc/sys/kernel/ostype") == "Tine\n");
  CHECK(has(list("/proc/sys/kernel"), "pid_max"));
  CHECK(open_path("/proc/sys/kernel/ostype", kOWrOnly).error() == Error::Access);
  CHECK(file_live_count() == m.files_before);
}

TEST_CASE("procfs: a process's directory through its life", "[procfs][vfs]") {
  Mounted m;
  Child c;
  i64 rv[2];
  REQUIRE(fork1(curlwp(), 0, kSigChld, 0, 0, child_body, &c, rv, nullptr).ok());
  const std::string pid = std::to_string(rv[0]);
  const std::string dir = "/proc/" + pid;
  CHECK(has(list("/proc"), pid));
  CHECK(has(list("/proc"), "self"));
  const std::vector<Entry> own = list(dir.c_str());
  std::string joined;
  for (const Entry& e : own) joined += e.name + " ";
  CHECK(joined == ". .. cmdline comm exe fd mounts stat status task ");
  // Its one thread, whose tid is the pid.
  std::string tasks;
  for (const Entry& e : list((dir + "/task").c_str())) tasks += e.name + " ";
  CHECK(tasks == ". .. " + pid + " ");
  const std::string task = dir + "/task/" + pid;
  CHECK(read_path((task + "/stat").c_str()).rfind(pid + " (", 0) == 0);
  CHECK(read_path((task + "/status").c_str()).find("\nPid:\t" + pid + "\n") != std::string::npos);
  CHECK(read_path((task + "/comm").c_str()) == read_path((dir + "/comm").c_str()));
  CHECK(lookup_error((dir + "/task/" + std::to_string(rv[0] + 1)).c_str()) == Error::NoEnt);

  const std::string stat = read_path((dir + "/stat").c_str());
  CHECK(stat.rfind(pid + " (", 0) == 0);
  CHECK(read_path((dir + "/status").c_str()).find("\nPid:\t" + pid + "\n") != std::string::npos);
  CHECK(read_path((dir + "/cmdline").c_str()).empty());  // never exec'd a program

  // Descriptors in its table show up under fd/, named as Linux names them.
  Result<FileTable*> t = procfs_proc_files(i32(rv[0]));
  REQUIRE(t.ok());
  File* null_file = open_path("/dev/null").value();
  const int nfd = fd_install(t.value(), null_file, false).value();
  file_release(null_file);
  PipeEnds pp = MUST(pipe_create());
  const int pfd = fd_install(t.value(), pp.read, false).value();
  file_release(pp.read);
  file_release(pp.write);
  const std::string fd_dir = dir + "/fd";
  const std::vector<Entry> fds = list(fd_dir.c_str());
  CHECK(has(fds, std::to_string(nfd)));
  CHECK(has(fds, std::to_string(pfd)));
  CHECK(link_of((fd_dir + "/" + std::to_string(nfd)).c_str()) == "/dev/null");
  // Its one thread's table is the same one.
  const std::string task_fd = dir + "/task/" + pid + "/fd";
  CHECK(has(list(task_fd.c_str()), std::to_string(pfd)));
  CHECK(link_of((task_fd + "/" + std::to_string(nfd)).c_str()) == "/dev/null");
  CHECK(link_of((fd_dir + "/" + std::to_string(pfd)).c_str()).rfind("pipe:[", 0) == 0);
  CHECK(lookup_error((fd_dir + "/63").c_str(), 0) == Error::NoEnt);
  filetable_release(t.value());

  // A stat opened before the exit stays readable after the reap.
  Result<File*> early = open_path((dir + "/status").c_str());
  REQUIRE(early.ok());
  c.go = true;
  ProcInfo pi;
  for (int i = 0; i < 5000; i++) {
    REQUIRE(procfs_proc_info(i32(rv[0]), pi).ok());
    if (pi.state == PsState::Zombie) break;
    sleep_ns(1'000'000);
  }
  const std::string zstat = read_path((dir + "/stat").c_str());
  CHECK(zstat.substr(zstat.rfind(')') + 2, 1) == "Z");
  CHECK(lookup_error((dir + "/fd").c_str()) == Error::NoEnt);  // its table is gone
  {
    // As Linux: the link is there, what it points at is not.
    Result<Vnode*> exe = lookup((dir + "/exe").c_str(), 0);
    REQUIRE(exe.ok());
    VnodeRef vp(exe.value());
    char buf[64];
    CHECK(vp->ops->readlink(*vp, buf, sizeof buf).error() == Error::NoEnt);
  }
  int status = 0;
  REQUIRE(do_wait4(curproc(), i32(rv[0]), 0, &status).value() == rv[0]);
  CHECK(lookup_error(dir.c_str()) == Error::NoEnt);
  CHECK(lookup_error((dir + "/task").c_str()) == Error::NoEnt);
  CHECK_FALSE(has(list("/proc"), pid));
  CHECK(read_file(early.value()).find("\nPid:\t" + pid + "\n") != std::string::npos);
  file_release(early.value());
  CHECK(file_live_count() == m.files_before);
}

// getdents will call readdir with the directory File's offset lock held,
// which ranks above proc_lock: the root's listing must not wait for
// proc_lock in the checked order (debug builds panic on the inversion).
TEST_CASE("procfs_root_readdir_under_offset_lock: no lock-order inversion", "[procfs][vfs]") {
  Mounted m;
  Mutex offset("file offset", LockRank::FileOffset);
  Result<Vnode*> r = lookup("/proc");
  REQUIRE(r.ok());
  VnodeRef vp(r.value());
  std::vector<Entry> out;
  {
    MutexGuard g(offset);
    REQUIRE(vp->ops->readdir(*vp, 0, collect, &out).ok());
  }
  CHECK(has(out, "meminfo"));
  CHECK(has(out, "self"));
}

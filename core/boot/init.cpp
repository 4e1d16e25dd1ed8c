// Starting init (pid 1): the initrd, init's arguments from the kernel
// command line, and the fork from proc0.
#include "core/lib/cmdline.h"
#include "core/lib/console.h"
#include "core/proc/exec.h"
#include "core/proc/exit.h"
#include "core/proc/fork_doors.h"
#include "core/fs/file.h"
#include "core/vfs/vfs_boot.h"
#include "core/dev/devfs.h"
#include "core/procfs/loadavg.h"
#include "core/procfs/procfs.h"
#include "core/vfs/mount.h"
#include "core/vfs/tmpfs/tmpfs.h"
#include "core/proc/proc.h"
#include "core/proc/proc0.h"
#include "core/proc/signal.h"
#include "core/proc/vdso.h"
#include "core/sched/sched.h"
#include "core/sched/sleep_intr.h"
#include "core/lib/string.h"
#include "core/proc/syscall.h"
#include "hal/hal.h"
#include "hal/user.h"

extern "C" const char initrd_start[], initrd_end[];

namespace tine {

namespace {

constexpr unsigned kMaxInitArgs = 32;
char g_words[Cmdline::kMax];
const char* g_argv[kMaxInitArgs + 2];
const char* g_envp[kMaxInitArgs + 3];

// Splits the command line into init's argv and envp (see proc0.h).
void mount_or_warn(const char* path, const FsType* type) {
  Result<void> r = vfs_mount_path(path, type);
  if (!r.ok()) kprintf("tine: cannot mount %s on %s: %s\n", type->name, path, error_name(r.error()));
}

void build_init_args() {
  const char* text = kernel_cmdline().text();
  size_t n = min(strlen(text), sizeof g_words - 1);
  memcpy(g_words, text, n);
  g_words[n] = '\0';
  unsigned argc = 0, envc = 0, dropped = 0;
  g_argv[argc++] = "/bin/init";
  g_envp[envc++] = "HOME=/";
  g_envp[envc++] = "TERM=linux";
  bool after_dashes = false;
  for (char* p = g_words; *p;) {
    while (*p == ' ') *p++ = '\0';
    if (!*p) break;
    char* word = p;
    while (*p && *p != ' ') p++;
    if (*p) *p++ = '\0';
    if (!after_dashes && strcmp(word, "--") == 0) {
      after_dashes = true;
    } else if (after_dashes) {
      if (argc < kMaxInitArgs) g_argv[argc++] = word;
      else dropped++;
    } else if (strchr(word, '=')) {
      if (envc < kMaxInitArgs) g_envp[envc++] = word;
      else dropped++;
    }
  }
  g_argv[argc] = nullptr;
  g_envp[envc] = nullptr;
  // Linux refuses the boot here ("Too many boot init vars"); a line on the
  // console is enough to explain a program that never saw its arguments.
  if (dropped)
    kprintf("tine: init takes %u arguments and %u environment words at most: "
            "%u words of the command line dropped\n",
            kMaxInitArgs - 1, kMaxInitArgs - 2, dropped);
}

void init_main(void*) {
  Lwp* l = curlwp();
  {
    MutexGuard g(proc_lock);
    initproc = l->proc;
  }
  Result<void> r = exec_kernel(l, "/bin/init", g_argv, g_envp);
  if (!r.ok()) panic("cannot exec /bin/init: %s", error_name(r.error()));
  // scripts/bench's boot row: under -icount shift=0 a guest ns is an
  // instruction; user_enter is a frame restore away from init's first one.
  if (kernel_cmdline().has("boottime"))
    kprintf("tine: kernel entry to init's first user instruction: %lu ns\n",
            (unsigned long)(hal::time_ns() - hal::kernel_entry_ns()));
  hal::user_enter(hal::user_frame_of(l->stack));
}
}  // namespace


void start_init(const void* loader_initrd, size_t loader_initrd_size) {
  // Interruptible sleeps (nanosleep, wait4, pipes, the console) give up
  // (EINTR) when the sleeper is being killed.
  sleep_intr_set_check(sigpending_interrupts);
  // The built-in initrd through the direct map: the image map leaves it out.
  const void* builtin = hal::phys_to_virt(hal::virt_to_phys(initrd_start));
  vfs_boot(builtin, size_t(initrd_end - initrd_start), loader_initrd, loader_initrd_size);
  // /dev and /proc on the directories vfs_boot made (core/dev/devfs.h,
  // core/procfs/procfs.h); /proc's load averages start counting.
  mount_or_warn("/dev", &kDevfsType);
  mount_or_warn("/proc", &kProcfsType);
  mount_or_warn("/dev/shm", &kTmpfsType);
  loadavg_start();
  build_init_args();
  syscall_trace = kernel_cmdline().has("strace");
  // Every exec maps the vDSO (core/proc/vdso.h), init's first.
  Result<void> v = vdso_init();
  if (!v.ok()) panic("cannot set up the vDSO: %s", error_name(v.error()));
  // init's parent is proc0; it shares nothing but what fork copies. fork/
  // is above core/: its kernel door (core/proc/fork_doors.h) forks.
  Result<i64> r = fork_doors().kernel(g_proc0->p_lwp, init_main, nullptr);
  if (!r.ok()) panic("cannot fork init: %s", error_name(r.error()));
}

}  // namespace tine

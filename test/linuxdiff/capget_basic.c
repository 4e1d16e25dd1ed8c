/* capget/capset (90/91) as Linux answers them: root's sets are the whole
 * bounding set (PR_CAPBSET_READ), a process of other uids has none; the
 * three ABI versions, the version probe with a null data pointer, an
 * unknown version (EINVAL, the preferred version written back), pids
 * (another process's sets, EINVAL, ESRCH), capset only dropping, and the
 * sets following setresuid/seteuid and fork. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t bset;

static int capget_(uint32_t version, int pid, struct __user_cap_data_struct *d, uint32_t *back) {
  struct __user_cap_header_struct h = {version, pid};
  int r = syscall(SYS_capget, &h, d);
  if (back) *back = h.version;
  return r;
}

static int capset_(uint32_t version, int pid, struct __user_cap_data_struct *d) {
  struct __user_cap_header_struct h = {version, pid};
  return syscall(SYS_capset, &h, d);
}

static uint64_t join(uint32_t lo, uint32_t hi) { return lo | (uint64_t)hi << 32; }

/* The sets relative to the bounding set: what a root process holds on
 * every Linux, whatever bits the machine's bounding set has. */
static void show_sets(const char *what, int pid) {
  struct __user_cap_data_struct d[2];
  memset(d, 0xa5, sizeof d);
  if (capget_(_LINUX_CAPABILITY_VERSION_3, pid, d, NULL) < 0) {
    printf("%s: -1 %s\n", what, strerror(errno));
    return;
  }
  uint64_t e = join(d[0].effective, d[1].effective), p = join(d[0].permitted, d[1].permitted);
  uint64_t i = join(d[0].inheritable, d[1].inheritable);
  printf("%s: permitted %s, effective %s, inheritable %s\n", what,
         p == bset ? "full" : p == 0 ? "empty" : (p | (1ull << 13)) == bset ? "all but NET_RAW" : "other",
         e == p ? "= permitted" : e == 0 ? "empty" : (e | (1ull << 13)) == p ? "permitted but NET_RAW" : "other",
         i == 0 ? "empty" : i == (1ull << 13) ? "NET_RAW" : "other");
}

static void show(const char *what, int r) {
  if (r < 0)
    printf("%s: -1 %s\n", what, strerror(errno));
  else
    printf("%s: %d\n", what, r);
}

int main(void) {
  for (int c = 0; c < 64; c++)
    if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1) bset |= 1ull << c;
  printf("bounding set has CAP_SETUID, CAP_KILL: %d\n", (bset & 0xa0) == 0xa0);
  show_sets("root v3", 0);
  show_sets("root by pid", getpid());

  struct __user_cap_data_struct d[2];
  uint32_t back = 0;
  memset(d, 0, sizeof d);
  show("v1", capget_(_LINUX_CAPABILITY_VERSION_1, 0, d, NULL));
  printf("v1 fills one set: %d, second untouched: %d\n", d[0].permitted == (uint32_t)bset,
         d[1].permitted == 0);
  show("v2", capget_(_LINUX_CAPABILITY_VERSION_2, 0, d, NULL));
  printf("v2 second set: %d\n", d[1].permitted == (uint32_t)(bset >> 32));
  show("probe v3 null data", capget_(_LINUX_CAPABILITY_VERSION_3, 0, NULL, &back));
  show("unknown version", capget_(0x12345, 0, d, &back));
  printf("version written back: %#x\n", back);
  show("probe unknown null data", capget_(0x12345, 0, NULL, &back));
  printf("version written back: %#x\n", back);
  show("negative pid", capget_(_LINUX_CAPABILITY_VERSION_3, -1, d, NULL));
  show("no such pid", capget_(_LINUX_CAPABILITY_VERSION_3, 0x3ffffff0, d, NULL));
  show("bad header", (int)syscall(SYS_capget, (void *)8, d));
  show("bad data", capget_(_LINUX_CAPABILITY_VERSION_3, 0, (void *)8, NULL));
  show("capset unknown version", capset_(0x12345, 0, d));
  show("capset another pid", capset_(_LINUX_CAPABILITY_VERSION_3, 1, d));

  /* capset: drop NET_RAW from effective, take it back, then from permitted. */
  capget_(_LINUX_CAPABILITY_VERSION_3, 0, d, NULL);
  d[0].effective &= ~(1u << 13);
  show("drop effective NET_RAW", capset_(_LINUX_CAPABILITY_VERSION_3, 0, d));
  show_sets("after", 0);
  d[0].effective |= 1u << 13;
  show("raise it again", capset_(_LINUX_CAPABILITY_VERSION_3, 0, d));
  show_sets("after", 0);
  d[0].inheritable = 1u << 13;
  show("inheritable NET_RAW", capset_(_LINUX_CAPABILITY_VERSION_3, 0, d));
  d[0].permitted &= ~(1u << 13);
  show("effective beyond permitted", capset_(_LINUX_CAPABILITY_VERSION_3, 0, d));
  d[0].effective &= ~(1u << 13);
  show("drop permitted NET_RAW", capset_(_LINUX_CAPABILITY_VERSION_3, 0, d));
  show_sets("after", 0);
  d[0].permitted |= 1u << 13;
  show("raise permitted", capset_(_LINUX_CAPABILITY_VERSION_3, 0, d));
  fflush(stdout);

  pid_t pid = fork();
  if (pid == 0) {
    show_sets("fork child", 0);
    show("seteuid 1000", seteuid(1000));
    show_sets("euid 1000, saved 0", 0);
    show("seteuid 0", seteuid(0));
    show_sets("euid 0 again", 0);
    show("setresuid 1000", setresuid(1000, 1000, 1000));
    show_sets("uid 1000", 0);
    memset(d, 0, sizeof d);
    d[0].permitted = 1;
    show("uid 1000 raises", capset_(_LINUX_CAPABILITY_VERSION_3, 0, d));
    memset(d, 0, sizeof d);
    show("uid 1000 sets nothing", capset_(_LINUX_CAPABILITY_VERSION_3, 0, d));
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    setresuid(1000, 1000, 1000);
    pause();
    _exit(0);
  }
  usleep(100000);
  show_sets("a uid-1000 process by pid", pid);
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  return 0;
}

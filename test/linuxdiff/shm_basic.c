// System V shared memory (Linux's ipc/shm.c): shmget's keys, sizes and
// flags; shmat at any or a given address, SHM_RND, SHM_RDONLY, SHM_REMAP;
// shmdt; shmctl's IPC_STAT (nattch counted over fork, exec and exit),
// IPC_SET, IPC_RMID with the segment living on until its last detach, the
// permission checks for another uid, and errors.
#include "ld.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>

static long nattch(int id) {
  struct shmid_ds ds;
  if (shmctl(id, IPC_STAT, &ds) != 0) return -errno;
  return (long)ds.shm_nattch;
}

static unsigned long read_ulong(const char* path) {
  FILE* f = fopen(path, "r");
  unsigned long v = 0;
  if (!f || fscanf(f, "%lu", &v) != 1) v = 1;  // no file: not a limit IPC_INFO gives
  if (f) fclose(f);
  return v;
}

// Writes text to a sysctl file: 0, or -1 with errno.
static long write_text(const char* path, const char* text) {
  FILE* f = fopen(path, "w");
  if (!f) return -1;
  setvbuf(f, NULL, _IONBF, 0);
  long r = fputs(text, f) < 0 ? -1 : 0;
  int e = errno;
  fclose(f);
  errno = e;
  return r;
}

static void say_ptr(const char* what, void* p, void* want) {
  if (p == (void*)-1)
    printf("%s = -1 %s\n", what, strerrorname_np(errno));
  else
    printf("%s = %s\n", what, p == want ? "the address asked" : want ? "elsewhere" : "an address");
}

// Runs f in a child and prints how it ended.
static void in_child(const char* what, void (*f)(void*), void* arg) {
  pid_t pid = fork();
  if (pid == 0) {
    f(arg);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  if (WIFSIGNALED(st))
    printf("%s: child signal %d\n", what, WTERMSIG(st));
  else
    printf("%s: child exit %d\n", what, WEXITSTATUS(st));
}

static void write_byte(void* p) { *(volatile char*)p = 1; }

struct other_arg {
  int id;
  key_t key;
};

static void as_other_user(void* p) {
  struct other_arg* a = p;
  if (setgid(1000) != 0 || setuid(1000) != 0) _exit(9);
  struct shmid_ds ds;
  say("  other: shmget no mode asked", shmget(a->key, 0, 0) == a->id ? 0 : -1);
  say("  other: shmget mode 0600 asked", shmget(a->key, 0, 0600) == a->id ? 0 : -1);
  say("  other: shmget mode 0400 asked", shmget(a->key, 0, 0400) == a->id ? 0 : -1);
  say_ptr("  other: shmat read-only", shmat(a->id, NULL, SHM_RDONLY), NULL);
  say_ptr("  other: shmat read-write", shmat(a->id, NULL, 0), NULL);
  say("  other: IPC_STAT", shmctl(a->id, IPC_STAT, &ds));
  say("  other: IPC_SET", shmctl(a->id, IPC_SET, &ds));
  say("  other: IPC_RMID", shmctl(a->id, IPC_RMID, NULL));
  say("  other: SHM_LOCK", shmctl(a->id, SHM_LOCK, NULL));
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 2 && strcmp(argv[1], "execd") == 0) {
    // After exec: tell the parent, then wait to be killed.
    int fd = atoi(argv[2]);
    (void)!write(fd, "e", 1);
    for (;;) pause();
  }
  const key_t key = 0x54490000 | (getpid() & 0xffff);
  const time_t t0 = time(NULL);
  const key_t key2 = key ^ 0x00010000;

  // shmget.
  say("IPC_PRIVATE size 0", shmget(IPC_PRIVATE, 0, 0600));
  say("IPC_PRIVATE size -1", shmget(IPC_PRIVATE, (size_t)-1, 0600));
  say("missing key", shmget(key, 4096, 0600));
  say("missing key, IPC_EXCL alone", shmget(key, 4096, IPC_EXCL | 0600));
  say("new key, size 0", shmget(key, 0, IPC_CREAT | 0600));
  int id = shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0640);
  printf("create = %s\n", id >= 0 ? "an id" : strerrorname_np(errno));
  say("create again, IPC_EXCL", shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0600));
  say("create again, same id", shmget(key, 10000, IPC_CREAT | 0600) == id ? 0 : -1);
  say("look up, size 0", shmget(key, 0, 0) == id ? 0 : -1);
  say("look up, larger", shmget(key, 10001, 0));
  int priv1 = shmget(IPC_PRIVATE, 4096, 0600), priv2 = shmget(IPC_PRIVATE, 4096, 0600);
  say("IPC_PRIVATE twice, two ids", priv1 != priv2 && priv1 >= 0 && priv2 >= 0 ? 0 : -1);
  shmctl(priv1, IPC_RMID, NULL);
  shmctl(priv2, IPC_RMID, NULL);

  struct shmid_ds ds;
  say("IPC_STAT", shmctl(id, IPC_STAT, &ds));
  printf("segsz %zu nattch %lu mode %o key ok %d cuid %u uid %u cpid ok %d lpid %d "
         "atime %ld dtime %ld ctime now %d\n",
         ds.shm_segsz, (unsigned long)ds.shm_nattch, ds.shm_perm.mode,
         ds.shm_perm.__key == key, ds.shm_perm.cuid, ds.shm_perm.uid,
         ds.shm_cpid == getpid(), ds.shm_lpid, (long)ds.shm_atime, (long)ds.shm_dtime,
         ds.shm_ctime >= t0 && ds.shm_ctime <= time(NULL));

  // shmat and the memory.
  char* p = shmat(id, NULL, 0);
  say_ptr("shmat", p, NULL);
  p[0] = 42;
  p[9999] = 7;
  p[12287] = 9;  // the rest of the last page is mapped too
  shmctl(id, IPC_STAT, &ds);
  printf("attached: nattch %lu lpid ok %d atime now %d\n", (unsigned long)ds.shm_nattch,
         ds.shm_lpid == getpid(), ds.shm_atime >= t0 && ds.shm_atime <= time(NULL));
  char* q = shmat(id, NULL, SHM_RDONLY);
  say_ptr("shmat SHM_RDONLY", q, NULL);
  printf("read-only view: %d %d %d, nattch %ld\n", q[0], q[9999], q[12287], nattch(id));
  in_child("write to the read-only view", write_byte, q);
  say("mprotect read-only view writable", mprotect(q, 4096, PROT_READ | PROT_WRITE));
  say("shmdt read-only view", shmdt(q));
  say("shmdt it again", shmdt(q));
  say("shmdt inside the attachment", shmdt(p + 4096));
  say("shmdt misaligned", shmdt(p + 1));
  say("shmdt NULL", shmdt(NULL));
  printf("nattch %ld\n", nattch(id));

  // Shared across fork, not copied.
  pid_t pid = fork();
  if (pid == 0) {
    p[1] = 43;
    printf("  child: sees %d, nattch %ld\n", p[0], nattch(id));
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("after the child's exit: p[1] %d, nattch %ld\n", p[1], nattch(id));
  shmctl(id, IPC_STAT, &ds);
  printf("dtime now %d, lpid is the child's %d\n", ds.shm_dtime >= t0 && ds.shm_dtime <= time(NULL),
         ds.shm_lpid == pid);

  // Exec drops the child's attachment.
  int fds[2];
  (void)!pipe(fds);
  pid = fork();
  if (pid == 0) {
    char fdbuf[16], self[256];
    snprintf(fdbuf, sizeof fdbuf, "%d", fds[1]);
    char* args[] = {(char*)self_path(argv[0], self, sizeof self), "execd", fdbuf, NULL};
    printf("  child before exec: nattch %ld\n", nattch(id));
    execv(args[0], args);
    _exit(127);
  }
  char c;
  (void)!read(fds[0], &c, 1);
  printf("child after exec: nattch %ld\n", nattch(id));
  kill(pid, SIGKILL);
  waitpid(pid, &st, 0);

  // A given address: in use unless SHM_REMAP; SHM_RND rounds down.
  say_ptr("shmat at p, in use", shmat(id, p, 0), p);
  say_ptr("shmat at p, SHM_REMAP", shmat(id, p, SHM_REMAP), p);
  printf("nattch after the remap %ld, data %d\n", nattch(id), p[0]);
  say_ptr("shmat at p+1", shmat(id, p + 1, SHM_REMAP), p);
  say_ptr("shmat at p+1, SHM_RND", shmat(id, p + 1, SHM_RND | SHM_REMAP), p);
  say_ptr("shmat NULL, SHM_REMAP", shmat(id, NULL, SHM_REMAP), NULL);
  say_ptr("shmat bad id", shmat(id + 1, NULL, 0), NULL);
  say_ptr("shmat id -1", shmat(-1, NULL, 0), NULL);
  // mprotect splits the attachment; shmdt takes every fragment.
  say("mprotect the second page", mprotect(p + 4096, 4096, PROT_READ));
  printf("nattch after a split %ld\n", nattch(id));
  say("shmdt p", shmdt(p));
  printf("nattch %ld\n", nattch(id));

  // Another user: the mode's third triplet.
  struct other_arg oa = {shmget(key2, 100, IPC_CREAT | IPC_EXCL | 0604), key2};
  in_child("another uid", as_other_user, &oa);
  struct shmid_ds set = {0};
  set.shm_perm.uid = 1000;
  set.shm_perm.gid = 1000;
  set.shm_perm.mode = 0660 | 01000;  // only the rwx bits are taken
  say("IPC_SET", shmctl(oa.id, IPC_SET, &set));
  shmctl(oa.id, IPC_STAT, &ds);
  printf("after IPC_SET: uid %u gid %u cuid %u cgid %u mode %o\n", ds.shm_perm.uid,
         ds.shm_perm.gid, ds.shm_perm.cuid, ds.shm_perm.cgid, ds.shm_perm.mode);
  in_child("the new owner", as_other_user, &oa);
  say("SHM_LOCK", shmctl(oa.id, SHM_LOCK, NULL));
  shmctl(oa.id, IPC_STAT, &ds);
  printf("locked mode %o\n", ds.shm_perm.mode);
  say("SHM_UNLOCK", shmctl(oa.id, SHM_UNLOCK, NULL));
  say("IPC_RMID", shmctl(oa.id, IPC_RMID, NULL));

  // IPC_RMID while attached: SHM_DEST, key private, alive until the last
  // detach.
  p = shmat(id, NULL, 0);
  pid = fork();
  if (pid == 0) {
    nap_ms(100);
    printf("  child: data %d after IPC_RMID\n", p[9999]);
    p[2] = 44;
    _exit(0);
  }
  say("IPC_RMID attached", shmctl(id, IPC_RMID, NULL));
  shmctl(id, IPC_STAT, &ds);
  printf("removed: mode %o key %d nattch %lu\n", ds.shm_perm.mode, ds.shm_perm.__key,
         (unsigned long)ds.shm_nattch);
  say("look up its key", shmget(key, 0, 0));
  char* r = shmat(id, NULL, 0);
  say_ptr("shmat a removed segment", r, NULL);
  printf("nattch %ld\n", nattch(id));
  shmdt(r);
  waitpid(pid, &st, 0);
  printf("child wrote %d, nattch %ld\n", p[2], nattch(id));
  say("shmdt the last", shmdt(p));
  say("IPC_STAT after the last detach", shmctl(id, IPC_STAT, &ds));
  say("IPC_RMID again", shmctl(id, IPC_RMID, NULL));

  // shmctl's errors.
  int id3 = shmget(IPC_PRIVATE, 100, 0600);
  say("shmctl cmd 99", shmctl(id3, 99, &ds));
  say("shmctl cmd -1", shmctl(id3, -1, &ds));
  say("shmctl id -1", shmctl(-1, IPC_STAT, &ds));
  say("IPC_STAT bad buffer", shmctl(id3, IPC_STAT, (void*)8));
  say("IPC_SET bad buffer", shmctl(id3, IPC_SET, (void*)8));
  struct shminfo info;
  say("IPC_INFO >= 0", shmctl(0, IPC_INFO, (struct shmid_ds*)&info) >= 0 ? 0 : -1);
  printf("shmmax %lu shmmin %lu shmmni %lu shmseg %lu shmall %lu\n", info.shmmax, info.shmmin,
         info.shmmni, info.shmseg, info.shmall);
  // /proc/sys/kernel's files say the same; the same value written back
  // is taken, a bad one refused (nothing here changes a limit).
  printf("shmmax, shmmni, shmall files agree: %d %d %d\n",
         read_ulong("/proc/sys/kernel/shmmax") == info.shmmax,
         read_ulong("/proc/sys/kernel/shmmni") == info.shmmni,
         read_ulong("/proc/sys/kernel/shmall") == info.shmall);
  char buf[32];
  snprintf(buf, sizeof buf, "%lu\n", info.shmmax);
  say("write shmmax unchanged", write_text("/proc/sys/kernel/shmmax", buf));
  say("write shmmax abc", write_text("/proc/sys/kernel/shmmax", "abc\n"));
  say("write shmmax 2^64", write_text("/proc/sys/kernel/shmmax", "18446744073709551616\n"));
  say("write shmmni 40000", write_text("/proc/sys/kernel/shmmni", "40000\n"));
  printf("shmmax still %d\n", read_ulong("/proc/sys/kernel/shmmax") == info.shmmax);
  struct shm_info si;
  say("SHM_INFO >= 0", shmctl(0, SHM_INFO, (struct shmid_ds*)&si) >= 0 ? 0 : -1);
  printf("used_ids >= 1: %d\n", si.used_ids >= 1);
  say("IPC_RMID", shmctl(id3, IPC_RMID, NULL));
  return 0;
}

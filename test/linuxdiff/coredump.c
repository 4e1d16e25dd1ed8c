// Core dumps (LTP waitpid01, waitid10): with RLIMIT_CORE raised, a child
// killed by SIGABRT, SIGSEGV (with two more threads) or SIGQUIT leaves a
// "core" file in its cwd, and the parent sees WCOREDUMP and CLD_DUMPED; the
// file is an ELF ET_CORE whose first NT_PRSTATUS is the child's (the LWP
// that took the signal), one NT_PRSTATUS per thread, NT_PRPSINFO and
// NT_SIGINFO name the program and the signal, and a PT_LOAD holds what the
// child wrote into its heap. RLIMIT_CORE 0 gives no file and no core bit;
// a one-page limit (waitpid01's) still gives the core bit, the file cut at
// the limit. The zombie's /proc/<pid>/stat exit code carries the core bit
// too. qemu-user writes cores of its own (qemu_*.core) and reports
// them its own way, so coredump.expected holds Linux's lines (the same
// program built for x86_64 on Linux 6.18, whose core_pattern is "core").
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __riscv
#define NATIVE_MACHINE EM_RISCV
#else
#define NATIVE_MACHINE EM_X86_64
#endif

static char* heap;  // allocated before fork: the parent knows where
enum { kHeapSize = 3 * 4096 };

static void marker(pid_t pid, char* out, size_t n) {
  snprintf(out, n, "heap-marker:%u:%x", (unsigned)pid, (unsigned)pid * 2654435761u);
}

static void* sleeper(void* arg) {
  (void)arg;
  for (;;) pause();
  return NULL;
}

static void set_core_limit(rlim_t cur) {
  struct rlimit rl;
  getrlimit(RLIMIT_CORE, &rl);
  rl.rlim_cur = cur == RLIM_INFINITY ? rl.rlim_max : cur;
  if (setrlimit(RLIMIT_CORE, &rl) != 0) printf("setrlimit: %s\n", strerror(errno));
}

// how: 0 abort(), 1 a store to NULL with two more threads, 2 SIGQUIT.
static pid_t child(int how) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  char m[64];
  marker(getpid(), m, sizeof m);
  memset(heap, 'h', kHeapSize);
  strcpy(heap + 4096 + 100, m);
  if (how == 0) abort();
  if (how == 1) {
    pthread_t t;
    pthread_create(&t, NULL, sleeper, NULL);
    pthread_create(&t, NULL, sleeper, NULL);
    usleep(100 * 1000);
    *(volatile int*)0 = 1;
  }
  raise(SIGQUIT);
  _exit(99);
}

static unsigned char* slurp(const char* name, size_t* size) {
  int fd = open(name, O_RDONLY);
  if (fd < 0) return NULL;
  struct stat st;
  fstat(fd, &st);
  unsigned char* b = malloc(st.st_size + 1);
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t r = read(fd, b + got, st.st_size - got);
    if (r <= 0) break;
    got += r;
  }
  close(fd);
  *size = got;
  return b;
}

static void check_core(pid_t pid, int sig, int threads) {
  size_t size;
  unsigned char* b = slurp("core", &size);
  printf("  core file: %s\n", b ? "yes" : "no");
  if (!b) return;
  struct stat st;
  stat("core", &st);
  printf("  mode %o\n", st.st_mode & 07777);
  Elf64_Ehdr* eh = (Elf64_Ehdr*)b;
  printf("  ELF: %d, ET_CORE: %d, native machine: %d\n",
         size >= sizeof *eh && memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0,
         eh->e_type == ET_CORE, eh->e_machine == NATIVE_MACHINE);
  int notes = 0, prstatus = 0, first_is_child = 0, cursig = 0, psinfo = 0, siginfo = 0,
      auxv = 0, fpregs = 0, loads = 0, marker_found = 0;
  char m[64];
  marker(pid, m, sizeof m);
  for (int i = 0; i < eh->e_phnum; i++) {
    Elf64_Phdr* ph = (Elf64_Phdr*)(b + eh->e_phoff + i * sizeof(Elf64_Phdr));
    if (ph->p_type == PT_LOAD) {
      loads++;
      uintptr_t want = (uintptr_t)heap + 4096 + 100;
      if (want >= ph->p_vaddr && want < ph->p_vaddr + ph->p_filesz &&
          ph->p_offset + (want - ph->p_vaddr) + strlen(m) <= size)
        marker_found = memcmp(b + ph->p_offset + (want - ph->p_vaddr), m, strlen(m)) == 0;
    }
    if (ph->p_type != PT_NOTE) continue;
    notes++;
    for (size_t off = 0; off + sizeof(Elf64_Nhdr) <= ph->p_filesz;) {
      Elf64_Nhdr* nh = (Elf64_Nhdr*)(b + ph->p_offset + off);
      unsigned char* desc = (unsigned char*)(nh + 1) + ((nh->n_namesz + 3) & ~3u);
      if (nh->n_type == NT_PRSTATUS) {
        // struct elf_prstatus: pr_cursig at 12, pr_pid at 32.
        int tid;
        short cs;
        memcpy(&tid, desc + 32, 4);
        memcpy(&cs, desc + 12, 2);
        if (prstatus++ == 0) {
          first_is_child = tid == pid;
          cursig = cs;
        }
      } else if (nh->n_type == NT_PRPSINFO) {
        // struct elf_prpsinfo: pr_pid at 24, pr_fname at 40.
        int p;
        memcpy(&p, desc + 24, 4);
        psinfo = p == pid && strncmp((char*)desc + 40, "coredump", 16) == 0;
      } else if (nh->n_type == NT_SIGINFO) {
        siginfo = ((siginfo_t*)desc)->si_signo == sig;
      } else if (nh->n_type == NT_AUXV) {
        for (size_t k = 0; k + 16 <= nh->n_descsz; k += 16)
          if (*(uint64_t*)(desc + k) == AT_PAGESZ) auxv = *(uint64_t*)(desc + k + 8) == 4096;
      } else if (nh->n_type == NT_PRFPREG) {
        fpregs++;
      }
      off += sizeof *nh + ((nh->n_namesz + 3) & ~3u) + ((nh->n_descsz + 3) & ~3u);
    }
  }
  printf("  PT_NOTE: %d, PT_LOADs: %s, heap marker in a PT_LOAD: %d\n", notes,
         loads > 3 ? "several" : "few", marker_found);
  printf("  NT_PRSTATUS: %d (threads %d), the first the child: %d, cursig %d\n", prstatus,
         threads, first_is_child, cursig);
  printf("  NT_PRFPREG per thread: %d, NT_PRPSINFO: %d, NT_SIGINFO: %d, NT_AUXV: %d\n",
         fpregs == threads, psinfo, siginfo, auxv);
  free(b);
}

// The last field of /proc/<pid>/stat: the exit code, -1 if unread.
static int stat_exit_code(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY);
  ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0) close(fd);
  if (n <= 0) return -1;
  buf[n] = '\0';
  char* last = strrchr(buf, ' ');
  return last ? atoi(last + 1) : -1;
}

static void run(const char* what, int how, int sig, int threads, rlim_t limit) {
  printf("%s, RLIMIT_CORE %s:\n", what,
         limit == RLIM_INFINITY ? "max" : limit == 0 ? "0" : "one page");
  unlink("core");
  set_core_limit(limit);
  pid_t pid = child(how);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  if (waitid(P_PID, pid, &si, WEXITED | WNOWAIT) != 0) printf("  waitid: %s\n", strerror(errno));
  printf("  waitid: si_code %s, si_status %d\n",
         si.si_code == CLD_DUMPED ? "CLD_DUMPED" : si.si_code == CLD_KILLED ? "CLD_KILLED" : "?",
         si.si_status);
  const int code = stat_exit_code(pid);
  printf("  /proc/<pid>/stat exit code: signal %d, core bit %d\n", code & 0x7f, (code & 0x80) != 0);
  int status;
  waitpid(pid, &status, 0);
  printf("  WIFSIGNALED %d, WTERMSIG %d, WCOREDUMP %d\n", WIFSIGNALED(status), WTERMSIG(status),
         WCOREDUMP(status) ? 1 : 0);
  if (limit == RLIM_INFINITY) {
    check_core(pid, sig, threads);
  } else {
    struct stat st;
    int there = stat("core", &st) == 0;
    printf("  core file: %s", there ? "yes" : "no");
    if (there) printf(", within the limit: %d", (rlim_t)st.st_size <= limit);
    printf("\n");
  }
}

int main(void) {
  char dir[] = "/tmp/coredumpXXXXXX";
  if (!mkdtemp(dir) || chdir(dir) != 0) {
    perror("mkdtemp");
    return 1;
  }
  heap = malloc(kHeapSize);
  struct rlimit rl;
  getrlimit(RLIMIT_CORE, &rl);
  printf("hard RLIMIT_CORE unlimited: %d\n", rl.rlim_max == RLIM_INFINITY);
  run("abort", 0, SIGABRT, 1, RLIM_INFINITY);
  run("NULL store, 3 threads", 1, SIGSEGV, 3, RLIM_INFINITY);
  run("SIGQUIT", 2, SIGQUIT, 1, 0);
  run("SIGQUIT", 2, SIGQUIT, 1, 4096);
  unlink("core");
  chdir("/");
  rmdir(dir);
  return 0;
}

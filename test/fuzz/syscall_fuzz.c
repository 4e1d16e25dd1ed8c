/* Syscall fuzzer: 20,000 calls of the syscalls Tine implements (and some
 * it does not), with arguments drawn from bad pointers, kernel addresses,
 * -1, 0 and random words. The kernel must answer every one with a value or
 * an errno and keep running: the program ends with "fuzz done" and exit 0.
 *
 * Calls that may legitimately block forever (read, a write into a full pipe
 * we made) or sleep (nanosleep) are left out, and exit. Run it only as
 * Tine's init=/bin/fuzz: its kill calls reach any pid above 1. The fork core is fuzzed through calls kept from
 * harming the fuzzer itself (it runs as init, so its death ends the run):
 *   clone    random flags (not CLONE_THREAD or CLONE_PARENT), stack, tid
 *            pointers and TLS, but an exit signal
 *            of 0 or SIGCHLD (another would be sent to us); the child runs
 *            only register code from the same asm block and exits at once,
 *            so a CLONE_VM child on our stack touches no memory;
 *   execve   by such a child, of /bin/fuzz_exit (exits 0) or a bad path,
 *            with random argv and envp; the child exits 127 if it fails;
 *   kill     of our own children (live or reaped), of pids above 1 (all
 *            are our descendants: we are init) and of nonexistent groups;
 *            never 0, 1, -1 or our own group;
 *   munmap, mprotect
 *            inside a scratch mapping (remapped now and then), or at
 *            addresses that cannot reach our text, data or stack (kernel
 *            addresses, above user space, unaligned).
 * Children are reaped as we go, and all of them at the end. */
typedef unsigned long u64;
static long sc6(long n, long a, long b, long c, long d, long e, long f) {
  register long a0 asm("a0") = a; register long a1 asm("a1") = b; register long a2 asm("a2") = c;
  register long a3 asm("a3") = d; register long a4 asm("a4") = e; register long a5 asm("a5") = f;
  register long a7 asm("a7") = n;
  asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7) : "memory");
  return a0;
}
static u64 s = 88172645463325252ull;
static u64 rnd(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
static long arg(void) {
  switch (rnd() % 8) {
    case 0: return 0; case 1: return -1; case 2: return (long)(rnd() % 4096);
    case 3: return (long)0xffffffc000000000ul; case 4: return (long)(rnd());
    case 5: return 0x10000; case 6: return 0x3ffffff000 - 64; default: return 1;
  }
}

enum { SYS_munmap = 215, SYS_clone = 220, SYS_execve = 221, SYS_mmap = 222,
       SYS_mprotect = 226, SYS_wait4 = 260, SYS_kill = 129 };
enum { kSigChld = 17, kWNoHang = 1, kWAll = 0x40000000 };
enum { kCloneVm = 0x100, kCloneVfork = 0x4000, kCloneParent = 0x8000, kCloneThread = 0x10000 };

/* clone(); in the child, execve(path, argv, envp) when path is not 0, then
 * exit(127). The child uses registers only. Returns clone's result. */
static long clone_child(long flags, long stack, long ptid, long tls, long ctid,
                        long path, long argv, long envp) {
  register long a0 asm("a0") = flags; register long a1 asm("a1") = stack;
  register long a2 asm("a2") = ptid; register long a3 asm("a3") = tls;
  register long a4 asm("a4") = ctid;
  register long s2 asm("s2") = path; register long s3 asm("s3") = argv;
  register long s4 asm("s4") = envp;
  asm volatile("li a7, 220\n ecall\n bnez a0, 1f\n"
               " beqz s2, 2f\n mv a0, s2\n mv a1, s3\n mv a2, s4\n li a7, 221\n ecall\n"
               "2: li a0, 127\n li a7, 93\n ecall\n"
               "1:\n"
               : "+r"(a0), "+r"(a1), "+r"(a2)
               : "r"(a3), "r"(a4), "r"(s2), "r"(s3), "r"(s4)
               : "a7", "memory");
  return a0;
}

static void put(const char* m) {
  long n = 0;
  while (m[n]) n++;
  sc6(64, 1, (long)m, n, 0, 0, 0);
}
static void putu(unsigned v) {
  char b[12];
  int i = 11;
  b[i] = 0;
  do { b[--i] = (char)('0' + v % 10); v /= 10; } while (v);
  put(b + i);
}

enum { kSavedFd = 63 };  /* the last descriptor (kMaxFds is 64) */

#define NKIDS 64
static long kids[NKIDS];
static unsigned nkids;
static void reap(int options) {
  int st;
  while (sc6(SYS_wait4, -1, (long)&st, options | kWAll, 0, 0, 0) > 0) {
  }
}

static long fuzz_clone(void) {
  /* Random flags but no CLONE_THREAD (would outlive exit_group's meaning
   * for us), no CLONE_PARENT (the child would be init's: init takes its
   * exit for ours and powers off), and an exit signal we can take. */
  long flags = (long)(rnd() & ~(u64)(0xff | kCloneThread | kCloneParent)) |
               (rnd() % 2 ? kSigChld : 0);
  /* Half the time only bits Linux's clone takes, so fork1's branches run:
   * VM, FS, FILES, SIGHAND, VFORK, SYSVSEM, SETTLS, PARENT_SETTID,
   * CHILD_CLEARTID, CHILD_SETTID. */
  if (rnd() % 2) flags &= 0x1384f00 | 0xff;
  long path = 0;
  long argv = 0, envp = 0;
  static const char exit_prog[] = "/bin/fuzz_exit";
  static const char missing[] = "/bin/no_such_program";
  if (rnd() % 2) {
    switch (rnd() % 4) {
      case 0: case 1: path = (long)exit_prog; break;
      case 2: path = (long)missing; break;
      default: path = arg() | 1; break;  /* never 0: that means no exec */
    }
    argv = arg();
    envp = arg();
    if (rnd() % 2) flags = kSigChld | (rnd() % 2 ? kCloneVm | kCloneVfork : 0);
  }
  long pid = clone_child(flags, arg(), arg(), arg(), arg(), path, argv, envp);
  if (pid > 0) kids[nkids++ % NKIDS] = pid;
  reap(kWNoHang);
  return pid;
}

static long self_pid;
static long fuzz_kill(void) {
  long pid;
  switch (rnd() % 4) {
    case 0: pid = nkids ? kids[rnd() % (nkids < NKIDS ? nkids : NKIDS)] : 2; break;
    case 1: pid = 2 + (long)(rnd() % 40000); break;        /* ours, or none */
    case 2: pid = -2 - (long)(rnd() % 40000); break;       /* a group that is not ours */
    default: pid = (long)(rnd() | (1ul << 40)); break;     /* far out of range */
  }
  if (pid == 0 || pid == 1 || pid == -1 || pid == self_pid || pid == -self_pid)
    pid = 0x7fffffff;  /* nonexistent */
  return sc6(SYS_kill, pid, (long)(rnd() % 70), 0, 0, 0, 0);
}

#define SCRATCH_PAGES 32
static long scratch;
static void scratch_map(void) {
  long r = sc6(SYS_mmap, scratch, SCRATCH_PAGES * 4096, 3, 0x22 | (scratch ? 0x10 : 0), -1, 0);
  scratch = (u64)r >= (u64)-4096 ? 0 : r;
}
/* An (address, length) that stays inside the scratch mapping or cannot
 * reach any of our own mappings. */
static void memory_range(long* addr, long* len) {
  if (scratch && rnd() % 4) {
    long off = (long)(rnd() % SCRATCH_PAGES) * 4096;
    *addr = scratch + off + (rnd() % 8 == 0 ? (long)(rnd() % 4096) : 0);
    long room = scratch + SCRATCH_PAGES * 4096 - *addr;
    *len = (long)(rnd() % (u64)(room + 1));
    return;
  }
  static const long bad[] = {(long)0xffffffc000000000ul, (long)0xfffffffffffff000ul,
                             0x4000000000l, 0x7ffffffff000l, 1, 4097};
  *addr = bad[rnd() % (sizeof bad / sizeof bad[0])];
  *len = arg();
}
static long fuzz_memory(int nr) {
  long addr, len;
  memory_range(&addr, &len);
  long r = nr == SYS_munmap ? sc6(nr, addr, len, 0, 0, 0, 0)
                            : sc6(nr, addr, len, (long)(rnd() % 16), 0, 0, 0);
  if (rnd() % 16 == 0) scratch_map();  /* restore it now and then */
  return r;
}

static const int nrs[] = {23,24,29,56,57,59,63,64,66,96,99,101,113,124,134,135,160,163,164,
                          172,173,174,175,176,177,178,179,214,222,260,261,278,4000,999,-5,
                          SYS_clone,SYS_execve,SYS_kill,SYS_munmap,SYS_mprotect};
/* The fuzzer's own signal actions: default, but SIGPIPE ignored (a random
 * write into a pipe whose reader is gone would end the run, as on Linux). A
 * fuzzed rt_sigaction gets its signal's action put back right after: a
 * random "handler" would be jumped to at the next SIGCHLD. */
struct ksigaction { u64 handler, flags, mask; };
static void own_action(long sig) {
  struct ksigaction a = {sig == 13 ? 1 : 0, 0, 0};
  if (sig > 0 && sig < 65 && sig != 9 && sig != 19) sc6(134, sig, (long)&a, 0, 8, 0, 0);
}

void _start_c(void) {
  sc6(57, 0, 0, 0, 0, 0, 0);  /* no console input to block on */
  own_action(13);
  scratch_map();
  self_pid = sc6(172, 0, 0, 0, 0, 0, 0);
  /* The console kept out of reach (close, dup3 and pipe2 would otherwise
   * take fd 1 away from the final message). */
  sc6(24, 1, kSavedFd, 0, 0, 0, 0);
  unsigned counts[5] = {0};
  for (int i = 0; i < 20000; i++) {
    int nr = nrs[rnd() % (sizeof nrs / sizeof nrs[0])];
    if (nr == 101 || nr == 63) continue;  /* sleeping or blocking reads are fine, not what we fuzz */
    switch (nr) {
      case SYS_clone: case SYS_execve: fuzz_clone(); counts[nr == SYS_clone ? 0 : 1]++; break;
      case SYS_kill: fuzz_kill(); counts[2]++; break;
      case SYS_munmap: case SYS_mprotect: fuzz_memory(nr); counts[nr == SYS_munmap ? 3 : 4]++; break;
      case 57: case 24: {
        /* Not our saved console (close's fd, dup3's new fd). */
        long a0 = arg(), a1 = arg();
        if (nr == 57 && a0 == kSavedFd) a0 = 4095;
        if (nr == 24 && a1 == kSavedFd) a1 = 4095;
        sc6(nr, a0, a1, arg(), arg(), arg(), arg());
        break;
      }
      case 134: {
        long sig = arg();
        sc6(134, sig, arg(), arg(), arg(), arg(), arg());
        own_action(sig);
        break;
      }
      case 164: case 261: {
        /* Not RLIMIT_CPU (0): a random limit ends the run with SIGXCPU and
         * then SIGKILL, as on Linux (setrlimit's resource is its first
         * argument, prlimit64's its second). */
        long a0 = arg(), a1 = arg();
        if ((nr == 164 ? a0 : a1) == 0) continue;
        sc6(nr, a0, a1, arg(), arg(), arg(), arg());
        break;
      }
      case 64: case 66: {
        /* Not into a pipe we made: a full one blocks forever. */
        long fd = arg();
        if (fd > 2 && fd < 4096) fd = 4095;
        sc6(nr, fd, arg(), arg(), arg(), arg(), arg());
        break;
      }
      default: sc6(nr, arg(), arg(), arg(), arg(), arg(), arg());
    }
  }
  reap(0);
  sc6(24, kSavedFd, 1, 0, 0, 0, 0);
  static const char* const names[5] = {"clone ", " execve ", " kill ", " munmap ", " mprotect "};
  put("fuzz: ");
  for (int k = 0; k < 5; k++) { put(names[k]); putu(counts[k]); }
  put("\n");
  const char m[] = "fuzz done\n";
  sc6(64, 1, (long)m, sizeof m - 1, 0, 0, 0);
  sc6(94, 0, 0, 0, 0, 0, 0);
}
/* gp first: the linker relaxes accesses to small globals to gp-relative. */
asm(".globl _start\n_start:\n .option push\n .option norelax\n la gp, __global_pointer$\n"
    " .option pop\n andi sp, sp, -16\n call _start_c\n");

/* A static program with raw Linux riscv64 syscalls and no libc, built with
 * the stock riscv64-linux-gnu-gcc -static -nostdlib: clone (fork, 3BSD
 * vfork, 4.4BSD vfork), execve, wait4, exit_group, mmap, write. Every line
 * it prints starts with "raw:" and is the same on Linux (qemu-riscv64) and
 * on Tine: test/compare/compare.py checks that.
 *
 * A line "raw: NAME VALUE expect WANT" carries, besides what the program saw,
 * what Linux's semantics imply for it, worked out here from the call that was
 * made (the clone flags): Tine must see WANT. qemu-riscv64 runs vfork as a
 * plain fork, so it may see something else on such a line; the driver then
 * compares the WANT parts only and says so. */
typedef unsigned long u64;

static long sc6(long n, long a, long b, long c, long d, long e, long f) {
  register long a0 asm("a0") = a;
  register long a1 asm("a1") = b;
  register long a2 asm("a2") = c;
  register long a3 asm("a3") = d;
  register long a4 asm("a4") = e;
  register long a5 asm("a5") = f;
  register long a7 asm("a7") = n;
  asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
               : "memory");
  return a0;
}
static long sc(long n, long a, long b, long c, long d, long e) { return sc6(n, a, b, c, d, e, 0); }

enum { SYS_write = 64, SYS_exit_group = 94, SYS_clone = 220, SYS_execve = 221,
       SYS_mmap = 222, SYS_wait4 = 260, SYS_getpid = 172 };

static unsigned long len(const char* s) { unsigned long n = 0; while (s[n]) n++; return n; }
static void put(const char* s) { sc(SYS_write, 1, (long)s, (long)len(s), 0, 0); }
static void putn(long v) {
  char b[24]; int i = 23; b[i] = 0;
  int neg = v < 0; if (neg) v = -v;
  do { b[--i] = (char)('0' + v % 10); v /= 10; } while (v);
  if (neg) b[--i] = '-';
  put(b + i);
}
static void line(const char* what, long v) { put("raw: "); put(what); put(" "); putn(v); put("\n"); }
static void line_expect(const char* what, long v, long want) {
  put("raw: "); put(what); put(" "); putn(v); put(" expect "); putn(want); put("\n");
}

enum { CLONE_VM = 0x100, CLONE_VFORK = 0x4000, SIGCHLD = 17 };
/* What the parent reads after its clone child stored `stored` into a word
 * the parent had zeroed: the child's store only if they share memory. */
static long shared_store_seen(long flags, long stored) { return (flags & CLONE_VM) ? stored : 0; }

/* A 3BSD vfork child shares our stack: do the clone and the child's work in
 * one asm-free function that never returns in the child. */
static volatile long shared_word;

int main(int argc, char** argv, char** envp) {
  if (argc > 1 && argv[1][0] == '-' && argv[1][1] == 'x') {
    line("exec argc", argc);
    put("raw: exec argv1 "); put(argv[1]); put("\n");
    return 7;
  }
  long* mem = (long*)sc6(SYS_mmap, 0, 8192, 3 /*RW*/, 0x22 /*PRIVATE|ANON*/, -1, 0);
  line("mmap ok", (u64)mem < (u64)-4096L);
  mem[0] = 1;

  /* fork: the child's write stays in the child. */
  long pid = sc(SYS_clone, 17 /*SIGCHLD*/, 0, 0, 0, 0);
  if (pid == 0) { mem[0] = 2; sc(SYS_exit_group, 5, 0, 0, 0, 0); }
  int status = 0;
  long w = sc(SYS_wait4, pid, (long)&status, 0, 0, 0);
  line("fork wait4 matches", w == pid);
  line("fork exit status", (status >> 8) & 0xff);
  line("fork parent memory", mem[0]);

  /* 3BSD vfork: shared memory, the parent runs after the child's exit. */
  shared_word = 0;
  long flags = CLONE_VFORK | CLONE_VM | SIGCHLD;
  pid = sc(SYS_clone, flags, 0, 0, 0, 0);
  if (pid == 0) { shared_word = 42; sc(SYS_exit_group, 0, 0, 0, 0, 0); }
  line_expect("vfork shared write", shared_word, shared_store_seen(flags, 42));
  sc(SYS_wait4, pid, (long)&status, 0, 0, 0);

  /* 4.4BSD vfork: parent waits, memory copied. */
  shared_word = 0;
  flags = CLONE_VFORK | SIGCHLD;
  pid = sc(SYS_clone, flags, 0, 0, 0, 0);
  if (pid == 0) { shared_word = 43; sc(SYS_exit_group, 0, 0, 0, 0, 0); }
  line_expect("vfork44 parent memory", shared_word, shared_store_seen(flags, 43));
  sc(SYS_wait4, pid, (long)&status, 0, 0, 0);

  /* fork + execve of ourselves. */
  pid = sc(SYS_clone, 17, 0, 0, 0, 0);
  if (pid == 0) {
    char* args[] = {argv[0], "-x", 0};
    sc(SYS_execve, (long)argv[0], (long)args, (long)envp, 0, 0);
    sc(SYS_exit_group, 99, 0, 0, 0, 0);
  }
  sc(SYS_wait4, pid, (long)&status, 0, 0, 0);
  line("exec child status", (status >> 8) & 0xff);

  /* Errors: ECHILD, EINVAL for CLONE_SIGHAND without CLONE_VM, EFAULT. */
  line("wait4 no child", sc(SYS_wait4, -1, 0, 0, 0, 0));
  line("clone sighand without vm", sc(SYS_clone, 0x800 | 17, 0, 0, 0, 0));
  line("write bad pointer", sc(SYS_write, 1, 8, 4, 0, 0));
  line("getpid positive", sc(SYS_getpid, 0, 0, 0, 0, 0) > 0);
  sc(SYS_exit_group, 3, 0, 0, 0, 0);
  return 0;
}

void _start_c(long* sp) {
  int argc = (int)sp[0];
  char** argv = (char**)(sp + 1);
  char** envp = argv + argc + 1;
  sc(SYS_exit_group, main(argc, argv, envp), 0, 0, 0, 0);
}

asm(".globl _start\n_start:\n mv a0, sp\n andi sp, sp, -16\n call _start_c\n");

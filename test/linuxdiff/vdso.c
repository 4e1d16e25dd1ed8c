// The vDSO as glibc finds it: AT_SYSINFO_EHDR names an ELF image whose
// dynamic symbols (found here without dlsym, through PT_DYNAMIC, DT_HASH or
// DT_GNU_HASH, and the version tables) include __vdso_clock_gettime and the
// signal trampoline __vdso_rt_sigreturn, both inside the mapped image, and
// the clocks glibc then reads through it agree with the syscalls. Runs on
// Linux (qemu-riscv64 brings its own vDSO) and Tine alike.
#include "ld.h"

#include <elf.h>
#include <stdint.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

static uintptr_t base, bias, load_lo, load_hi;
static const Elf64_Sym* symtab;
static const char* strtab;
static const Elf64_Half* versym;
static const Elf64_Verdef* verdef;
static uint32_t nsyms;

static uint32_t gnu_hash_count(const uint32_t* h) {
  const uint32_t nbuckets = h[0], symoffset = h[1], bloom = h[2];
  const uint32_t* buckets = h + 4 + bloom * 2;  // 64-bit bloom words
  const uint32_t* chain = buckets + nbuckets;
  uint32_t last = 0;
  for (uint32_t i = 0; i < nbuckets; i++)
    if (buckets[i] > last) last = buckets[i];
  if (last < symoffset) return symoffset;
  while (!(chain[last - symoffset] & 1)) last++;
  return last + 1;
}

// The version name of dynamic symbol i ("" when unversioned).
static const char* version_of(uint32_t i) {
  if (!versym || !verdef) return "";
  const Elf64_Half want = versym[i] & 0x7fff;
  for (const Elf64_Verdef* d = verdef;;) {
    if (d->vd_ndx == want) {
      const Elf64_Verdaux* a = (const Elf64_Verdaux*)((const char*)d + d->vd_aux);
      return strtab + a->vda_name;
    }
    if (!d->vd_next) return "?";
    d = (const Elf64_Verdef*)((const char*)d + d->vd_next);
  }
}

static int parse(void) {
  const Elf64_Ehdr* eh = (const Elf64_Ehdr*)base;
  if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) return -1;
  printf("elf magic ok, class %d, type %s, machine riscv %d\n", eh->e_ident[EI_CLASS],
         eh->e_type == ET_DYN ? "DYN" : "other", eh->e_machine == EM_RISCV);
  const Elf64_Phdr* ph = (const Elf64_Phdr*)(base + eh->e_phoff);
  const Elf64_Dyn* dyn = NULL;
  int loads = 0;
  for (int i = 0; i < eh->e_phnum; i++) {
    if (ph[i].p_type == PT_LOAD && loads++ == 0) {
      bias = base - (ph[i].p_vaddr - ph[i].p_offset);
      load_lo = bias + ph[i].p_vaddr;
      load_hi = load_lo + ph[i].p_memsz;
    }
  }
  for (int i = 0; i < eh->e_phnum; i++)
    if (ph[i].p_type == PT_DYNAMIC) dyn = (const Elf64_Dyn*)(bias + ph[i].p_vaddr);
  printf("PT_LOAD %s, PT_DYNAMIC %s\n", loads ? "yes" : "no", dyn ? "yes" : "no");
  if (!loads || !dyn) return -1;
  const uint32_t* hash = NULL;
  const uint32_t* gnu_hash = NULL;
  int relocs = 0;
  for (; dyn->d_tag != DT_NULL; dyn++) {
    switch (dyn->d_tag) {
      case DT_SYMTAB: symtab = (const Elf64_Sym*)(bias + dyn->d_un.d_ptr); break;
      case DT_STRTAB: strtab = (const char*)(bias + dyn->d_un.d_ptr); break;
      case DT_HASH: hash = (const uint32_t*)(bias + dyn->d_un.d_ptr); break;
      case DT_GNU_HASH: gnu_hash = (const uint32_t*)(bias + dyn->d_un.d_ptr); break;
      case DT_VERSYM: versym = (const Elf64_Half*)(bias + dyn->d_un.d_ptr); break;
      case DT_VERDEF: verdef = (const Elf64_Verdef*)(bias + dyn->d_un.d_ptr); break;
      case DT_RELASZ: case DT_RELSZ: case DT_PLTRELSZ:
        relocs += dyn->d_un.d_val != 0;
        break;
    }
  }
  printf("symtab %s, strtab %s, hash %s, relocations %d\n", symtab ? "yes" : "no",
         strtab ? "yes" : "no", hash || gnu_hash ? "yes" : "no", relocs);
  if (!symtab || !strtab || !(hash || gnu_hash)) return -1;
  nsyms = hash ? hash[1] : gnu_hash_count(gnu_hash);
  return 0;
}

static uintptr_t lookup(const char* name, const char** version) {
  for (uint32_t i = 1; i < nsyms; i++) {
    const Elf64_Sym* s = &symtab[i];
    if (s->st_shndx == SHN_UNDEF || strcmp(strtab + s->st_name, name) != 0) continue;
    *version = version_of(i);
    return bias + s->st_value;
  }
  return 0;
}

static int64_t ns_of(const struct timespec* t) { return t->tv_sec * 1000000000ll + t->tv_nsec; }

int main(void) {
  base = getauxval(AT_SYSINFO_EHDR);
  printf("AT_SYSINFO_EHDR %s\n", base ? "set" : "missing");
  if (!base || parse() != 0) return 1;

  static const char* const names[] = {"__vdso_rt_sigreturn", "__vdso_clock_gettime",
                                      "__vdso_gettimeofday", "__vdso_clock_getres",
                                      "__vdso_getcpu"};
  uintptr_t addr[5];
  for (int i = 0; i < 5; i++) {
    const char* version = "";
    addr[i] = lookup(names[i], &version);
    printf("%s: %s, version %s, inside the image %d\n", names[i],
           addr[i] ? "found" : "missing", version, addr[i] >= load_lo && addr[i] < load_hi);
    if (!addr[i]) return 1;
  }
  // The trampoline is Linux's two instructions (libgcc's unwinder matches them).
  const uint32_t* tramp = (const uint32_t*)addr[0];
  printf("trampoline: li a7, 139 %d; ecall %d\n", tramp[0] == 0x08b00893u,
         tramp[1] == 0x00000073u);

  // Called directly, the vDSO agrees with the syscall.
  int (*vgettime)(clockid_t, struct timespec*) = (int (*)(clockid_t, struct timespec*))addr[1];
  static const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_REALTIME_COARSE,
                                     CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME};
  for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
    struct timespec a, b, c;
    long r1 = syscall(SYS_clock_gettime, clocks[i], &a);
    int r2 = vgettime(clocks[i], &b);
    long r3 = syscall(SYS_clock_gettime, clocks[i], &c);
    // Coarse clocks may lag the fine ones by a tick: allow 50 ms either way.
    int ok = r1 == 0 && r2 == 0 && r3 == 0 && ns_of(&b) >= ns_of(&a) - 50000000 &&
             ns_of(&b) <= ns_of(&c) + 50000000 && b.tv_nsec >= 0 && b.tv_nsec < 1000000000;
    printf("clock %d: vdso agrees with the syscall %d\n", (int)clocks[i], ok);
  }
  int (*vgetres)(clockid_t, struct timespec*) = (int (*)(clockid_t, struct timespec*))addr[3];
  for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
    struct timespec a, b;
    long r1 = syscall(SYS_clock_getres, clocks[i], &a);
    int r2 = vgetres(clocks[i], &b);
    printf("clock %d: getres agrees %d\n", (int)clocks[i],
           r1 == 0 && r2 == 0 && a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec);
  }

  // getcpu: the vDSO's and the syscall's agree that this is a CPU of node 0
  // (which CPU may change between the calls), and glibc's sched_getcpu too.
  int (*vgetcpu)(unsigned*, unsigned*, void*) = (int (*)(unsigned*, unsigned*, void*))addr[4];
  unsigned cpu = ~0u, node = ~0u, scpu = ~0u, snode = ~0u;
  int gr = vgetcpu(&cpu, &node, NULL);
  long sr = syscall(SYS_getcpu, &scpu, &snode, NULL);
  int gc = sched_getcpu();
  printf("getcpu: vdso %d node %u cpu sane %d; syscall %ld node %u cpu sane %d; sched_getcpu sane %d\n",
         gr, node, cpu < 1024, sr, snode, scpu < 1024, gc >= 0 && gc < 1024);
  printf("getcpu with NULL pointers %d\n", vgetcpu(NULL, NULL, NULL));

  // Through glibc (which now uses the vDSO): monotonic never goes back.
  struct timespec prev, now;
  clock_gettime(CLOCK_MONOTONIC, &prev);
  int backwards = 0;
  for (int i = 0; i < 10000; i++) {
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (ns_of(&now) < ns_of(&prev)) backwards++;
    prev = now;
  }
  printf("monotonic went backwards %d times in 10000 calls\n", backwards);

  // gettimeofday and CLOCK_REALTIME read the same clock.
  struct timeval tv;
  struct timespec rt;
  clock_gettime(CLOCK_REALTIME, &rt);
  gettimeofday(&tv, NULL);
  long long d = (long long)tv.tv_sec * 1000000 + tv.tv_usec - (rt.tv_sec * 1000000ll + rt.tv_nsec / 1000);
  printf("gettimeofday - realtime within a second %d\n", d >= 0 && d < 1000000);
  struct timeval stv;
  long r = syscall(SYS_gettimeofday, &stv, NULL);
  d = (long long)stv.tv_sec * 1000000 + stv.tv_usec - ((long long)tv.tv_sec * 1000000 + tv.tv_usec);
  printf("syscall gettimeofday - vdso gettimeofday within a second %d\n", r == 0 && d >= 0 && d < 1000000);
  return 0;
}

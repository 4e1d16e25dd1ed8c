/*
 * exec_helper: run by the exec test as
 *   execve("/tests/exec_helper", {"a", "bb", "ccc"}, {"X=1"})
 * and checks what it was started with: argc, argv, envp, the initial stack
 * alignment, and the auxiliary vector (AT_PAGESZ, AT_ENTRY, AT_PHDR/PHENT/
 * PHNUM against its own ELF header, AT_RANDOM, AT_EXECFN, AT_UID/EUID/GID/
 * EGID, AT_SECURE, AT_HWCAP present). Prints its checks as "exec.helper_*";
 * exits 0 if all passed. Started any other way it says so and exits 2.
 */
#include "t.h"

extern const Elf64_Ehdr __ehdr_start;   /* the linker's: our own ELF header */
void _start(void);

static unsigned long *auxv;     /* after envp's NULL; set by main */

static int has(unsigned long type)
{
	for (unsigned long *a = auxv; a[0] != AT_NULL; a += 2)
		if (a[0] == type)
			return 1;
	return 0;
}

int main(int argc, char **argv, char **envp)
{
	t_begin("exec");
	auxv = (unsigned long *)envp;
	while (*auxv)
		auxv++;
	auxv++;

	check("helper_argc", argc == 3, "argc %d, want 3", argc);
	if (argc != 3)
		return 2;
	check("helper_argv", strcmp(argv[0], "a") == 0 && strcmp(argv[1], "bb") == 0 &&
	      strcmp(argv[2], "ccc") == 0 && argv[3] == NULL,
	      "argv {%s, %s, %s}", argv[0], argv[1], argv[2]);
	check("helper_envp", envp[0] && strcmp(envp[0], "X=1") == 0 && envp[1] == NULL,
	      "envp[0]=%s envp[1]=%s", envp[0] ? envp[0] : "NULL",
	      envp[0] && envp[1] ? envp[1] : "NULL");
	check("helper_getenv", getenv("X") && strcmp(getenv("X"), "1") == 0, "getenv(X)");
	uintptr_t sp = (uintptr_t)argv - 8;
	check("helper_sp_aligned", sp % 16 == 0, "initial sp %p not 16-byte aligned",
	      (void *)sp);

	unsigned long pagesz = getauxval(AT_PAGESZ);
	check("helper_at_pagesz", pagesz == 4096, "AT_PAGESZ %lu", pagesz);

	unsigned long entry = getauxval(AT_ENTRY);
	check("helper_at_entry", entry != 0 && entry == (unsigned long)&_start,
	      "AT_ENTRY %p, _start %p", (void *)entry, (void *)&_start);

	const Elf64_Ehdr *eh = &__ehdr_start;
	unsigned long phdr = getauxval(AT_PHDR), phent = getauxval(AT_PHENT),
		      phnum = getauxval(AT_PHNUM);
	check("helper_at_phdr", phdr == (unsigned long)eh + eh->e_phoff,
	      "AT_PHDR %p, want %p", (void *)phdr, (void *)((char *)eh + eh->e_phoff));
	check("helper_at_phent", phent == sizeof(Elf64_Phdr), "AT_PHENT %lu", phent);
	check("helper_at_phnum", phnum == eh->e_phnum && phnum >= 1 && phnum < 64,
	      "AT_PHNUM %lu, e_phnum %u", phnum, eh->e_phnum);
	int text = 0;
	if (phdr && phent == sizeof(Elf64_Phdr))
		for (unsigned long i = 0; i < phnum && i < 64; i++) {
			const Elf64_Phdr *ph = (const Elf64_Phdr *)phdr + i;

			if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) &&
			    ph->p_vaddr <= entry && entry < ph->p_vaddr + ph->p_memsz)
				text = 1;
		}
	check("helper_phdr_covers_entry", text,
	      "no executable PT_LOAD in AT_PHDR contains AT_ENTRY");

	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	int nonzero = 0;
	if (rnd)
		for (int i = 0; i < 16; i++)
			nonzero |= rnd[i];
	check("helper_at_random", rnd && nonzero, "AT_RANDOM %p%s", (const void *)rnd,
	      rnd ? " holds 16 zero bytes" : "");

	const char *fn = (const char *)getauxval(AT_EXECFN);
	const char *want = "/tests/exec_helper";
	size_t fl = fn ? strlen(fn) : 0, wl = strlen(want);
	check("helper_at_execfn", fn && fl >= wl && strcmp(fn + fl - wl, want) == 0,
	      "AT_EXECFN %s", fn ? fn : "missing");

	check("helper_at_ids", has(AT_UID) && has(AT_EUID) && has(AT_GID) && has(AT_EGID) &&
	      getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid(),
	      "AT_UID %lu AT_EUID %lu, getuid %u geteuid %u", getauxval(AT_UID),
	      getauxval(AT_EUID), getuid(), geteuid());
	check("helper_at_secure", has(AT_SECURE) && getauxval(AT_SECURE) == 0,
	      "AT_SECURE missing or %lu", getauxval(AT_SECURE));
	check("helper_at_hwcap", has(AT_HWCAP), "AT_HWCAP missing");

	/* The new image starts clean: bss zero, the break at its end. */
	static volatile int bss[64];
	int dirty = 0;
	for (int i = 0; i < 64; i++)
		dirty |= bss[i];
	check("helper_bss_zero", !dirty, "bss not zero");
	return t_end();
}

// Core dumps (Linux's fs/coredump.c do_coredump and fs/binfmt_elf.c
// elf_core_dump; NetBSD's kern_core.c coredump): a process killed by a
// signal whose default action is "core" leaves an ELF core file of type
// ET_CORE (layouts: core/proc/core_elf.h) that gdb reads with the program:
// a PT_NOTE with, for the LWP that took the signal first, NT_PRSTATUS,
// NT_PRPSINFO, NT_SIGINFO, NT_AUXV and NT_PRFPREG, then NT_PRSTATUS and
// NT_PRFPREG for each other LWP; and a PT_LOAD per mapping, holding the
// memory of the readable ones (pages never touched are holes).
//
// As Linux: no dump under an RLIMIT_CORE below a page (its ELF
// min_coredump; the default soft limit is 0, core/proc/plimit.cpp), and
// the file stops where it would pass the limit (a core cut short still
// counts as written). The name comes from core_pattern (core/proc/
// core_pattern.h), relative to the dumping LWP's cwd; an old file of that
// name is replaced (Linux unlinks it), the new one is made 0600 and owned
// by the euid. Any failure just means no core file, and the exit goes on.
#pragma once

#include "core/proc/proc.h"
#include "core/proc/siginfo.h"

namespace tine {

// Called by exit1 for l, which took `info` (a default-action core signal),
// before anything of the process goes. When RLIMIT_CORE allows, l makes
// itself its process's only LWP (p_single; the others leave their
// registers on the way out, coredump_lwp_leaving) and writes the core.
// true (and p_coredumped set): a core file was written; the caller then
// finds l alone already. false: no core; l may still be alone, or
// another LWP is ending the process (proc_single_thread says which).
bool coredump(Lwp* l, const SigInfo& info);

// l, the calling LWP, leaves its process (lwp_exit_thread): when a core
// dump is being made, its registers and signal state go into it.
void coredump_lwp_leaving(Lwp* l);

}  // namespace tine

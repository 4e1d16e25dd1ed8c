// What a core dump reads of an address space (Linux's dump_vma_snapshot
// and get_dump_page): the mappings as they are, and their pages without
// making new ones, so that a large reservation never touched costs the
// dump nothing (it becomes a hole in the core file, which reads as zeros).
#pragma once

#include "core/lib/types.h"
#include "core/vm/vm_prot.h"

namespace tine {

class VmSpace;

struct VmDumpRegion {
  uptr start = 0, end = 0;  // page aligned
  Prot prot = Prot::None;   // Read, Write, Exec of the mapping
  bool file = false;        // maps a file (else anonymous memory)
};

// Fills out[0 .. max-1] with vs's mappings in address order and returns how
// many there are (more than max when out was too small).
size_t vm_dump_regions(VmSpace* vs, VmDumpRegion* out, size_t max);

// The page at va (page aligned) into buf (kPageSize bytes): true when it
// holds data, false for a page that reads as zeros and has no frame (an
// anonymous page never touched) or that cannot be read (unmapped, no
// Read right, a file page past the file's end, or no memory to bring it
// in). A file page not yet faulted in is faulted in as a read would.
bool vm_dump_page(VmSpace* vs, uptr va, void* buf);

}  // namespace tine

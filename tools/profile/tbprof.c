/* tbprof: a QEMU TCG plugin (QEMU 7.2 plugin API, version 1) that attributes
 * every executed guest instruction to a call stack and a translated block.
 *
 * Exact counts: each instruction bumps one counter inline (no helper call);
 * a callback at the start of every block charges what ran since the last
 * callback to the block before it. With -icount QEMU runs all vCPUs in one
 * thread, so "what ran since the last callback" is exactly that block, cut
 * short or not by a fault (a faulting instruction counts once: its inline
 * add ran before it trapped).
 *
 * Stacks: QEMU 7.2 gives a plugin no registers, so each vCPU keeps a shadow
 * stack from the instruction stream. A block ending in a call (jal/jalr with
 * rd = ra or t0) pushes its call site; one ending in a return (jalr x0 with
 * rs1 = ra or t0) pops to the frame whose return address is the next pc.
 * Entering a more privileged domain (user -> kernel -> firmware, by address)
 * pushes a trap frame; leaving it pops back. Firmware code (stripped) is
 * left flat. A return that matches nothing (longjmp, a signal handler's
 * return) empties the stack down to its domain's base. Stacks are interned in a trie, so a block's count is keyed
 * by (node, pc).
 *
 * Threads: the kernel's context switch stores the outgoing thread's context
 * and loads the incoming one's; memory callbacks on that routine give both
 * addresses, and each thread's whole stack (its user part too) is saved and
 * restored by its context's address. A thread that starts fresh begins with
 * the user part of the thread that created it (a fork child runs where its
 * parent was): the kernel's context_init stores the new context, and the
 * lowest address it stores to is that context's. Exec: when the kernel builds the new program's first user
 * frame, the user part of the stack goes; the first user block after it
 * roots the new program's stacks at an exec frame that names its entry.
 *
 * Arguments: out=FILE (required), trap=ADDR (the kernel's trap vector: an
 * entry from the kernel itself is a nested trap), fw=LO-HI (M-mode firmware
 * and ROM; repeatable), kphys=LO-HI (the kernel image at its physical
 * address, before paging), switch=LO-HI (the context switch routine),
 * start=ADDR (where a new thread starts), create=LO-HI (context_init),
 * exec=ADDR (exec's user frame setup), boot=1 (only kernel entry to init's
 * first user instruction; QEMU ends there). Output: text, read by tools/profile/tbprof_report.py. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

enum Domain { kUser = 0, kKernel = 1, kFirmware = 2 };
enum End { kEndOther = 0, kEndCall, kEndRet, kEndXret };
enum FrameKind { kCall = 0, kTrap = 1, kExec = 2, kExecPending = 3 };

/* One translated block, kept for the life of the run (a retranslation of the
 * same code finds its old record). */
struct Tb {
  uint64_t pc;
  uint64_t last_pc;  /* the last instruction's address */
  uint32_t n_insns;
  uint8_t last_size;
  uint8_t end;
  uint8_t domain;
};

/* A trie node: one stack frame on top of its parent's stack. */
struct Node {
  uint32_t parent;
  uint8_t kind;
  uint8_t domain;  /* the domain the site's code is in */
  uint8_t size;    /* the call instruction's size: return = site + size */
  uint64_t site;
};

#define MAX_DEPTH 1024
#define MAX_VCPUS 64

struct Vcpu {
  uint32_t stack[MAX_DEPTH]; /* node ids; depth 0 = the root node */
  int depth;
  int overflow;             /* pushes past MAX_DEPTH not recorded */
  const struct Tb *prev;
  int prev_completed;  /* prev ran to its end, not cut short by a fault */
  uint64_t switch_from, switch_to;  /* context addresses of a switch */
  int switch_stored, switch_loaded;
  uint64_t create_ctx;              /* lowest store of a context_init call */
  int create_armed;
};

/* A switched-out thread's stack, by its context's address. */
struct Saved { uint64_t ctx; int depth; uint32_t *frames; };

/* --- open-addressing hash maps ------------------------------------------ */

static uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

/* Counts, keyed by (node, pc). */
struct CountSlot { uint64_t pc; uint32_t node; uint32_t used; uint64_t n; };
static struct CountSlot *counts;
static size_t counts_cap, counts_len;

static struct CountSlot *count_slot(uint32_t node, uint64_t pc) {
  if (2 * (counts_len + 1) > counts_cap) {
    size_t old_cap = counts_cap;
    struct CountSlot *old = counts;
    counts_cap = old_cap ? old_cap * 2 : 1 << 16;
    counts = calloc(counts_cap, sizeof *counts);
    if (!counts) { fprintf(stderr, "tbprof: out of memory\n"); abort(); }
    for (size_t i = 0; i < old_cap; i++) {
      if (!old[i].used) continue;
      size_t j = mix(old[i].pc ^ ((uint64_t)old[i].node << 40)) & (counts_cap - 1);
      while (counts[j].used) j = (j + 1) & (counts_cap - 1);
      counts[j] = old[i];
    }
    free(old);
  }
  size_t j = mix(pc ^ ((uint64_t)node << 40)) & (counts_cap - 1);
  while (counts[j].used && (counts[j].pc != pc || counts[j].node != node))
    j = (j + 1) & (counts_cap - 1);
  if (!counts[j].used) {
    counts[j].used = 1;
    counts[j].pc = pc;
    counts[j].node = node;
    counts_len++;
  }
  return &counts[j];
}

/* Trie nodes and their (parent, kind, size, site) -> id index. */
static struct Node *nodes;
static size_t nodes_len, nodes_cap;
static uint32_t *node_index; /* 0 = empty, else id + 1 */
static size_t index_cap;

static uint64_t node_hash(uint32_t parent, uint8_t kind, uint8_t size, uint64_t site) {
  return mix(site ^ ((uint64_t)parent << 24) ^ ((uint64_t)kind << 62) ^ ((uint64_t)size << 56));
}

static void index_insert(uint32_t id) {
  const struct Node *n = &nodes[id];
  size_t j = node_hash(n->parent, n->kind, n->size, n->site) & (index_cap - 1);
  while (node_index[j]) j = (j + 1) & (index_cap - 1);
  node_index[j] = id + 1;
}

static uint32_t node_child(uint32_t parent, uint8_t kind, uint8_t domain, uint8_t size,
                           uint64_t site) {
  size_t j = node_hash(parent, kind, size, site) & (index_cap - 1);
  for (; node_index[j]; j = (j + 1) & (index_cap - 1)) {
    const struct Node *n = &nodes[node_index[j] - 1];
    if (n->parent == parent && n->kind == kind && n->size == size && n->site == site)
      return node_index[j] - 1;
  }
  if (nodes_len == nodes_cap) {
    nodes_cap *= 2;
    nodes = realloc(nodes, nodes_cap * sizeof *nodes);
    if (!nodes) { fprintf(stderr, "tbprof: out of memory\n"); abort(); }
  }
  uint32_t id = (uint32_t)nodes_len++;
  nodes[id] = (struct Node){parent, kind, domain, size, site};
  if (2 * nodes_len > index_cap) {
    free(node_index);
    index_cap *= 2;
    node_index = calloc(index_cap, sizeof *node_index);
    if (!node_index) { fprintf(stderr, "tbprof: out of memory\n"); abort(); }
    for (uint32_t i = 0; i < nodes_len; i++) index_insert(i);
  } else {
    node_index[j] = id + 1;
  }
  return id;
}

/* Translated blocks, keyed by (pc, n_insns, end): the same code translated
 * again (a flush, another hart) reuses its record. */
static struct Tb **tbs;
static size_t tbs_cap, tbs_len;

static struct Tb *tb_record(const struct Tb *t) {
  if (2 * (tbs_len + 1) > tbs_cap) {
    size_t old_cap = tbs_cap;
    struct Tb **old = tbs;
    tbs_cap = old_cap ? old_cap * 2 : 1 << 14;
    tbs = calloc(tbs_cap, sizeof *tbs);
    if (!tbs) { fprintf(stderr, "tbprof: out of memory\n"); abort(); }
    for (size_t i = 0; i < old_cap; i++) {
      if (!old[i]) continue;
      size_t j = mix(old[i]->pc ^ old[i]->last_pc) & (tbs_cap - 1);
      while (tbs[j]) j = (j + 1) & (tbs_cap - 1);
      tbs[j] = old[i];
    }
    free(old);
  }
  size_t j = mix(t->pc ^ t->last_pc) & (tbs_cap - 1);
  for (; tbs[j]; j = (j + 1) & (tbs_cap - 1))
    if (memcmp(tbs[j], t, sizeof *t) == 0) return tbs[j];
  struct Tb *copy = malloc(sizeof *copy);
  if (!copy) { fprintf(stderr, "tbprof: out of memory\n"); abort(); }
  memcpy(copy, t, sizeof *copy);  /* padding too: records are compared whole */
  tbs[j] = copy;
  tbs_len++;
  return copy;
}

static struct Saved *saved;
static size_t saved_cap, saved_len;

static struct Saved *saved_slot(uint64_t ctx) {
  if (2 * (saved_len + 1) > saved_cap) {
    size_t old_cap = saved_cap;
    struct Saved *old = saved;
    saved_cap = old_cap ? old_cap * 2 : 256;
    saved = calloc(saved_cap, sizeof *saved);
    if (!saved) { fprintf(stderr, "tbprof: out of memory\n"); abort(); }
    for (size_t i = 0; i < old_cap; i++) {
      if (!old[i].ctx) continue;
      size_t j = mix(old[i].ctx) & (saved_cap - 1);
      while (saved[j].ctx) j = (j + 1) & (saved_cap - 1);
      saved[j] = old[i];
    }
    free(old);
  }
  size_t j = mix(ctx) & (saved_cap - 1);
  while (saved[j].ctx && saved[j].ctx != ctx) j = (j + 1) & (saved_cap - 1);
  if (!saved[j].ctx) {
    saved[j].ctx = ctx;
    saved_len++;
  }
  return &saved[j];
}

/* --- state --------------------------------------------------------------- */

static char *out_path;
static uint64_t trap_vector;
#define MAX_FW 4
static uint64_t fw_lo[MAX_FW], fw_hi[MAX_FW], kphys_lo, kphys_hi;
static int n_fw;
static uint64_t switch_lo, switch_hi, start_pc, exec_pc, create_lo, create_hi;

enum MemWatch { kSwitchFirst = 1, kSwitchOther, kCreate };

static uint64_t executed;        /* bumped inline by every instruction */
static uint64_t charged;         /* executed when the pending block was charged */
static uint32_t pending_node;
static uint64_t pending_pc;
static int pending_valid;
static uint64_t unmatched_returns, overflow_pushes;
static struct Vcpu *last_vcpu;  /* whose block ran last */

static struct Vcpu vcpus[MAX_VCPUS];

/* boot=1: count from the kernel's first instruction to init's first user
 * instruction, then write the profile and end QEMU (scripts/profile --boot).
 * 0: the firmware has not entered the kernel yet; 1: booting. */
static int boot_mode, boot_phase;
static uint64_t boot_base;  /* executed when the kernel was entered */
static void write_profile(void);

static uint8_t domain_of(uint64_t pc) {
  if (pc >= 0xffffffc000000000ULL) return kKernel;
  if (pc >= kphys_lo && pc < kphys_hi) return kKernel;
  for (int i = 0; i < n_fw; i++)
    if (pc >= fw_lo[i] && pc < fw_hi[i]) return kFirmware;
  return kUser;
}

/* What the last instruction of a block does to the call stack. */
static uint8_t classify(const uint8_t *p, size_t size) {
  if (size == 2) {
    uint16_t c = (uint16_t)(p[0] | p[1] << 8);
    unsigned rs1 = (c >> 7) & 0x1f;
    if ((c & 0xf07f) == 0x8002 && rs1 != 0)  /* c.jr rs1 */
      return (rs1 == 1 || rs1 == 5) ? kEndRet : kEndOther;
    if ((c & 0xf07f) == 0x9002 && rs1 != 0)  /* c.jalr rs1: links ra */
      return kEndCall;
    return kEndOther;
  }
  if (size != 4) return kEndOther;
  uint32_t i = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  unsigned op = i & 0x7f, rd = (i >> 7) & 0x1f, rs1 = (i >> 15) & 0x1f;
  if (i == 0x10200073 || i == 0x30200073) return kEndXret;  /* sret, mret */
  if (op == 0x6f || op == 0x67) {  /* jal, jalr */
    if (rd == 1 || rd == 5) return kEndCall;
    if (op == 0x67 && rd == 0 && (rs1 == 1 || rs1 == 5)) return kEndRet;
  }
  return kEndOther;
}

static void push(struct Vcpu *v, uint8_t kind, uint8_t domain, uint8_t size, uint64_t site) {
  if (v->depth + 1 >= MAX_DEPTH) {
    v->overflow++;
    overflow_pushes++;
    return;
  }
  uint32_t top = v->stack[v->depth];
  v->stack[++v->depth] = node_child(top, kind, domain, size, site);
}

/* Pops to the call frame whose return address is pc, within the current
 * domain's frames; if there is none, drops them all. */
static void pop_return(struct Vcpu *v, uint64_t pc, uint8_t domain) {
  if (v->overflow > 0) {
    v->overflow--;
    return;
  }
  int d = v->depth;
  for (; d > 0; d--) {
    const struct Node *n = &nodes[v->stack[d]];
    if (n->kind != kCall || n->domain != domain) break;
    if (n->site + n->size == pc) {
      v->depth = d - 1;
      return;
    }
  }
  unmatched_returns++;
  v->depth = d;
}

/* Leaves a trap: drops the frames of the domain left, and the trap frame
 * that entered it. Returns whether that trap came right after a return
 * (a trap frame of size 1), which the caller then finishes. */
static int pop_trap(struct Vcpu *v, uint8_t to_domain) {
  v->overflow = 0;
  while (v->depth > 0) {
    const struct Node *n = &nodes[v->stack[v->depth]];
    if (n->domain == to_domain) {
      if (n->kind == kTrap || n->kind == kExecPending) v->depth--;
      return n->kind == kTrap && n->size == 1;
    }
    v->depth--;
  }
  return 0;
}

/* sret within the kernel (back from a nested trap): pops to and including
 * the kernel's last trap frame. */
static int pop_nested_trap(struct Vcpu *v, uint8_t domain) {
  v->overflow = 0;
  for (int d = v->depth; d > 0; d--) {
    const struct Node *n = &nodes[v->stack[d]];
    if (n->domain != domain) return 0;
    if (n->kind == kTrap) {
      v->depth = d - 1;
      return n->size == 1;
    }
  }
  return 0;
}

/* Rebuilds the stack from frame `from` up on top of `base` (a new trie path:
 * the frames are the same, their parents are not). */
static void rebase(struct Vcpu *v, uint32_t base, int from) {
  uint32_t top = base;
  int d = 0;
  uint32_t frames[MAX_DEPTH];
  for (int i = from; i <= v->depth; i++) frames[d++] = v->stack[i];
  v->depth = 0;
  if (base != 0) v->stack[++v->depth] = base;
  for (int i = 0; i < d; i++) {
    const struct Node *n = &nodes[frames[i]];
    top = node_child(top, n->kind, n->domain, n->size, n->site);
    v->stack[++v->depth] = top;
  }
}

/* exec committed: the old program's user frames (and the trap frame that
 * left it) go; the kernel frames stay, on an exec-pending mark that the
 * return to user mode turns into the new program's exec frame. */
static void exec_commit(struct Vcpu *v) {
  int d = 1;
  while (d <= v->depth && nodes[v->stack[d]].domain == kUser) d++;
  uint32_t mark = node_child(0, kExecPending, kUser, 0, 0);
  rebase(v, mark, d);
}

/* The context switch returned into another thread: save this one's stack,
 * take that one's. */
static void switch_threads(struct Vcpu *v, const struct Tb *tb) {
  struct Saved *out = saved_slot(v->switch_from);
  free(out->frames);
  out->depth = v->depth;
  out->frames = malloc((size_t)(v->depth + 1) * sizeof *out->frames);
  if (!out->frames) { fprintf(stderr, "tbprof: out of memory\n"); abort(); }
  memcpy(out->frames, v->stack, (size_t)(v->depth + 1) * sizeof *out->frames);
  v->overflow = 0;
  if (tb->pc == start_pc && !create_lo) {
    /* A new thread, its creation not watched: the outgoing thread's user
     * part is the best guess. */
    int d = 1;
    while (d <= v->depth && nodes[v->stack[d]].domain == kUser) d++;
    v->depth = d - 1;
    return;
  }
  struct Saved *in = saved_slot(v->switch_to);
  if (in->frames) {
    memcpy(v->stack, in->frames, (size_t)(in->depth + 1) * sizeof *in->frames);
    v->depth = in->depth;
  } else {
    v->depth = 0;
  }
}

/* context_init returned: the new thread will start with its creator's user
 * part. */
static void thread_created(struct Vcpu *v) {
  struct Saved *t = saved_slot(v->create_ctx);
  int d = 1;
  while (d <= v->depth && nodes[v->stack[d]].domain == kUser) d++;
  free(t->frames);
  t->depth = d - 1;
  t->frames = malloc((size_t)d * sizeof *t->frames);
  if (!t->frames) { fprintf(stderr, "tbprof: out of memory\n"); abort(); }
  memcpy(t->frames, v->stack, (size_t)d * sizeof *t->frames);
}

static void vcpu_mem(unsigned int vcpu_index, qemu_plugin_meminfo_t info, uint64_t vaddr,
                     void *udata) {
  struct Vcpu *v = &vcpus[vcpu_index % MAX_VCPUS];
  uintptr_t watch = (uintptr_t)udata;
  if (watch == kCreate) {
    if (v->create_armed && qemu_plugin_mem_is_store(info) && vaddr < v->create_ctx)
      v->create_ctx = vaddr;
  } else if (watch == kSwitchFirst && qemu_plugin_mem_is_store(info)) {  /* ra to from */
    v->switch_from = vaddr;
    v->switch_stored = 1;
    v->switch_loaded = 0;
  } else if (!qemu_plugin_mem_is_store(info) && v->switch_stored && !v->switch_loaded) {
    v->switch_to = vaddr;  /* the first load: ra from to */
    v->switch_loaded = 1;
  }
}

static void charge_pending(void) {
  if (pending_valid) count_slot(pending_node, pending_pc)->n += executed - charged;
  charged = executed;
}

static void vcpu_tb_exec(unsigned int vcpu_index, void *udata) {
  const struct Tb *tb = udata;
  if (boot_mode) {
    if (boot_phase == 0) {
      /* The firmware before the kernel is not the boot's: not counted. */
      if (tb->domain != kKernel) {
        charged = executed;
        return;
      }
      boot_phase = 1;
      boot_base = charged = executed;
    } else if (tb->domain == kUser) {
      /* init's first user block: the boot ended at the block before it. */
      charge_pending();
      write_profile();
      exit(0);
    }
  }
  /* What ran since the last callback is the last block, whole or up to a
   * faulting instruction (counted: its inline add ran before it). */
  if (last_vcpu && last_vcpu->prev)
    last_vcpu->prev_completed = executed - charged >= last_vcpu->prev->n_insns;
  charge_pending();
  struct Vcpu *v = &vcpus[vcpu_index % MAX_VCPUS];
  last_vcpu = v;
  const struct Tb *prev = v->prev;
  if (prev && prev->end == kEndRet && v->create_armed && prev->pc >= create_lo &&
      prev->pc < create_hi) {
    thread_created(v);
    v->create_armed = 0;
  }
  if (tb->pc == create_lo && create_lo) {
    v->create_armed = 1;
    v->create_ctx = UINT64_MAX;
  }
  if (prev && prev->end == kEndRet && prev->pc >= switch_lo && prev->pc < switch_hi &&
      v->switch_loaded) {
    switch_threads(v, tb);
    v->switch_stored = v->switch_loaded = 0;
  } else if (prev) {
    int nested = tb->pc == trap_vector && tb->domain == kKernel && prev->domain == kKernel;
    if (tb->domain > prev->domain || nested) {
      /* A block that ran to its end before the trap (an interrupt, a fault
       * on the next block's page) made its call; its return is finished
       * when the trap returns, to the return's target: the trap frame's
       * size says so. A block cut short by a fault did neither. */
      int done = v->prev_completed;
      if (done && prev->end == kEndCall)
        push(v, kCall, prev->domain, prev->last_size, prev->last_pc);
      push(v, kTrap, prev->domain, done && prev->end == kEndRet, prev->last_pc);
    } else if (tb->domain < prev->domain) {
      int pending = v->depth > 0 && nodes[v->stack[1]].kind == kExecPending;
      if (pop_trap(v, tb->domain)) pop_return(v, tb->pc, tb->domain);
      if (pending && tb->domain == kUser) {  /* the new program's first block */
        v->depth = 1;
        v->stack[1] = node_child(0, kExec, kUser, 0, tb->pc);
      }
    } else if (tb->domain == kFirmware) {
      /* The firmware is a stripped blob: one flat frame. */
    } else if (prev->end == kEndCall) {
      push(v, kCall, prev->domain, prev->last_size, prev->last_pc);
    } else if (prev->end == kEndRet) {
      pop_return(v, tb->pc, tb->domain);
    } else if (prev->end == kEndXret) {
      if (pop_nested_trap(v, tb->domain)) pop_return(v, tb->pc, tb->domain);
    }
  }
  if (tb->pc == exec_pc && exec_pc) exec_commit(v);
  v->prev = tb;
  pending_node = v->stack[v->depth];
  pending_pc = tb->pc;
  pending_valid = 1;
}

static void vcpu_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  size_t n = qemu_plugin_tb_n_insns(tb);
  if (n == 0) return;
  struct qemu_plugin_insn *last = qemu_plugin_tb_get_insn(tb, n - 1);
  struct Tb t;
  memset(&t, 0, sizeof t);  /* records are compared with memcmp */
  t.pc = qemu_plugin_tb_vaddr(tb);
  t.last_pc = qemu_plugin_insn_vaddr(last);
  t.n_insns = (uint32_t)n;
  t.last_size = (uint8_t)qemu_plugin_insn_size(last);
  t.end = classify(qemu_plugin_insn_data(last), t.last_size);
  t.domain = domain_of(t.pc);
  struct Tb *rec = tb_record(&t);
  qemu_plugin_register_vcpu_tb_exec_cb(tb, vcpu_tb_exec, QEMU_PLUGIN_CB_NO_REGS, rec);
  for (size_t i = 0; i < n; i++) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &executed, 1);
    uint64_t pc = qemu_plugin_insn_vaddr(insn);
    uintptr_t watch = 0;
    if (pc >= switch_lo && pc < switch_hi) watch = pc == switch_lo ? kSwitchFirst : kSwitchOther;
    if (pc >= create_lo && pc < create_hi) watch = kCreate;
    if (watch)
      qemu_plugin_register_vcpu_mem_cb(insn, vcpu_mem, QEMU_PLUGIN_CB_NO_REGS,
                                       QEMU_PLUGIN_MEM_RW, (void *)watch);
  }
}

static void plugin_exit(qemu_plugin_id_t id, void *p) {
  (void)id;
  (void)p;
  charge_pending();
  write_profile();
}

static void write_profile(void) {
  static int written;
  if (written) return;
  written = 1;
  FILE *f = fopen(out_path, "w");
  if (!f) {
    fprintf(stderr, "tbprof: cannot write %s\n", out_path);
    return;
  }
  fprintf(f, "tbprof 1\n");
  fprintf(f, "total %" PRIu64 "\n", executed - boot_base);
  fprintf(f, "unmatched_returns %" PRIu64 "\n", unmatched_returns);
  fprintf(f, "overflow_pushes %" PRIu64 "\n", overflow_pushes);
  /* node ID PARENT KIND DOMAIN SITE (hex); kind c call, t trap, e exec
   * (SITE: the new program's entry), p exec pending */
  for (size_t i = 1; i < nodes_len; i++)
    fprintf(f, "node %zu %u %c %u %" PRIx64 "\n", i, nodes[i].parent,
            "ctep"[nodes[i].kind], nodes[i].domain, nodes[i].site);
  /* count NODE PC (hex) N */
  for (size_t i = 0; i < counts_cap; i++)
    if (counts[i].used && counts[i].n)
      fprintf(f, "count %u %" PRIx64 " %" PRIu64 "\n", counts[i].node, counts[i].pc, counts[i].n);
  fclose(f);
}

static int parse_range(const char *s, uint64_t *lo, uint64_t *hi) {
  char *end;
  *lo = strtoull(s, &end, 0);
  if (*end != '-') return -1;
  *hi = strtoull(end + 1, &end, 0);
  return *end ? -1 : 0;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv) {
  (void)info;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "out=", 4) == 0) {
      out_path = strdup(a + 4);
    } else if (strncmp(a, "trap=", 5) == 0) {
      trap_vector = strtoull(a + 5, NULL, 0);
    } else if (strncmp(a, "fw=", 3) == 0) {
      if (n_fw == MAX_FW || parse_range(a + 3, &fw_lo[n_fw], &fw_hi[n_fw])) goto bad;
      n_fw++;
    } else if (strncmp(a, "switch=", 7) == 0) {
      if (parse_range(a + 7, &switch_lo, &switch_hi)) goto bad;
    } else if (strncmp(a, "create=", 7) == 0) {
      if (parse_range(a + 7, &create_lo, &create_hi)) goto bad;
    } else if (strncmp(a, "start=", 6) == 0) {
      start_pc = strtoull(a + 6, NULL, 0);
    } else if (strncmp(a, "exec=", 5) == 0) {
      exec_pc = strtoull(a + 5, NULL, 0);
    } else if (strcmp(a, "boot=1") == 0) {
      boot_mode = 1;
    } else if (strncmp(a, "kphys=", 6) == 0) {
      if (parse_range(a + 6, &kphys_lo, &kphys_hi)) goto bad;
    } else {
    bad:
      fprintf(stderr, "tbprof: bad argument %s\n", a);
      return -1;
    }
  }
  if (!out_path) {
    fprintf(stderr, "tbprof: out=FILE is required\n");
    return -1;
  }
  nodes_cap = 1 << 14;
  nodes = calloc(nodes_cap, sizeof *nodes);
  index_cap = 1 << 15;
  node_index = calloc(index_cap, sizeof *node_index);
  if (!nodes || !node_index) return -1;
  nodes_len = 1;  /* node 0: the empty stack */
  qemu_plugin_register_vcpu_tb_trans_cb(id, vcpu_tb_trans);
  qemu_plugin_register_atexit_cb(id, plugin_exit, NULL);
  return 0;
}

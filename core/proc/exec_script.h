// Scripts: a program file that starts with "#!" names its interpreter on
// that first line, and exec runs the interpreter instead, with the script's
// path as an argument (Linux's fs/binfmt_script.c; NetBSD's exec_script.c
// does the same). Only the line's parsing lives here; exec.cpp splices
// the arguments and looks the interpreter up.
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

// Linux reads the line from the first BINPRM_BUF_SIZE bytes only.
inline constexpr size_t kScriptBufSize = 256;
// An interpreter may be a script too: exec follows at most this many
// (Linux's exec_binprm gives up with ELOOP past depth 5).
inline constexpr unsigned kScriptMaxDepth = 5;

// Whether the file's first bytes make it a script.
bool script_is(const u8* head, size_t avail);

// The first line, parsed. name and arg point into buf (NUL-terminated).
struct ScriptLine {
  char buf[kScriptBufSize + 1];  // the first bytes, NUL-padded
  const char* name;
  const char* arg;  // the optional argument, or null
};

// Parses a script's first line, as Linux's load_script: the interpreter
// name after "#!" and any blanks (spaces, tabs), then an optional argument,
// which is the rest of the line with its outer blanks trimmed (inner ones
// kept: one argument). A line longer than the buffer keeps its name if a
// blank or NUL ends it inside the buffer (the argument is cut); otherwise
// the name may be cut, and that is Error::NoExec, as is a line with no name.
// A line that ends at a NUL (a short file's end) names "".
Result<void> script_parse(const u8* head, size_t avail, ScriptLine& out);

}  // namespace tine

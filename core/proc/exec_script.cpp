#include "core/proc/exec_script.h"

#include "core/lib/string.h"

namespace tine {

namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

// The first character in [first, last] that is not a blank, or null.
char* skip_blanks(char* first, char* last) {
  for (; first <= last; first++)
    if (!blank(*first)) return first;
  return nullptr;
}

// The first blank or NUL in [first, last], or null.
char* find_end_of_word(char* first, char* last) {
  for (; first <= last; first++)
    if (blank(*first) || *first == '\0') return first;
  return nullptr;
}

}  // namespace

bool script_is(const u8* head, size_t avail) {
  return avail >= 2 && head[0] == '#' && head[1] == '!';
}

Result<void> script_parse(const u8* head, size_t avail, ScriptLine& out) {
  if (!script_is(head, avail)) return Error::NoExec;
  const size_t n = min(avail, kScriptBufSize);
  memset(out.buf, 0, sizeof out.buf);
  memcpy(out.buf, head, n);
  char* const buf = out.buf;
  char* const last = buf + kScriptBufSize - 1;  // the buffer's last byte

  // The line ends at a newline; the search stops at a NUL as Linux's
  // strnchr does (the padding of a short file).
  char* end = nullptr;
  for (char* c = buf; c <= last && *c; c++) {
    if (*c == '\n') {
      end = c;
      break;
    }
  }
  if (!end) {
    // No newline in the buffer: the name must end inside it, or it may
    // have been cut. The argument may be cut, at the buffer's last byte.
    char* name = skip_blanks(buf + 2, last);
    if (!name || !find_end_of_word(name, last)) return Error::NoExec;
    end = last;
  }
  while (blank(end[-1])) end--;  // stops at the '!' at the latest
  char* name = skip_blanks(buf + 2, end);
  if (!name || name == end) return Error::NoExec;
  char* sep = find_end_of_word(name, end);
  char* arg = nullptr;
  if (sep && *sep != '\0') arg = skip_blanks(sep, end);
  *end = '\0';
  if (arg) *sep = '\0';
  out.name = name;
  out.arg = arg;
  return ok();
}

}  // namespace tine

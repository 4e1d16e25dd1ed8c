#include "core/lib/format.h"

namespace tine {

namespace {

struct Sink {
  char* buf;
  size_t size;
  size_t len = 0;
  void put(char c) {
    if (len + 1 < size) buf[len] = c;
    len++;
  }
};

struct Spec {
  bool left = false;
  bool zero = false;
  bool alt = false;
  int width = 0;
};

void emit_padded(Sink& out, const Spec& spec, const char* prefix,
                 const char* body, size_t body_len) {
  size_t prefix_len = 0;
  while (prefix[prefix_len]) prefix_len++;
  size_t total = prefix_len + body_len;
  size_t pad = spec.width > 0 && size_t(spec.width) > total
                   ? size_t(spec.width) - total : 0;
  if (!spec.left && !spec.zero)
    for (size_t i = 0; i < pad; i++) out.put(' ');
  for (size_t i = 0; i < prefix_len; i++) out.put(prefix[i]);
  if (!spec.left && spec.zero)
    for (size_t i = 0; i < pad; i++) out.put('0');
  for (size_t i = 0; i < body_len; i++) out.put(body[i]);
  if (spec.left)
    for (size_t i = 0; i < pad; i++) out.put(' ');
}

void emit_number(Sink& out, const Spec& spec, u64 value, bool negative,
                 unsigned base, bool upper) {
  char digits[24];
  size_t n = 0;
  const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    digits[n++] = set[value % base];
    value /= base;
  } while (value != 0);
  char body[24];
  for (size_t i = 0; i < n; i++) body[i] = digits[n - 1 - i];
  const char* prefix = negative ? "-" : (spec.alt && base == 16 ? "0x" : "");
  emit_padded(out, spec, prefix, body, n);
}

}  // namespace

size_t format(char* buf, size_t size, const char* fmt, va_list ap) {
  Sink out{buf, size};
  for (const char* p = fmt; *p; p++) {
    if (*p != '%') {
      out.put(*p);
      continue;
    }
    p++;
    Spec spec;
    for (;; p++) {
      if (*p == '-') spec.left = true;
      else if (*p == '0') spec.zero = true;
      else if (*p == '#') spec.alt = true;
      else break;
    }
    if (*p == '*') {
      spec.width = va_arg(ap, int);
      p++;
    } else {
      while (*p >= '0' && *p <= '9') spec.width = spec.width * 10 + (*p++ - '0');
    }
    int longs = 0;
    while (*p == 'l' || *p == 'z') {
      longs++;
      p++;
    }
    switch (*p) {
      case 'd':
      case 'i': {
        i64 v = longs ? va_arg(ap, long) : va_arg(ap, int);
        bool neg = v < 0;
        emit_number(out, spec, neg ? u64(0) - u64(v) : u64(v), neg, 10, false);
        break;
      }
      case 'u':
      case 'x':
      case 'X': {
        u64 v = longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
        emit_number(out, spec, v, false, *p == 'u' ? 10 : 16, *p == 'X');
        break;
      }
      case 'p': {
        spec.alt = true;
        emit_number(out, spec, reinterpret_cast<uptr>(va_arg(ap, void*)),
                    false, 16, false);
        break;
      }
      case 's': {
        const char* s = va_arg(ap, const char*);
        if (!s) s = "(null)";
        size_t n = 0;
        while (s[n]) n++;
        spec.zero = false;
        emit_padded(out, spec, "", s, n);
        break;
      }
      case 'c': {
        char c = static_cast<char>(va_arg(ap, int));
        emit_padded(out, spec, "", &c, 1);
        break;
      }
      case '%':
        out.put('%');
        break;
      case '\0':
        p--;
        break;
      default:
        out.put('%');
        out.put(*p);
        break;
    }
  }
  if (size > 0) buf[out.len < size ? out.len : size - 1] = '\0';
  return out.len;
}

size_t format(char* buf, size_t size, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t n = format(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

}  // namespace tine

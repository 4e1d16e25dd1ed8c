// Placement new and std::nothrow for kernel code. The kernel is built for
// lp64 without libstdc++'s hosted headers, so it declares these itself; the
// host tests take them from <new>.
#pragma once

#include <stddef.h>

#if defined(TINE_HOST)
#include <new>
#else
namespace std {
struct nothrow_t {
  explicit nothrow_t() = default;
};
extern const nothrow_t nothrow;
enum class align_val_t : size_t {};
}  // namespace std

inline void* operator new(size_t, void* p) noexcept { return p; }
inline void* operator new[](size_t, void* p) noexcept { return p; }
void* operator new(size_t n, const std::nothrow_t&) noexcept;
void* operator new[](size_t n, const std::nothrow_t&) noexcept;
#endif

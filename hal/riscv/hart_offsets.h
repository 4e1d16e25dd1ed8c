// Offsets into HartLocal (hart.h) for trap.S and hal_inline.h, which reach
// it through tp; hart.h static_asserts each against offsetof.
#pragma once

#define HART_USER_SP 0
#define HART_KERNEL_SP 8
#define HART_FAULT_RECOVER 16
#define HART_CURRENT_THREAD 24
#define HART_INDEX 32
#define HART_PREEMPT_OFF 44

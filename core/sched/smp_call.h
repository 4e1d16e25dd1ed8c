// Run a function on every online hart and wait until all have run it.
#pragma once

namespace tine {

// Runs fn(arg) on each online cpu (the caller's included, directly), each
// remote one from its IPI handler with interrupts off. Serialised: one
// smp_call_all at a time. The caller must have interrupts enabled only if
// it may be interrupted; it spins until every target is done.
void smp_call_all(void (*fn)(void*), void* arg);

}  // namespace tine

#if canImport(Glibc)
import Glibc
#endif

/// Lowers the calling thread's priority (nice 10), for work that must not take a core from the threads
/// that send requests: with two cores, rendering the plan and preparing the history beside an apply's first
/// requests delayed them by milliseconds. Only ever lowers, which needs no privilege; call it on a thread
/// of one's own, never on a shared pool's.
func lowerThisThreadsPriority() {
    #if os(Linux)
    // On Linux the nice value belongs to the thread, and 0 names the calling one.
    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
    #endif
}

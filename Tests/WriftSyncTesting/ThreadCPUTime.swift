#if canImport(Glibc)
import Glibc
#endif

/// The CPU time the calling thread spends in `body`, with its result: for tests bounding how much work a
/// synchronous, single-threaded computation does (a hostile input must not take minutes). Unlike the wall
/// clock it does not count the time the thread waited for a core, which in a full test run on two cores can
/// be most of it.
public func threadCPUTime<T>(_ body: () throws -> T) rethrows -> (result: T, time: Duration) {
    let start = currentThreadCPUTime()
    let result = try body()
    return (result, currentThreadCPUTime() - start)
}

private func currentThreadCPUTime() -> Duration {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
}

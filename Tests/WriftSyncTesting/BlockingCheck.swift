import Testing

/// Whether the calling code runs on the cooperative pool: in a task that prefers no executor of its own.
/// Code on a thread of its own (``onOwnThread(_:)``, ``OwnThreadExecutor``) is not.
public var isOnCooperativePool: Bool {
    withUnsafeCurrentTask { task in task.map { $0.unownedTaskExecutor == nil } ?? false }
}

/// Records an issue when a blocking helper (a subprocess run to its end) is called on the cooperative pool.
/// The pool has one thread per core (two here): a few tests blocking it for a subprocess each stall every
/// other test's tasks, and the ones bounded by a real clock (a client's timeout) fail far from the cause.
func expectOffCooperativePool(_ what: @autoclosure () -> String) {
    guard isOnCooperativePool else { return }
    Issue.record("\(what()) blocks a thread of the cooperative pool: mark the suite `.onOwnThreads` or call it through `onOwnThread`")
}

import Foundation
import Synchronization

/// The controller's own recent history: the last reconciles of this process that applied, failed, were
/// refused or found drift, in memory and bounded. The status page reads it until a durable history is
/// given; it is lost at restart. A failure repeated at every retry is one entry with a count, so a long
/// outage does not push everything else out.
public final class RecentReconciles: HistoryReading {
    /// The most entries kept.
    public let capacity: Int
    private let entries: Mutex<[HistoryEntry]>

    /// An empty history keeping at most `capacity` entries.
    public init(capacity: Int = 200) {
        self.capacity = max(1, capacity)
        entries = Mutex([])
    }

    /// Adds an entry: an `up_to_date` entry of the commit of the newest entry, and the same failure (or
    /// detected drift) at the same commit as the newest entry, add nothing but a count and a time.
    public func append(_ entry: HistoryEntry) {
        entries.withLock { entries in
            if var newest = entries.last, newest.commit == entry.commit {
                if entry.kind == .upToDate { return }
                let repeatable: Set<HistoryEntry.Kind> = [.failed, .refused, .driftDetected]
                if newest.kind == entry.kind, repeatable.contains(entry.kind), newest.message == entry.message, newest.changes == entry.changes {
                    newest.repeated += 1
                    newest.time = entry.time
                    newest.durationSeconds = entry.durationSeconds
                    entries[entries.count - 1] = newest
                    return
                }
            }
            entries.append(entry)
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        }
    }

    /// See ``HistoryReading``.
    public func records(model: String?, limit: Int) -> [HistoryEntry] {
        entries.withLock { entries in
            let matching = entries.reversed().lazy.filter { entry in model.map(entry.concerns) ?? true }
            return Array(matching.prefix(max(0, limit)))
        }
    }
}

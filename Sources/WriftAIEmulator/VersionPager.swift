import WriftAIModels

/// Cuts a model's versions into newest-first pages with bidirectional cursors.
public enum VersionPager {
    /// One page of versions with the cursors around it.
    public struct Result: Sendable, Equatable {
        /// The page's versions, newest first.
        public var items: [VersionRecord]
        /// The cursor of the next (older) page, `nil` if nothing is older.
        public var nextCursor: VersionCursor?
        /// The cursor of the previous (newer) page, `nil` if nothing is newer.
        public var previousCursor: VersionCursor?
    }

    /// The page of `versions` (ascending numbers) that `cursor` points at; no cursor means the newest page.
    public static func page(of versions: [VersionRecord], cursor: VersionCursor?, pageSize: Int) -> Result {
        let newestFirst = versions.reversed()
        let items: [VersionRecord]
        switch cursor {
        case nil:
            items = Array(newestFirst.prefix(pageSize))
        case let cursor? where cursor.direction == .older:
            items = Array(newestFirst.lazy.filter { $0.number < cursor.boundary }.prefix(pageSize))
        case let cursor?:
            // The newer page is the run just above the boundary, still listed newest first.
            let above = versions.lazy.filter { $0.number > cursor.boundary }.prefix(pageSize)
            items = Array(above.reversed())
        }

        // Boundaries of the page; an empty page keeps the position its cursor named.
        let highest: Int
        let lowest: Int
        if let first = items.first, let last = items.last {
            highest = first.number
            lowest = last.number
        } else if let cursor {
            switch cursor.direction {
            case .older:
                highest = cursor.boundary - 1
                lowest = cursor.boundary
            case .newer:
                highest = cursor.boundary
                lowest = cursor.boundary + 1
            }
        } else {
            return Result(items: [], nextCursor: nil, previousCursor: nil)
        }

        let hasOlder = versions.contains { $0.number < lowest }
        let hasNewer = versions.contains { $0.number > highest }
        return Result(
            items: items,
            nextCursor: hasOlder ? VersionCursor(direction: .older, boundary: lowest) : nil,
            previousCursor: hasNewer ? VersionCursor(direction: .newer, boundary: highest) : nil
        )
    }
}

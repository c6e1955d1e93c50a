import WriftAIModels

/// Every version of a model, newest first, as an `AsyncSequence` that fetches one page at a time.
///
/// It ends after the page without a `next_cursor` (or with an empty one). A cursor the server already
/// gave, or more pages than the configured maximum, ends it with ``WriftAIError/pagination(_:reason:)``
/// instead: a listing that cannot be trusted to be complete must not look complete.
public struct VersionListing: AsyncSequence, Sendable {
    /// Each element is one version.
    public typealias Element = ModelVersion
    /// Iteration fails with the error of the page that could not be fetched.
    public typealias Failure = WriftAIError

    typealias FetchPage = @Sendable (_ cursor: String?) async throws(WriftAIError) -> Page<ModelVersion>

    /// The model being listed.
    public let model: ModelID
    let maxPages: Int
    let path: String
    let fetch: FetchPage

    init(model: ModelID, maxPages: Int, path: String, fetch: @escaping FetchPage) {
        self.model = model
        self.maxPages = maxPages
        self.path = path
        self.fetch = fetch
    }

    /// Creates an iterator that starts from the first page.
    public func makeAsyncIterator() -> Iterator {
        Iterator(listing: self)
    }

    /// Collects every version into an array.
    public func collect() async throws(WriftAIError) -> [ModelVersion] {
        var versions: [ModelVersion] = []
        var iterator = makeAsyncIterator()
        while let version = try await iterator.next() {
            versions.append(version)
        }
        return versions
    }

    /// Walks the pages.
    public struct Iterator: AsyncIteratorProtocol, Sendable {
        private let listing: VersionListing
        private var buffer: [ModelVersion] = []
        private var position = 0
        private var nextCursor: String?
        private var seenCursors: Set<String> = []
        private var pagesFetched = 0
        private var finished = false

        init(listing: VersionListing) {
            self.listing = listing
        }

        /// The next version, fetching the next page when the current one is used up.
        public mutating func next() async throws(WriftAIError) -> ModelVersion? {
            while position >= buffer.count {
                guard !finished else { return nil }
                try await fetchNextPage()
            }
            defer { position += 1 }
            return buffer[position]
        }

        /// The next version, for callers on an actor.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(WriftAIError) -> ModelVersion? {
            try await next()
        }

        private mutating func fetchNextPage() async throws(WriftAIError) {
            guard pagesFetched < listing.maxPages else {
                finished = true
                throw .pagination(
                    WriftAIError.Context(method: "GET", path: listing.path),
                    reason: "stopped after \(listing.maxPages) pages, the most a listing may take"
                )
            }
            let cursor = nextCursor
            let page = try await listing.fetch(cursor)
            pagesFetched += 1
            buffer = page.items
            position = 0
            guard let next = page.nextCursor, !next.isEmpty else {
                finished = true
                return
            }
            if let cursor { seenCursors.insert(cursor) }
            guard !seenCursors.contains(next) else {
                finished = true
                buffer = []
                throw .pagination(
                    WriftAIError.Context(method: "GET", path: listing.path),
                    reason: "the server returned the cursor '\(next)' a second time; the listing would never end"
                )
            }
            nextCursor = next
        }
    }
}

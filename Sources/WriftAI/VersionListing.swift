import WriftAIModels

/// Every version of a model, newest first, as an `AsyncSequence` that fetches one page at a time.
///
/// It ends after the page without a `next_cursor` (or with an empty one). Each page is validated by the
/// client (see ``WriftAIClient/listVersions(_:cursor:pageSize:)``); across pages, a number listed twice,
/// a cursor the server already gave, more pages or more versions than the configured maximum end it with
/// an error instead: a listing that cannot be trusted to be complete and true must not look so.
///
/// Iterating keeps one page and the numbers and cursors seen (a few bytes per version), so memory stays
/// bounded by the caps whatever the server sends; ``collect()`` keeps every version, at most
/// ``WriftAIClient/Configuration/Pagination/maxItems`` of them.
public struct VersionListing: AsyncSequence, Sendable {
    /// Each element is one version.
    public typealias Element = ModelVersion
    /// Iteration fails with the error of the page that could not be fetched or trusted.
    public typealias Failure = WriftAIError

    typealias FetchPage = @Sendable (_ cursor: String?) async throws(WriftAIError) -> (page: Page<ModelVersion>, serverTime: Double?)

    /// The model being listed.
    public let model: ModelID
    let maxPages: Int
    let maxItems: Int
    let redact: Redactor
    let path: String
    let fetch: FetchPage

    init(
        model: ModelID, maxPages: Int, maxItems: Int = 10_000, redact: Redactor = Redactor(token: nil), path: String,
        fetch: @escaping FetchPage
    ) {
        self.model = model
        self.maxPages = maxPages
        self.maxItems = maxItems
        self.redact = redact
        self.path = path
        self.fetch = fetch
    }

    /// Creates an iterator that starts from the first page.
    public func makeAsyncIterator() -> Iterator {
        Iterator(listing: self)
    }

    /// Collects every version into an array.
    public func collect() async throws(WriftAIError) -> [ModelVersion] {
        try await collectTimed().versions
    }

    /// Collects every version, with the server's clock when it answered the first page (its `Date` header,
    /// seconds since 1970; `nil` without one): every version created after that was not listed.
    public func collectTimed() async throws(WriftAIError) -> (versions: [ModelVersion], serverTime: Double?) {
        var versions: [ModelVersion] = []
        var iterator = makeAsyncIterator()
        while let version = try await iterator.next() {
            versions.append(version)
        }
        return (versions, iterator.firstServerTime)
    }

    /// Walks the pages.
    public struct Iterator: AsyncIteratorProtocol, Sendable {
        private let listing: VersionListing
        private var buffer: [ModelVersion] = []
        private var position = 0
        private var nextCursor: String?
        private var seenCursors: Set<String> = []
        /// Each number listed so far, with the page (from 1) it was on.
        private var seenNumbers: [Int: Int] = [:]
        /// The last number listed: a listing is newest first, so every number is below the one before it.
        private var lastNumber: Int?
        private var pagesFetched = 0
        private var finished = false
        /// The server's clock when it answered the first page.
        private(set) var firstServerTime: Double?

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

        private var context: WriftAIError.Context { WriftAIError.Context(method: "GET", path: listing.path) }

        private mutating func fail(_ error: WriftAIError) -> WriftAIError {
            finished = true
            buffer = []
            position = 0
            return error
        }

        private mutating func fetchNextPage() async throws(WriftAIError) {
            guard pagesFetched < listing.maxPages else {
                throw fail(
                    .pagination(
                        context,
                        reason: "stopped after \(listing.maxPages) pages, the most a listing may take (at most "
                            + "\(listing.maxItems) versions in pages of the size asked for; the server may be "
                            + "handing out a new cursor on every page)"))
            }
            let cursor = nextCursor
            let page: Page<ModelVersion>
            do throws(WriftAIError) {
                let fetched = try await listing.fetch(cursor)
                page = fetched.page
                if pagesFetched == 0 { firstServerTime = fetched.serverTime }
            } catch {
                throw fail(error)
            }
            pagesFetched += 1
            for (index, item) in page.items.enumerated() {
                func refused(_ rule: String) -> WriftAIError {
                    .invalidAnswer(
                        context,
                        AnswerProblem(
                            model: listing.model.description, field: "items[\(index)].number on page \(pagesFetched)",
                            value: String(item.number), rule: rule))
                }
                if let earlier = seenNumbers.updateValue(pagesFetched, forKey: item.number) {
                    throw fail(refused("must appear once in a listing, but page \(earlier) listed it already"))
                }
                // Out of order, the listing cannot be the server's versions newest first: a page of numbers
                // far above the others made every create fail as "not above" them, and planned deletes of
                // versions that were never there.
                if let last = lastNumber, item.number > last {
                    throw fail(refused("must be below the number listed before it (\(last)): a listing is newest first"))
                }
                lastNumber = item.number
            }
            guard seenNumbers.count <= listing.maxItems else {
                throw fail(
                    .pagination(
                        context,
                        reason: "stopped after more than \(listing.maxItems) versions, the most a listing may hold"))
            }
            buffer = page.items
            position = 0
            guard let next = page.nextCursor, !next.isEmpty else {
                finished = true
                return
            }
            if let cursor { seenCursors.insert(cursor) }
            guard !seenCursors.contains(next) else {
                throw fail(
                    .pagination(
                        context,
                        reason: "the server returned the cursor \(EscapedText.quoted(listing.redact(next))) a second time; the "
                            + "listing would never end"))
            }
            nextCursor = next
        }
    }
}

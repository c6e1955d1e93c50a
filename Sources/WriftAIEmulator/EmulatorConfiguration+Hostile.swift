import Foundation

extension EmulatorConfiguration {
    /// A server that lies: answers that a faithful API never gives, to prove that a client checks what it
    /// is told and bounds what it waits for. Every switch is off by default; each is a `--hostile-…` flag
    /// of `wriftai-emulator`.
    ///
    /// The listing switches change what `GET …/versions` answers (the stored versions are untouched, and
    /// `GET …/versions/{number}` still tells the truth); the others act on every `/v1` request.
    public struct Hostile: Sendable, Equatable {
        /// How ``listedDigest`` spoils the digests of listed items.
        public enum DigestSpoiling: String, Sendable, CaseIterable {
            /// The 64 hex digits without `sha256:`.
            case unprefixed
            /// The digest followed by a space.
            case trailingSpace = "trailing-space"
            /// The hex digits in uppercase.
            case uppercase
        }

        /// The shape of ``validationDetail``'s 422 `detail`.
        public enum DetailShape: String, Sendable, CaseIterable {
            /// `{"detail": "…"}`.
            case string
            /// `{"detail": {"error": …, "field": …}}`.
            case object
        }

        /// What ``notFoundBody`` answers.
        public enum NotFoundBody: String, Sendable, CaseIterable {
            /// A proxy's HTML page.
            case html
            /// A web framework's `{"detail": "Not Found"}` for a path it does not have.
            case generic
        }

        /// Every create of a version is acted on, then answered 502: the answer is lost (the ambiguous failure
        /// a safe create must resolve by the digest, never by sending again blindly).
        public var loseCreateAnswers: Bool

        /// Listed items get a spoiled digest.
        public var listedDigest: DigestSpoiling?
        /// Listing model `key` answers with the items of model `value` (both `owner/name`), like a proxy
        /// that mixed up its routes.
        public var listOtherModel: [String: String]
        /// The listed number left out of the first ``omitTimes`` listings (pages) that hold it.
        public var omitNumber: Int?
        /// How many listings leave out ``omitNumber``.
        public var omitTimes: Int
        /// A JSON number literal (e.g. `9223372036854775807`, `0`, `-1`, `1.5`) sent instead of the number
        /// of the newest listed item.
        public var listedNumber: String?
        /// Each page after the first repeats the last item of the page before.
        public var repeatItemAcrossPages: Bool
        /// Listings lag behind writes: a version created less than this many milliseconds ago is not
        /// listed yet (0: off), like a list served from a replica.
        public var listLagMilliseconds: Int
        /// Listings never end: every page holds ``pageSize``-many made-up, valid versions (numbers counting
        /// down from 2^53) and a new cursor.
        public var freshCursors: Bool
        /// Bytes of padding (an unknown `padding` field) added to every listed page.
        public var padBytes: Int
        /// The length of each ``freshCursors`` cursor, in bytes (at least 16).
        public var cursorBytes: Int
        /// List pages nest their items this many arrays deep (0: off), past any JSON parser's depth limit.
        public var deepJSON: Int
        /// Every answer's body is sent one byte per this many milliseconds (0: off).
        public var trickleMilliseconds: Int
        /// Every answer carries `x-ratelimit-limit` with this value, whatever the real limit.
        public var advertisedLimit: Int?
        /// Every request is refused with 429, its `x-ratelimit-reset` this many seconds ahead (0: off).
        public var alwaysRateLimitedSeconds: Int
        /// Requests are refused with 429 and a `Retry-After` HTTP-date (no `x-ratelimit-*`) until this
        /// many seconds after the first request (0: off).
        public var retryAfterDateSeconds: Int
        /// Requests are received and never answered (held until the emulator stops).
        public var neverAnswer: Bool
        /// Every create (POST) and configuration update (PATCH) is refused with 422, without acting, its
        /// `detail` of this shape rather than a list of issues.
        public var validationDetail: DetailShape?
        /// Every request is answered 404 with this body instead of the API's.
        public var notFoundBody: NotFoundBody?

        /// Creates hostile settings; the defaults are a faithful server.
        public init(
            listedDigest: DigestSpoiling? = nil,
            listOtherModel: [String: String] = [:],
            omitNumber: Int? = nil,
            omitTimes: Int = 1,
            listedNumber: String? = nil,
            repeatItemAcrossPages: Bool = false,
            listLagMilliseconds: Int = 0,
            freshCursors: Bool = false,
            padBytes: Int = 0,
            cursorBytes: Int = 32,
            deepJSON: Int = 0,
            trickleMilliseconds: Int = 0,
            advertisedLimit: Int? = nil,
            alwaysRateLimitedSeconds: Int = 0,
            retryAfterDateSeconds: Int = 0,
            neverAnswer: Bool = false,
            validationDetail: DetailShape? = nil,
            notFoundBody: NotFoundBody? = nil,
            loseCreateAnswers: Bool = false
        ) {
            self.loseCreateAnswers = loseCreateAnswers
            self.listedDigest = listedDigest
            self.listOtherModel = listOtherModel
            self.omitNumber = omitNumber
            self.omitTimes = omitTimes
            self.listedNumber = listedNumber
            self.repeatItemAcrossPages = repeatItemAcrossPages
            self.listLagMilliseconds = listLagMilliseconds
            self.freshCursors = freshCursors
            self.padBytes = padBytes
            self.cursorBytes = cursorBytes
            self.deepJSON = deepJSON
            self.trickleMilliseconds = trickleMilliseconds
            self.advertisedLimit = advertisedLimit
            self.alwaysRateLimitedSeconds = alwaysRateLimitedSeconds
            self.retryAfterDateSeconds = retryAfterDateSeconds
            self.neverAnswer = neverAnswer
            self.validationDetail = validationDetail
            self.notFoundBody = notFoundBody
        }

        /// Whether any listing switch is on.
        var changesListings: Bool {
            listedDigest != nil || !listOtherModel.isEmpty || omitNumber != nil || listedNumber != nil
                || repeatItemAcrossPages || listLagMilliseconds > 0 || freshCursors || padBytes > 0 || deepJSON > 0
        }

        /// Whether any request-level switch is on.
        var changesRequests: Bool {
            trickleMilliseconds > 0 || advertisedLimit != nil || alwaysRateLimitedSeconds > 0
                || retryAfterDateSeconds > 0 || neverAnswer || validationDetail != nil || notFoundBody != nil || loseCreateAnswers
        }

        /// Whether `literal` is a JSON number (``listedNumber`` is sent as it is written).
        public static func isJSONNumber(_ literal: String) -> Bool {
            literal.range(of: #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil
        }
    }
}

import Applier
import Declarations
import Planner
import WriftAIModels

/// What one reconcile saw of one model: its declared versions and its live ones — as the apply left them, when
/// it ran — so that a person can compare the two side by side (the status page's model rows and pages).
/// Only what a person reads is kept (no schemas); release notes are cut at ``maxNotesLength``.
public struct ModelObservation: Sendable, Equatable, Codable {
    /// The longest release notes kept, in characters.
    public static let maxNotesLength = 500

    /// One declared version.
    public struct Declared: Sendable, Equatable, Codable {
        /// The image.
        public var containerImageDigest: Digest
        /// Its release notes (cut at ``ModelObservation/maxNotesLength``).
        public var releaseNotes: String
        /// Where it is declared, `file:line:column`.
        public var declaredAt: String

        /// Creates a declared version.
        public init(containerImageDigest: Digest, releaseNotes: String, declaredAt: String) {
            self.containerImageDigest = containerImageDigest
            self.releaseNotes = ModelObservation.cut(releaseNotes)
            self.declaredAt = declaredAt
        }

        enum CodingKeys: String, CodingKey {
            case containerImageDigest = "container_image_digest"
            case releaseNotes = "release_notes"
            case declaredAt = "declared_at"
        }
    }

    /// One live version.
    public struct Live: Sendable, Equatable, Codable {
        /// Its number.
        public var number: Int
        /// The image.
        public var containerImageDigest: Digest
        /// Its release notes (cut at ``ModelObservation/maxNotesLength``).
        public var releaseNotes: String
        /// When the API says it was created; `nil` for a version this reconcile created.
        public var createdAt: String?

        /// Creates a live version.
        public init(number: Int, containerImageDigest: Digest, releaseNotes: String, createdAt: String?) {
            self.number = number
            self.containerImageDigest = containerImageDigest
            self.releaseNotes = ModelObservation.cut(releaseNotes)
            self.createdAt = createdAt
        }

        enum CodingKeys: String, CodingKey {
            case number
            case containerImageDigest = "container_image_digest"
            case releaseNotes = "release_notes"
            case createdAt = "created_at"
        }
    }

    /// The model.
    public var model: ModelID
    /// The declared versions, oldest first (the last one is meant to be the latest).
    public var declared: [Declared]
    /// The live versions by ascending number.
    public var live: [Live]
    /// Whether the model is suspended (nothing is planned for it).
    public var suspended: Bool

    /// Creates an observation.
    public init(model: ModelID, declared: [Declared], live: [Live], suspended: Bool = false) {
        self.model = model
        self.declared = declared
        self.live = live.sorted { $0.number < $1.number }
        self.suspended = suspended
    }

    /// What `declaration` declares and `live` holds.
    public init(_ declaration: ModelDeclaration, live: LiveModel?) {
        self.init(
            model: declaration.model,
            declared: declaration.versions.map {
                Declared(containerImageDigest: $0.containerImageDigest, releaseNotes: $0.releaseNotes, declaredAt: $0.location.description)
            },
            live: (live?.versions ?? []).map {
                Live(number: $0.number, containerImageDigest: $0.containerImageDigest, releaseNotes: $0.releaseNotes, createdAt: $0.createdAt)
            },
            suspended: declaration.suspend
        )
    }

    /// The latest live version: the highest number, which takes un-pinned predictions.
    public var latest: Live? { live.last }

    /// The last declared version, meant to be the latest.
    public var lastDeclared: Declared? { declared.last }

    /// Whether the latest live version is the last declared one.
    public var latestIsLastDeclared: Bool {
        guard let latest, let lastDeclared else { return false }
        return latest.containerImageDigest == lastDeclared.containerImageDigest
    }

    /// The live versions once `actions` (of this model) are done: the versions created added, those deleted
    /// (or rolled back) removed. Failed and skipped changes leave the live state as it was.
    public func applying(_ actions: [ActionResult]) -> ModelObservation {
        var live = live
        for action in actions where action.model == model {
            switch action.outcome {
            case .created:
                if let number = action.number, !live.contains(where: { $0.number == number }) {
                    live.append(Live(number: number, containerImageDigest: action.containerImageDigest, releaseNotes: action.releaseNotes ?? "", createdAt: nil))
                }
            case .deleted, .alreadyDeleted, .rolledBack:
                if let number = action.number { live.removeAll { $0.number == number } }
            case .configured, .failed, .skipped, .tested, .untested:
                break
            }
        }
        return ModelObservation(model: model, declared: declared, live: live, suspended: suspended)
    }

    static func cut(_ text: String) -> String {
        text.count > maxNotesLength ? String(text.prefix(maxNotesLength - 1)) + "…" : text
    }
}

extension [ModelObservation] {
    /// Each observation once `actions` are done (see ``ModelObservation/applying(_:)``).
    public func applying(_ actions: [ActionResult]) -> [ModelObservation] {
        guard !actions.isEmpty else { return self }
        let byModel = Dictionary(grouping: actions, by: \.model)
        return map { observation in byModel[observation.model].map { observation.applying($0) } ?? observation }
    }
}

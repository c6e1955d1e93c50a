import WriftAIModels

/// A live version that is not declared and that the plan leaves in place: a reviewer sees why it stays (and
/// that it may become the latest version) instead of not seeing it at all.
public struct KeptVersion: Codable, Sendable, Equatable {
    /// Why an undeclared version stays.
    public enum Reason: String, Codable, Sendable, CaseIterable {
        /// Its number is in the model's `keep`.
        case keep
        /// The model says `prune: false`.
        case pruneOff = "prune_off"
        /// Pruning would have emptied the model (no `allow_empty`), so nothing was deleted.
        case emptyRefused = "empty_refused"
    }

    /// The live number.
    public var number: Int
    /// Its digest.
    public var containerImageDigest: Digest
    /// Its live release notes.
    public var releaseNotes: String?
    /// Why it stays.
    public var reason: Reason

    /// Creates a kept version.
    public init(number: Int, containerImageDigest: Digest, releaseNotes: String?, reason: Reason) {
        self.number = number
        self.containerImageDigest = containerImageDigest
        self.releaseNotes = releaseNotes
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case number
        case containerImageDigest = "container_image_digest"
        case releaseNotes = "release_notes"
        case reason
    }
}

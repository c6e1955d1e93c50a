import WriftAIModels

/// What to do when a live version has a declared digest but different immutable fields.
public enum ImmutableChangePolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Report the drift and leave the version alone.
    case warn
    /// Delete the live version and create the declared one.
    case replace
}

/// What to do when a declared version that is not live would be created after the last declared version,
/// and so become the latest: un-pinned predictions go to the latest version, so this moves traffic to an
/// older model (a version deleted outside git and re-created, say).
public enum OutOfOrderPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Do not create it while the last declared version is the latest; report it on every plan.
    case hold
    /// Create it, then re-create every declared version after it, so that the last declared version is the
    /// latest again; the superseded copies are deleted when `prune` is on (their numbers change).
    case recreate
    /// Create it; it becomes the latest (a warning says so).
    case allow
}

/// One model's desired versions, from one YAML document.
public struct ModelDeclaration: Sendable, Equatable {
    /// `owner/name`.
    public var model: ModelID
    /// Delete live versions that are not declared (default true).
    public var prune: Bool
    /// Allow pruning every version of the model (default false).
    public var allowEmpty: Bool
    /// Version numbers never deleted, declared or not.
    public var keep: [Int]
    /// Skip this model entirely.
    public var suspend: Bool
    /// What to do about immutable drift.
    public var onImmutableChange: ImmutableChangePolicy
    /// What to do about a create that would make an earlier declared version the latest.
    public var onOutOfOrder: OutOfOrderPolicy
    /// Oldest first; the last one is meant to be the latest.
    public var versions: [VersionDeclaration]
    /// `smoke_defaults`: the default `max_seconds` of every smoke case, and the cases of every version
    /// that declares no `smoke` of its own; `nil` when not declared.
    public var smokeDefaults: SmokeDefaults?
    /// Where the document's `model:` key is.
    public var location: SourceLocation

    public init(
        model: ModelID,
        prune: Bool = true,
        allowEmpty: Bool = false,
        keep: [Int] = [],
        suspend: Bool = false,
        onImmutableChange: ImmutableChangePolicy = .warn,
        onOutOfOrder: OutOfOrderPolicy = .hold,
        versions: [VersionDeclaration],
        smokeDefaults: SmokeDefaults? = nil,
        location: SourceLocation
    ) {
        self.model = model
        self.prune = prune
        self.allowEmpty = allowEmpty
        self.keep = keep
        self.suspend = suspend
        self.onImmutableChange = onImmutableChange
        self.onOutOfOrder = onOutOfOrder
        self.versions = versions
        self.smokeDefaults = smokeDefaults
        self.location = location
    }
}

/// One desired version. Its identity within the model is its digest.
public struct VersionDeclaration: Sendable, Equatable {
    /// `sha256:` and 64 lowercase hex digits (uppercase in the file is normalised).
    public var containerImageDigest: Digest
    public var releaseNotes: String
    public var schemas: Schemas
    /// nil when not declared: every compatibility false.
    public var compatibilities: Compatibilities?
    /// nil when not declared: the live configuration is left as it is.
    public var configuration: VersionConfiguration?
    /// `smoke`: the predictions that must succeed on this version once it is created; `nil` when not
    /// declared (the model's `smoke_defaults` cases apply), `[]` to run none.
    public var smoke: [SmokeCase]?
    /// Where the version's list item starts.
    public var location: SourceLocation

    public init(
        containerImageDigest: Digest,
        releaseNotes: String,
        schemas: Schemas,
        compatibilities: Compatibilities? = nil,
        configuration: VersionConfiguration? = nil,
        smoke: [SmokeCase]? = nil,
        location: SourceLocation
    ) {
        self.containerImageDigest = containerImageDigest
        self.releaseNotes = releaseNotes
        self.schemas = schemas
        self.compatibilities = compatibilities
        self.configuration = configuration
        self.smoke = smoke
        self.location = location
    }

    /// The body of `POST …/versions` that creates this version.
    public var createRequest: CreateVersionRequest {
        CreateVersionRequest(
            releaseNotes: releaseNotes,
            containerImageDigest: containerImageDigest.value,
            schemas: schemas,
            compatibilities: compatibilities,
            configuration: configuration
        )
    }
}

import WriftAIModels

/// What a planned change does to the API.
public enum ChangeAction: String, Codable, Sendable, CaseIterable {
    /// `POST …/versions` with the change's `request`.
    case create
    /// `PATCH …/versions/{number}/configuration` with the change's `configuration`.
    case updateConfiguration = "update_configuration"
    /// `DELETE …/versions/{number}`.
    case delete
    /// The release gate's smoke tests of an existing version whose tests never finished (an apply stopped
    /// after creating it): predictions pinned to `number`.
    case smokeTest = "smoke_test"
}

/// One API call a plan will make, with everything needed to make it later from a saved plan.
public struct PlannedChange: Codable, Sendable, Equatable {
    /// `owner/name`.
    public var model: String
    /// What the change does.
    public var action: ChangeAction
    /// The live version number; `nil` for a create (the API assigns it).
    public var number: Int?
    /// The digest of the version created, configured or deleted.
    public var containerImageDigest: String
    /// The release notes of that version (declared for a create, live otherwise).
    public var releaseNotes: String?
    /// Why the change is planned, for people.
    public var reason: String
    /// For a create: the exact body to send.
    public var request: CreateVersionRequest?
    /// For a configuration update: the configuration to set.
    public var configuration: VersionConfiguration?
    /// For a configuration update: the live configuration, `nil` when it was not observed.
    public var liveConfiguration: VersionConfiguration?
    /// For a create that replaces a drifted version: the live number deleted in its favour.
    public var replaces: Int?
    /// For a create or update: where the version is declared, `file:line:column`.
    public var declaredAt: String?
    /// For a create or a smoke test: the release gate's tests, run on the version once it exists; the
    /// model's older versions are deleted only after they pass.
    public var smoke: [SmokeTest]?
    /// For a create or a smoke test: the fingerprint of the version's declaration, which a quarantine names.
    public var gateFingerprint: String?

    /// Creates a change.
    public init(
        model: String,
        action: ChangeAction,
        number: Int? = nil,
        containerImageDigest: String,
        releaseNotes: String? = nil,
        reason: String,
        request: CreateVersionRequest? = nil,
        configuration: VersionConfiguration? = nil,
        liveConfiguration: VersionConfiguration? = nil,
        replaces: Int? = nil,
        declaredAt: String? = nil,
        smoke: [SmokeTest]? = nil,
        gateFingerprint: String? = nil
    ) {
        self.model = model
        self.action = action
        self.number = number
        self.containerImageDigest = containerImageDigest
        self.releaseNotes = releaseNotes
        self.reason = reason
        self.request = request
        self.configuration = configuration
        self.liveConfiguration = liveConfiguration
        self.replaces = replaces
        self.declaredAt = declaredAt
        self.smoke = smoke
        self.gateFingerprint = gateFingerprint
    }

    enum CodingKeys: String, CodingKey {
        case model
        case action
        case number
        case containerImageDigest = "container_image_digest"
        case releaseNotes = "release_notes"
        case reason
        case request
        case configuration
        case liveConfiguration = "live_configuration"
        case replaces
        case declaredAt = "declared_at"
        case smoke
        case gateFingerprint = "gate_fingerprint"
    }
}

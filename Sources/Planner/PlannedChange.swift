import WriftAIModels

/// What a planned change does to the API.
public enum ChangeAction: String, Codable, Sendable, CaseIterable {
    /// `POST …/versions` with the change's request.
    case create
    /// `PATCH …/versions/{number}/configuration` with the change's configuration.
    case updateConfiguration = "update_configuration"
    /// `DELETE …/versions/{number}`.
    case delete
    /// The release gate's smoke tests of an existing version whose tests never finished (an apply stopped
    /// after creating it): predictions pinned to `number`.
    case smokeTest = "smoke_test"

    /// The order of a model's changes when applied: smoke tests of versions left untested, creates,
    /// configuration updates, deletes. Creating first means the new latest version exists before any old one
    /// goes, and a model keeping a declared version never drops to zero versions mid-apply.
    public var applyRank: Int {
        switch self {
        case .smokeTest: 0
        case .create: 1
        case .updateConfiguration: 2
        case .delete: 3
        }
    }
}

/// One API call a plan will make, with everything needed to make it later from a saved plan: each kind
/// carries exactly what its call needs, so a change cannot lack its payload.
///
/// `indirect`: a payload is a dozen strings, arrays and schemas, and a change is copied whole wherever a plan
/// is assembled, grouped or rendered; boxed, a copy is one reference count instead of a dozen (assembling a
/// plan of 600 changes spent three quarters of its 3.1 million instructions copying and releasing them).
public indirect enum PlannedChange: Sendable, Equatable {
    /// Create a declared version.
    case create(Creation)
    /// Set a live version's configuration.
    case updateConfiguration(ConfigurationChange)
    /// Delete a live version.
    case delete(Deletion)
    /// Run the smoke tests of a live version created by an apply that stopped before testing it.
    case smokeTest(SmokeTestRun)

    /// The release gate's check of one version: its smoke tests (at least one) and the fingerprint of the
    /// declaration they belong to, which a quarantine names.
    public struct GateCheck: Sendable, Equatable {
        /// The predictions that must succeed.
        public var tests: [SmokeTest]
        /// The fingerprint of the version's declaration.
        public var fingerprint: String

        /// Creates a check.
        public init(tests: [SmokeTest], fingerprint: String) {
            self.tests = tests
            self.fingerprint = fingerprint
        }
    }

    /// `POST …/versions`: a declared version that is not live.
    public struct Creation: Sendable, Equatable {
        /// The model.
        public var model: ModelID
        /// The image of the version created.
        public var digest: Digest
        /// The declared release notes.
        public var releaseNotes: String
        /// Why, for people.
        public var reason: String
        /// The exact body to send.
        public var request: CreateVersionRequest
        /// Where the version is declared, `file:line:column`.
        public var declaredAt: String
        /// The live number deleted in its favour (a drifted version replaced, or a version re-created in
        /// order); `nil` for a plain create.
        public var replaces: Int?
        /// The release gate's tests, run on the version once it exists; `nil` when it declares none.
        public var gate: GateCheck?

        /// Creates a create.
        public init(
            model: ModelID, digest: Digest, releaseNotes: String, reason: String, request: CreateVersionRequest, declaredAt: String,
            replaces: Int? = nil, gate: GateCheck? = nil
        ) {
            self.model = model
            self.digest = digest
            self.releaseNotes = releaseNotes
            self.reason = reason
            self.request = request
            self.declaredAt = declaredAt
            self.replaces = replaces
            self.gate = gate
        }
    }

    /// `PATCH …/versions/{number}/configuration`: a live version whose configuration is not the declared one.
    public struct ConfigurationChange: Sendable, Equatable {
        /// The model.
        public var model: ModelID
        /// The live version.
        public var number: Int
        /// Its image.
        public var digest: Digest
        /// Its release notes.
        public var releaseNotes: String
        /// Why, for people.
        public var reason: String
        /// The configuration to set.
        public var to: VersionConfiguration
        /// The live configuration; `nil` when it was not observed.
        public var from: VersionConfiguration?
        /// Where the version is declared, `file:line:column`.
        public var declaredAt: String

        /// Creates a configuration update.
        public init(
            model: ModelID, number: Int, digest: Digest, releaseNotes: String, reason: String, to: VersionConfiguration,
            from: VersionConfiguration?, declaredAt: String
        ) {
            self.model = model
            self.number = number
            self.digest = digest
            self.releaseNotes = releaseNotes
            self.reason = reason
            self.to = to
            self.from = from
            self.declaredAt = declaredAt
        }
    }

    /// `DELETE …/versions/{number}`.
    public struct Deletion: Sendable, Equatable {
        /// The model.
        public var model: ModelID
        /// The live version.
        public var number: Int
        /// Its image, which the apply confirms before deleting.
        public var digest: Digest
        /// Its release notes.
        public var releaseNotes: String
        /// Why, for people.
        public var reason: String

        /// Creates a delete.
        public init(model: ModelID, number: Int, digest: Digest, releaseNotes: String, reason: String) {
            self.model = model
            self.number = number
            self.digest = digest
            self.releaseNotes = releaseNotes
            self.reason = reason
        }
    }

    /// Predictions pinned to a live version whose smoke tests never finished.
    public struct SmokeTestRun: Sendable, Equatable {
        /// The model.
        public var model: ModelID
        /// The live version.
        public var number: Int
        /// Its image.
        public var digest: Digest
        /// Its release notes.
        public var releaseNotes: String
        /// Why, for people.
        public var reason: String
        /// Where the version is declared, `file:line:column`.
        public var declaredAt: String
        /// The tests.
        public var gate: GateCheck

        /// Creates a smoke test run.
        public init(model: ModelID, number: Int, digest: Digest, releaseNotes: String, reason: String, declaredAt: String, gate: GateCheck) {
            self.model = model
            self.number = number
            self.digest = digest
            self.releaseNotes = releaseNotes
            self.reason = reason
            self.declaredAt = declaredAt
            self.gate = gate
        }
    }

    // MARK: - What every change has

    /// The kind of call.
    public var action: ChangeAction {
        switch self {
        case .create: .create
        case .updateConfiguration: .updateConfiguration
        case .delete: .delete
        case .smokeTest: .smokeTest
        }
    }

    /// The model.
    public var model: ModelID {
        switch self {
        case let .create(change): change.model
        case let .updateConfiguration(change): change.model
        case let .delete(change): change.model
        case let .smokeTest(change): change.model
        }
    }

    /// The live version; `nil` for a create (the API assigns the number).
    public var number: Int? {
        switch self {
        case .create: nil
        case let .updateConfiguration(change): change.number
        case let .delete(change): change.number
        case let .smokeTest(change): change.number
        }
    }

    /// The image of the version created, configured, deleted or tested.
    public var digest: Digest {
        switch self {
        case let .create(change): change.digest
        case let .updateConfiguration(change): change.digest
        case let .delete(change): change.digest
        case let .smokeTest(change): change.digest
        }
    }

    /// The version's release notes (declared for a create, live otherwise).
    public var releaseNotes: String {
        switch self {
        case let .create(change): change.releaseNotes
        case let .updateConfiguration(change): change.releaseNotes
        case let .delete(change): change.releaseNotes
        case let .smokeTest(change): change.releaseNotes
        }
    }

    /// Why the change is planned, for people.
    public var reason: String {
        switch self {
        case let .create(change): change.reason
        case let .updateConfiguration(change): change.reason
        case let .delete(change): change.reason
        case let .smokeTest(change): change.reason
        }
    }

    /// Where the version is declared, `file:line:column`; `nil` for a delete (it is not declared).
    public var declaredAt: String? {
        switch self {
        case let .create(change): change.declaredAt
        case let .updateConfiguration(change): change.declaredAt
        case .delete: nil
        case let .smokeTest(change): change.declaredAt
        }
    }

    /// The release gate's check the change runs; `nil` when it runs none.
    public var gate: GateCheck? {
        switch self {
        case let .create(change): change.gate
        case let .smokeTest(change): change.gate
        case .updateConfiguration, .delete: nil
        }
    }

    /// The create, when the change is one.
    public var creation: Creation? {
        if case let .create(change) = self { return change }
        return nil
    }

    /// The configuration update, when the change is one.
    public var configurationChange: ConfigurationChange? {
        if case let .updateConfiguration(change) = self { return change }
        return nil
    }

    /// For a create that replaces a live version: its number.
    public var replaces: Int? {
        if case let .create(change) = self { return change.replaces }
        return nil
    }
}

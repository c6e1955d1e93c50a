import Foundation
import Declarations
import WriftAIModels

/// One smoke case of the release gate, as the plan carries it: a prediction pinned to the new version, which
/// must succeed within `max_seconds` with the expected output, or one its output schema accepts.
public struct SmokeTest: Codable, Sendable, Equatable {
    /// How failures name it: `smoke case 2 (models/a.yaml:14:9)`.
    public var name: String
    /// The prediction's input.
    public var input: JSONValue
    /// How long the prediction may take.
    public var maxSeconds: Double
    /// The exact output required; `nil`: the output need only satisfy the version's output schema.
    public var expectOutput: JSONValue?

    /// Creates a test.
    public init(name: String, input: JSONValue, maxSeconds: Double, expectOutput: JSONValue? = nil) {
        self.name = name
        self.input = input
        self.maxSeconds = maxSeconds
        self.expectOutput = expectOutput
    }

    /// The test of a declared check.
    public init(_ check: SmokeCheck) {
        let seconds = Double(check.timeLimit.components.seconds) + Double(check.timeLimit.components.attoseconds) / 1e18
        self.init(name: check.name, input: check.input, maxSeconds: seconds, expectOutput: check.expectedOutput)
    }

    enum CodingKeys: String, CodingKey {
        case name
        case input
        case maxSeconds = "max_seconds"
        case expectOutput = "expect_output"
    }
}

/// What the release gate knows from earlier applies, for the planner: digests whose smoke tests failed
/// (quarantined: not created again while their declaration is unchanged) and versions created whose tests
/// never finished (an apply killed in between: tested before anything else of the model).
public struct ReleaseGateState: Sendable, Equatable {
    /// A version of a model, by digest.
    public struct Key: Hashable, Sendable {
        public var model: ModelID
        public var digest: Digest

        public init(model: ModelID, digest: Digest) {
            self.model = model
            self.digest = digest
        }
    }

    /// A quarantined digest of a model.
    public struct Quarantine: Sendable, Equatable {
        /// The fingerprint of the declaration whose tests failed; another declaration lifts the quarantine.
        public var fingerprint: String
        /// Which test failed and how.
        public var reason: String
        /// The version whose tests failed, which a rollback deletes; `nil` in a record of an older WriftSync,
        /// whose rollbacks then delete nothing (see ``ModelPlanning``).
        public var number: Int?

        /// Creates a quarantine.
        public init(fingerprint: String, reason: String, number: Int?) {
            self.fingerprint = fingerprint
            self.reason = reason
            self.number = number
        }
    }

    /// Quarantined digests.
    public var quarantined: [Key: Quarantine]
    /// Versions created and not yet tested, with the fingerprint of their declaration then.
    public var pending: [Key: String]

    /// Creates a state.
    public init(quarantined: [Key: Quarantine] = [:], pending: [Key: String] = [:]) {
        self.quarantined = quarantined
        self.pending = pending
    }
}

extension VersionDeclaration {
    /// Identifies what is declared for this version, smoke cases included: a quarantine is lifted when it
    /// changes. 16 hex digits.
    public func gateFingerprint(_ tests: [SmokeTest]) -> String {
        struct Identity: Encodable {
            let request: CreateVersionRequest
            let smoke: [SmokeTest]
        }
        var hash = FNV1a64()
        let bytes = (try? StableJSON.encode(Identity(request: createRequest, smoke: tests))) ?? Data()
        hash.combine(String(decoding: bytes, as: UTF8.self))
        return hash.hexDigest
    }
}

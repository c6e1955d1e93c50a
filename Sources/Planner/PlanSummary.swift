/// The counts a reviewer reads first.
public struct PlanSummary: Codable, Sendable, Equatable {
    /// Versions to create (replacements included).
    public var create: Int
    /// Configurations to update.
    public var updateConfiguration: Int
    /// Versions to delete (replaced versions included).
    public var delete: Int
    /// Matched declared versions for which no change is planned.
    public var unchanged: Int
    /// Number of warnings.
    public var warnings: Int
    /// Live versions to smoke-test: created by an apply that stopped before their tests finished. In JSON as
    /// `smoke_test`, only when there are any.
    public var smokeTest: Int

    /// Creates a summary.
    public init(create: Int, updateConfiguration: Int, delete: Int, unchanged: Int, warnings: Int, smokeTest: Int = 0) {
        self.create = create
        self.updateConfiguration = updateConfiguration
        self.delete = delete
        self.unchanged = unchanged
        self.warnings = warnings
        self.smokeTest = smokeTest
    }

    /// Whether the plan does nothing. A smoke test left to run is something to do: a version created but never
    /// tested takes the un-pinned traffic, and was otherwise never tested when its model had nothing else to change.
    public var hasChanges: Bool { create + updateConfiguration + delete + smokeTest > 0 }

    enum CodingKeys: String, CodingKey {
        case create
        case updateConfiguration = "update_configuration"
        case delete
        case unchanged
        case warnings
        case smokeTest = "smoke_test"
    }

    /// Decodes a summary; one written without `smoke_test` has none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        create = try container.decode(Int.self, forKey: .create)
        updateConfiguration = try container.decode(Int.self, forKey: .updateConfiguration)
        delete = try container.decode(Int.self, forKey: .delete)
        unchanged = try container.decode(Int.self, forKey: .unchanged)
        warnings = try container.decode(Int.self, forKey: .warnings)
        smokeTest = try container.decodeIfPresent(Int.self, forKey: .smokeTest) ?? 0
    }

    /// Encodes the summary, with `smoke_test` only when there are any.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(create, forKey: .create)
        try container.encode(updateConfiguration, forKey: .updateConfiguration)
        try container.encode(delete, forKey: .delete)
        try container.encode(unchanged, forKey: .unchanged)
        try container.encode(warnings, forKey: .warnings)
        if smokeTest > 0 { try container.encode(smokeTest, forKey: .smokeTest) }
    }
}

/// What applying the plan costs: one request per change, paced at the rate limit.
public struct PlanEstimate: Codable, Sendable, Equatable {
    /// API requests the apply makes for the changes.
    public var requests: Int
    /// `requests / rate limit`, in seconds.
    public var seconds: Double

    /// Creates an estimate.
    public init(requests: Int, seconds: Double) {
        self.requests = requests
        self.seconds = seconds
    }
}

extension Plan {
    /// The plan with its time estimated at `requestsPerSecond` (zero or less: unpaced, 0 seconds).
    public func estimatingTime(at requestsPerSecond: Double) -> Plan {
        var plan = self
        plan.estimate.seconds = requestsPerSecond > 0 ? Double(estimate.requests) / requestsPerSecond : 0
        return plan
    }
}

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

    /// Creates a summary.
    public init(create: Int, updateConfiguration: Int, delete: Int, unchanged: Int, warnings: Int) {
        self.create = create
        self.updateConfiguration = updateConfiguration
        self.delete = delete
        self.unchanged = unchanged
        self.warnings = warnings
    }

    /// Whether the plan changes nothing.
    public var hasChanges: Bool { create + updateConfiguration + delete > 0 }

    enum CodingKeys: String, CodingKey {
        case create
        case updateConfiguration = "update_configuration"
        case delete
        case unchanged
        case warnings
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

import WriftAIModels

/// A change in the saved plan (`format_version` 1): one flat object whose `action` says which of the other
/// keys it has. Decoding requires what the action needs — a create without its request, a delete without its
/// number — so a plan edited by hand is refused when read, not half-way through an apply.
extension PlannedChange: Codable {
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

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let action = try container.decode(ChangeAction.self, forKey: .action)
        let model = try container.decode(ModelID.self, forKey: .model)
        let digest = try container.decode(Digest.self, forKey: .containerImageDigest)
        let releaseNotes = try container.decodeIfPresent(String.self, forKey: .releaseNotes) ?? ""
        let reason = try container.decode(String.self, forKey: .reason)
        func gate() throws -> GateCheck? {
            guard let tests = try container.decodeIfPresent([SmokeTest].self, forKey: .smoke), !tests.isEmpty else { return nil }
            return GateCheck(tests: tests, fingerprint: try container.decodeIfPresent(String.self, forKey: .gateFingerprint) ?? "")
        }
        switch action {
        case .create:
            let request = try container.decode(CreateVersionRequest.self, forKey: .request)
            guard (try? Digest(validating: request.containerImageDigest)) == digest else {
                throw DecodingError.dataCorruptedError(
                    forKey: .request, in: container, debugDescription: "the request creates another image than the change's container_image_digest"
                )
            }
            self = .create(Creation(
                model: model, digest: digest, releaseNotes: releaseNotes, reason: reason, request: request,
                declaredAt: try container.decodeIfPresent(String.self, forKey: .declaredAt) ?? "",
                replaces: try container.decodeIfPresent(Int.self, forKey: .replaces), gate: try gate()
            ))
        case .updateConfiguration:
            self = .updateConfiguration(ConfigurationChange(
                model: model, number: try container.decode(Int.self, forKey: .number), digest: digest, releaseNotes: releaseNotes,
                reason: reason, to: try container.decode(VersionConfiguration.self, forKey: .configuration),
                from: try container.decodeIfPresent(VersionConfiguration.self, forKey: .liveConfiguration),
                declaredAt: try container.decodeIfPresent(String.self, forKey: .declaredAt) ?? ""
            ))
        case .delete:
            self = .delete(Deletion(
                model: model, number: try container.decode(Int.self, forKey: .number), digest: digest, releaseNotes: releaseNotes, reason: reason
            ))
        case .smokeTest:
            guard let gate = try gate() else {
                throw DecodingError.keyNotFound(CodingKeys.smoke, .init(codingPath: container.codingPath, debugDescription: "a smoke_test change needs its smoke tests"))
            }
            self = .smokeTest(SmokeTestRun(
                model: model, number: try container.decode(Int.self, forKey: .number), digest: digest, releaseNotes: releaseNotes,
                reason: reason, declaredAt: try container.decodeIfPresent(String.self, forKey: .declaredAt) ?? "", gate: gate
            ))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(action, forKey: .action)
        try container.encodeIfPresent(number, forKey: .number)
        try container.encode(digest, forKey: .containerImageDigest)
        try container.encode(releaseNotes, forKey: .releaseNotes)
        try container.encode(reason, forKey: .reason)
        try container.encodeIfPresent(declaredAt, forKey: .declaredAt)
        try container.encodeIfPresent(gate?.tests, forKey: .smoke)
        try container.encodeIfPresent(gate?.fingerprint, forKey: .gateFingerprint)
        switch self {
        case let .create(change):
            try container.encode(change.request, forKey: .request)
            try container.encodeIfPresent(change.replaces, forKey: .replaces)
        case let .updateConfiguration(change):
            try container.encode(change.to, forKey: .configuration)
            try container.encodeIfPresent(change.from, forKey: .liveConfiguration)
        case .delete, .smokeTest:
            break
        }
    }
}

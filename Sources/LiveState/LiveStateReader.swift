import Foundation
import WriftAI
import WriftAIModels

/// Reads the live versions of the models of a ``LiveStateQuery`` with the fewest requests: one listing per
/// model (page size 50); version details only where the list lacks the digest or the query asks for the
/// image's details (to compare its immutable fields), from the disk cache when there; and the configuration
/// where the query asks for it (it is mutable, so never cached).
/// Models are read concurrently; the client's shared pacing keeps them under the rate limit.
public struct LiveStateReader: Sendable {
    public let client: any WriftAIReading
    public let cache: VersionDetailsCache?
    /// At most this many models are read at once (the rest wait, costing next to nothing): enough to keep
    /// the client's requests in flight busy, few enough that thousands of models do not each hold a
    /// suspended read.
    public let concurrentModels: Int
    private let window: ReadWindow

    public init(client: any WriftAIReading, cache: VersionDetailsCache?, concurrentModels: Int = 16) {
        self.client = client
        self.cache = cache
        self.concurrentModels = max(1, concurrentModels)
        self.window = ReadWindow(width: concurrentModels)
    }

    /// The live state of every model of `query`. Throws if any model cannot be read completely: a partial
    /// view of the live versions is how reconcilers delete what they should not.
    public func read(_ query: LiveStateQuery) async throws(LiveStateError) -> [ModelID: LiveModel] {
        do {
            return try await withThrowingTaskGroup(of: LiveModel.self) { group in
                for model in query.models {
                    group.addTask { try await readModel(model) }
                }
                var result: [ModelID: LiveModel] = [:]
                for try await model in group {
                    result[model.model] = model
                }
                return result
            }
        } catch let error as LiveStateError {
            throw error
        } catch {
            throw .interrupted(String(describing: error))
        }
    }

    /// The live state of one model of a query: what ``read(_:)`` does for each, for a caller that starts
    /// models one by one (as their declarations are parsed).
    public func readModel(_ query: LiveStateQuery.Model) async throws(LiveStateError) -> LiveModel {
        try await readModel(query.model, expectations: .known(query.details))
    }

    /// The live state of `model`, with the expectations of its declared images (``LiveStateQuery/Model/details``)
    /// made by `expecting` while its listing is in flight: the listing needs only the model's name, and the
    /// expectations (a fingerprint of each declared version's schemas) took milliseconds before a model's
    /// first request could leave.
    public func readModel(
        _ model: ModelID, expecting: @escaping @Sendable () -> [Digest: LiveStateQuery.Expected]
    ) async throws(LiveStateError) -> LiveModel {
        try await readModel(model, expectations: .made(expecting))
    }

    /// Where a read's expectations come from.
    private enum Expectations: Sendable {
        case known([Digest: LiveStateQuery.Expected])
        case made(@Sendable () -> [Digest: LiveStateQuery.Expected])
    }

    private func readModel(_ model: ModelID, expectations: Expectations) async throws(LiveStateError) -> LiveModel {
        do {
            try await window.enter()
        } catch {
            throw .interrupted("cancelled before \(model) was read")
        }
        defer { window.leave() }
        return try await readInWindow(model, expectations: expectations)
    }

    /// A model's versions, and the server's clock when it answered the listing's first page.
    private typealias Listed = (versions: [ModelVersion], serverTime: Double?)

    /// The model's listing, and the expectations of its images: made concurrently when they are to be made.
    private func listing(
        _ id: ModelID, _ expectations: Expectations
    ) async throws(LiveStateError) -> (timed: Listed, expected: [Digest: LiveStateQuery.Expected]) {
        switch expectations {
        case .known(let expected):
            return (try await list(id), expected)
        case .made(let make):
            async let made = make()
            let timed = try await list(id)
            return (timed, await made)
        }
    }

    private func list(_ id: ModelID) async throws(LiveStateError) -> Listed {
        do {
            return try await client.allVersions(id).collectTimed()
        } catch {
            throw .listing(model: id, error)
        }
    }

    /// ``readModel(_:)`` inside the window. Never inlined into it: its frame, the large one, should exist
    /// only once the read may go ahead.
    @inline(never)
    private func readInWindow(_ id: ModelID, expectations: Expectations) async throws(LiveStateError) -> LiveModel {
        let (timed, expectedDetails) = try await listing(id, expectations)
        let listed = timed.versions
        let listedAt = timed.serverTime.map(WireTime.iso8601String)
        // The listing is complete: entries of versions it does not hold are of versions gone for good.
        cache?.prune(model: id.description, keeping: listed.map { ($0.number, $0.createdAt) })
        var versions: [LiveVersion] = []
        versions.reserveCapacity(listed.count)
        // Versions are immutable: one whose details were found equal to the same expectation before needs no
        // second look (its details are neither read from disk nor decoded).
        let verified = expectedDetails.isEmpty ? [:] : cache?.verified(model: id.description) ?? [:]
        var stillVerified: [String: String] = [:]
        for item in listed {
            // The client validated the answer: a digest here is canonical, and read once as a value.
            let listedDigest = item.containerImageDigest.flatMap { try? Digest(validating: $0) }
            let key = "\(item.number)-\(item.createdAt)"
            var details: ModelVersionDetails?
            if let listedDigest, let fingerprint = expectedDetails[listedDigest]?.fingerprint, verified[key] == fingerprint {
                stillVerified[key] = fingerprint
            } else if listedDigest == nil || expectedDetails[listedDigest!] != nil {
                details = try await self.details(id, item, listedDigest: listedDigest)
            }
            guard let digest = listedDigest ?? details?.containerImageDigest.flatMap({ try? Digest(validating: $0) }) else {
                throw .missingDigest(model: id, number: item.number)
            }
            let expected = expectedDetails[digest]
            var configuration: VersionConfiguration?
            if expected?.readsConfiguration == true {
                do {
                    configuration = try await client.configuration(id, number: item.number)
                } catch {
                    throw .version(model: id, number: item.number, error)
                }
            }
            let schemas = details?.schemas == expected?.schemas ? nil : details?.schemas
            let compatibilities = details?.compatibilities == expected?.compatibilities ? nil : details?.compatibilities
            if details != nil, schemas == nil, compatibilities == nil, let fingerprint = expected?.fingerprint {
                stillVerified[key] = fingerprint
            }
            versions.append(LiveVersion(
                number: item.number,
                createdAt: item.createdAt,
                containerImageDigest: digest,
                releaseNotes: item.releaseNotes,
                schemas: schemas,
                compatibilities: compatibilities,
                configuration: configuration
            ))
        }
        if stillVerified != verified, !stillVerified.isEmpty || !verified.isEmpty {
            cache?.storeVerified(stillVerified, model: id.description)
        }
        return LiveModel(model: id, versions: versions, listedAt: listedAt)
    }

    /// The details of `item`, from the cache or the API. Either must agree with the listing: a cache entry
    /// that does not (corrupted, or written by something else) is a miss, and an API answer that does not
    /// fails the read, before a version could be replaced for drift it does not have.
    private func details(_ id: ModelID, _ item: ModelVersion, listedDigest: Digest?) async throws(LiveStateError) -> ModelVersionDetails {
        let model = id.description
        if let cached = cache?.details(model: model, number: item.number, createdAt: item.createdAt),
            Self.disagreement(cached, item, listedDigest) == nil
        {
            return cached
        }
        let details: ModelVersionDetails
        do {
            details = try await client.version(id, number: item.number)
        } catch {
            throw .version(model: id, number: item.number, error)
        }
        if let (field, listed, answered) = Self.disagreement(details, item, listedDigest) {
            throw .detailsDisagree(model: id, number: item.number, field: field, listed: listed, details: answered)
        }
        // Keyed by the listing's `created_at`, the one the next read looks for.
        cache?.store(details, model: model, createdAt: item.createdAt)
        return details
    }

    /// The first field in which `details` differ from the listed `item`: its name, the listed value and the
    /// details' value; nil when they agree.
    static func disagreement(_ details: ModelVersionDetails, _ item: ModelVersion, _ listedDigest: Digest?) -> (String, String, String)? {
        // The same instant, whatever the format or the fraction of a second each endpoint writes.
        if !WireTime.sameInstant(details.createdAt, item.createdAt) {
            return ("created_at", Self.quoted(item.createdAt), Self.quoted(details.createdAt))
        }
        if let listedDigest {
            let detailed = details.containerImageDigest.flatMap { try? Digest(validating: $0) }
            if detailed != listedDigest {
                return ("container_image_digest", listedDigest.short(), detailed?.short() ?? (details.containerImageDigest == nil ? "missing" : "not a digest"))
            }
        }
        return nil
    }

    /// A server's `created_at`, shown short and on one line when it is written with a time's characters (digits,
    /// `-:.+TZ` and spaces); otherwise only its length. The text is the server's, unredacted: a server echoing
    /// the token in it would have had it shown in the error, then in logs and notifications.
    static func quoted(_ text: String) -> String {
        let timeLike = text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || "-:.+TZ ".unicodeScalars.contains($0) }
        guard timeLike else { return "(\(text.unicodeScalars.count) characters, not a time)" }
        return "'" + (text.count > 40 ? String(text.prefix(40)) + "…" : text) + "'"
    }
}

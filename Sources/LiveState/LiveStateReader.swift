import Foundation
import Declarations
import Planner
import WriftAI
import WriftAIModels

/// Reads the live versions of the declared models with the fewest requests: one listing per declared,
/// non-suspended model (page size 50); version details only where the list lacks the digest or the
/// version is declared (to compare its immutable fields), from the disk cache when there; and the
/// configuration of declared versions that declare one (it is mutable, so never cached).
/// Models are read concurrently; the client's shared pacing keeps them under the rate limit.
public struct LiveStateReader: Sendable {
    public let client: any WriftAIReading
    public let cache: VersionDetailsCache?

    public init(client: any WriftAIReading, cache: VersionDetailsCache?) {
        self.client = client
        self.cache = cache
    }

    /// The live state of every declared, non-suspended model, keyed by `owner/name`. Throws if any model
    /// cannot be read completely.
    public func read(_ declarations: [ModelDeclaration]) async throws(LiveStateError) -> [String: LiveModel] {
        let active = declarations.filter { !$0.suspend }
        do {
            return try await withThrowingTaskGroup(of: LiveModel.self) { group in
                for declaration in active {
                    group.addTask { try await readModel(declaration) }
                }
                var result: [String: LiveModel] = [:]
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

    private func readModel(_ declaration: ModelDeclaration) async throws(LiveStateError) -> LiveModel {
        let model = declaration.model
        let id: ModelID
        do {
            id = try ModelID(parsing: model)
        } catch {
            throw .invalidModel(model, error)
        }
        let listed: [ModelVersion]
        let listedAt: String?
        do {
            let timed = try await client.allVersions(id).collectTimed()
            listed = timed.versions
            listedAt = timed.serverTime.map { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: $0)) }
        } catch {
            throw .listing(model: model, error)
        }
        // The listing is complete: entries of versions it does not hold are of versions gone for good.
        cache?.prune(model: model, keeping: listed.map { ($0.number, $0.createdAt) })
        let declared = Dictionary(declaration.versions.map { ($0.containerImageDigest, $0) }, uniquingKeysWith: { first, _ in first })
        var versions: [LiveVersion] = []
        versions.reserveCapacity(listed.count)
        for item in listed {
            let listedDigest = item.containerImageDigest?.lowercased()
            var details: ModelVersionDetails?
            if listedDigest == nil || declared[listedDigest!] != nil {
                details = try await self.details(id, item)
            }
            guard let digest = listedDigest ?? details?.containerImageDigest?.lowercased() else {
                throw .missingDigest(model: model, number: item.number)
            }
            var configuration: VersionConfiguration?
            if declared[digest]?.configuration != nil {
                do {
                    configuration = try await client.configuration(id, number: item.number)
                } catch {
                    throw .version(model: model, number: item.number, error)
                }
            }
            // Details that match the declaration are not kept: the planner compares only what is there, and
            // thousands of versions' schemas would otherwise stay in memory until the plan is made.
            let wanted = declared[digest]
            let schemas = details?.schemas == wanted?.schemas ? nil : details?.schemas
            let compatibilities = details?.compatibilities == (wanted?.compatibilities ?? Compatibilities()) ? nil : details?.compatibilities
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
        return LiveModel(model: model, versions: versions, listedAt: listedAt)
    }

    private func details(_ id: ModelID, _ item: ModelVersion) async throws(LiveStateError) -> ModelVersionDetails {
        let model = id.description
        if let cached = cache?.details(model: model, number: item.number, createdAt: item.createdAt) {
            return cached
        }
        do {
            let details = try await client.version(id, number: item.number)
            cache?.store(details, model: model)
            return details
        } catch {
            throw .version(model: model, number: item.number, error)
        }
    }
}

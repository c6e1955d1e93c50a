import LiveState
import Planner
import WriftAI
import WriftAIModels

/// Whether the live state is still the one a plan was made against.
///
/// Only models with changes are re-listed (one listing each): a change elsewhere cannot make this
/// plan's changes wrong. The comparison is `LiveModel.fingerprint`, the set of
/// `(number, digest, created_at)`; configuration is left out on purpose, since re-applying one is
/// harmless while a version that appeared or vanished is not.
public struct PlanFreshness: Sendable {
    /// The reads the check makes; a dry run passes a client that cannot write.
    public let client: any WriftAIReading
    /// Where version details are cached (used only on servers whose listings lack digests).
    public let cache: VersionDetailsCache?

    /// Creates a checker.
    public init(client: any WriftAIReading, cache: VersionDetailsCache?) {
        self.client = client
        self.cache = cache
    }

    /// The models of `plan` with changes whose live fingerprint differs from the plan's, sorted by
    /// name; empty when the plan is fresh.
    ///
    /// - Throws: ``LiveStateError`` when any listing fails: freshness is then unknown, and the caller
    ///   must not apply.
    public func staleModels(_ plan: Plan) async throws(LiveStateError) -> [StaleModel] {
        Self.stale(plan, live: try await listing(plan))
    }

    /// Why `plan` must not be applied to the live state as it is now, or `nil`: a model it changes whose live
    /// versions changed since (``ApplyRails/Refusal/stale(_:)``), or, the live versions being the planned ones,
    /// a model whose facts about its latest version (before, the highest number, and after its changes) are not
    /// what the live versions and its changes make them (``ApplyRails/Refusal/misstatedLatest(_:)``): the
    /// latest-version rail and the check of the listings judge those facts.
    ///
    /// - Throws: ``LiveStateError`` when any listing fails.
    public func refusal(_ plan: Plan) async throws(LiveStateError) -> ApplyRails.Refusal? {
        let live = try await listing(plan)
        let stale = Self.stale(plan, live: live)
        if !stale.isEmpty { return .stale(stale) }
        let misstated = plan.models.flatMap { facts -> [MisstatedLatest] in
            guard let versions = live[facts.model]?.versions else { return [] }
            var found: [MisstatedLatest] = []
            let latest = versions.max { $0.number < $1.number }
            let before = latest.map { VersionReference(number: $0.number, containerImageDigest: $0.containerImageDigest) }
            if facts.latestBeforeApply != before {
                found.append(MisstatedLatest(model: facts.model, fact: .beforeApply, stated: facts.latestBeforeApply, actual: before))
            }
            // `nil` in an older plan: the apply then takes no shortcut from it.
            if let stated = facts.liveHighestNumber, stated != latest?.number ?? 0 {
                found.append(MisstatedLatest(model: facts.model, fact: .highestNumber, stated: "\(stated)", actual: "\(latest?.number ?? 0)"))
            }
            let after = plan.latestAfterApplying(facts.model, to: versions)
            if after != facts.latestAfterApply {
                found.append(MisstatedLatest(model: facts.model, fact: .afterApply, stated: facts.latestAfterApply, actual: after))
            }
            return found
        }
        return misstated.isEmpty ? nil : .misstatedLatest(misstated)
    }

    /// The live versions of the models `plan` changes, by model (an empty model included).
    private func listing(_ plan: Plan) async throws(LiveStateError) -> [ModelID: LiveModel] {
        let changed = Set(plan.changes.map(\.model))
        guard !changed.isEmpty else { return [:] }
        // No details asked for: the reader lists each model and reads details only where a listing lacks a
        // digest — exactly what the fingerprint needs.
        let query = LiveStateQuery(changed.sorted().map { LiveStateQuery.Model($0) })
        var live = try await LiveStateReader(client: client, cache: cache).read(query)
        for model in changed where live[model] == nil {
            live[model] = LiveModel(model: model, versions: [])
        }
        return live
    }

    private static func stale(_ plan: Plan, live: [ModelID: LiveModel]) -> [StaleModel] {
        let planned = Dictionary(plan.models.map { ($0.model, $0.liveFingerprint) }, uniquingKeysWith: { first, _ in first })
        return live.keys.sorted().compactMap { model in
            let current = live[model]!.fingerprint
            let expected = planned[model] ?? nil
            return expected == current ? nil : StaleModel(model: model, planned: expected, current: current)
        }
    }
}

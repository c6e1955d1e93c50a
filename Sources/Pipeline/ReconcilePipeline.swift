import Applier
import Declarations
import Foundation
import GitSource
import LiveState
import Planner
import Synchronization
import WriftAI
import WriftAIModels

/// The one reconcile pipeline every front end calls — `validate`, `plan`, `apply`, `apply --plan` and the
/// controller's `run` — as explicit, typed stages:
///
/// fetch (→ ``Snapshot``) → load (→ ``LoadedDeclarations``) → observe (→ live state) → plan (→ `Plan`) →
/// check (rails, freshness, latest-version safety) → apply (→ `ApplyResult`).
///
/// Each stage fails with a ``ReconcileFailure`` that says which stage and how a loop should react. The
/// pipeline keeps what it parsed between loads: a load of the commit loaded last costs nothing, and a new
/// commit parses only the declaration files whose content changed.
public final class ReconcilePipeline: Sendable {
    /// How the pipeline reads and checks.
    public let configuration: PipelineConfiguration

    private struct State: Sendable {
        var cache = DeclarationCache()
        var loaded: LoadedDeclarations?
        /// The commit whose declarations were found invalid, and why: loaded again, it fails the same way.
        var invalid: (commit: CommitID, failure: ReconcileFailure)?
        var parsedFiles = 0
    }

    private let state = Mutex(State())

    /// Creates a pipeline; nothing is read until a stage runs.
    public init(configuration: PipelineConfiguration) {
        self.configuration = configuration
    }

    /// A pipeline for a plan saved earlier, without its repository: it checks and applies, nothing more.
    public static func forSavedPlans(
        maxDeletes: Int, detailsCache: VersionDetailsCache?, rateLimit: Double, stateDirectory: String?, gate: PipelineConfiguration.Gate
    ) -> ReconcilePipeline {
        ReconcilePipeline(configuration: PipelineConfiguration(
            repository: nil, rails: .init(maxDeletes: maxDeletes), detailsCache: detailsCache, rateLimit: rateLimit,
            stateDirectory: stateDirectory, gate: gate
        ))
    }

    /// Declaration files parsed since the pipeline was made (each load parses only what changed).
    public var parsedFiles: Int { state.withLock { $0.parsedFiles } }

    // MARK: - Stages

    /// **fetch**: brings the repository up to date and resolves the ref. Reads no file.
    public func fetch() async throws(ReconcileFailure) -> Snapshot {
        guard let repository = configuration.repository else {
            preconditionFailure("a pipeline made for saved plans has no repository to fetch")
        }
        do {
            let synced = try await repository.source.sync(repository.spec)
            let ref = repository.ref
            let resolved = try await onOwnThread { try synced.repository.resolve(ref) }
            return Snapshot(spec: repository.spec, repository: synced.repository, resolved: resolved, directory: repository.directory, fetch: synced.stats, signature: nil)
        } catch {
            throw ReconcileFailure(.fetch, .git(Self.gitError(error)))
        }
    }

    /// **verify**: with a signature policy, the commit must carry a valid signature by a trusted key — and,
    /// in `all-since-last` mode with `since`, so must every commit after `since` up to it — before any of
    /// its files is read or any API request made. Returns the snapshot with its verified signature (as is
    /// without a policy).
    public func verify(_ snapshot: Snapshot, since: CommitID? = nil) async throws(ReconcileFailure) -> Snapshot {
        guard let policy = configuration.repository?.signatures else { return snapshot }
        let result: Result<SignatureVerification, SignatureRefusal>
        do {
            result = try await onOwnThread {
                do throws(SignatureRefusal) {
                    return .success(try snapshot.repository.verify(commit: snapshot.commit, policy: policy, since: since))
                } catch {
                    return .failure(error)
                }
            }
        } catch {
            throw ReconcileFailure(.verify, .signature(SignatureRefusal(commit: snapshot.commit, reason: .verificationFailed("\(error)"))))
        }
        switch result {
        case let .success(verification):
            var verified = snapshot
            verified.signature = verification
            return verified
        case let .failure(refusal):
            throw ReconcileFailure(.verify, .signature(refusal))
        }
    }

    /// **load**: the declarations at `snapshot`'s commit, validated. The files under the directory are listed
    /// with their blob ids; only those whose content changed since the previous load are read and parsed
    /// (and the schemas files that changed). The commit loaded last is not read again at all. With a
    /// signature policy, a snapshot not verified yet is verified first.
    ///
    /// `onModel` is told of each model as its file is parsed while no problem has been found (see
    /// ``makePlan(_:reader:only:)``); not for declarations already loaded.
    public func load(
        _ snapshot: Snapshot, onModel: (@Sendable (ModelDeclaration) -> Void)? = nil
    ) async throws(ReconcileFailure) -> LoadedDeclarations {
        // No file of a commit is read before its signature is verified, whichever way a front end came here.
        if configuration.repository?.signatures != nil, snapshot.signature == nil {
            return try await load(try await verify(snapshot), onModel: onModel)
        }
        let known = state.withLock { state -> Result<LoadedDeclarations, ReconcileFailure>? in
            if let loaded = state.loaded, loaded.snapshot.readsSameContent(as: snapshot) { return .success(loaded) }
            if snapshot.worktree == nil, let invalid = state.invalid, invalid.commit == snapshot.commit { return .failure(invalid.failure) }
            return nil
        }
        if let known { return try known.get() }

        let directory = snapshot.directory
        let limits = configuration.limits
        var cache = state.withLock { $0.cache }
        let outcome: (load: DeclarationLoad, files: Int, cache: DeclarationCache)
        do {
            outcome = try await onOwnThread { [cache] in
                var cache = cache
                let reader = try snapshot.content(maxFileSize: limits.maxFileSize)
                let entries = try reader.entries(
                    under: directory, maxFileSize: limits.maxFileSize, maxFiles: limits.maxFiles, maxTotalSize: limits.maxTotalSize
                ) { DeclarationLoader.isDeclarationPath($0, under: directory) }
                let byPath = Dictionary(entries.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
                let load = cache.load(
                    entries.map { DeclarationFileReference(path: $0.path, contentID: $0.blob.hex) },
                    limits: DeclarationLoader.Limits(totalSize: limits.maxTotalSize),
                    read: { path in
                        if let entry = byPath[path] { return Array(try reader.read(entry).data) }
                        return try Self.schemasFile(path, reader: reader, maxFileSize: limits.maxFileSize)
                    },
                    contentID: { path in (try? reader.blobID(at: path))?.hex },
                    onModel: onModel
                )
                return (load, entries.count, cache)
            }
        } catch {
            throw ReconcileFailure(.load, .git(Self.gitError(error)))
        }
        cache = outcome.cache
        switch outcome.load.result {
        case let .success(models):
            let loaded = LoadedDeclarations(snapshot: snapshot, models: models, fileCount: outcome.files, parsedFiles: outcome.load.parsedFiles)
            state.withLock { state in
                state.cache = cache
                state.loaded = loaded
                state.invalid = nil
                state.parsedFiles += outcome.load.parsedFiles
            }
            return loaded
        case let .failure(errors):
            let failure = ReconcileFailure(.load, .invalidDeclarations(errors, revision: snapshot.revision))
            state.withLock { state in
                state.cache = cache
                if snapshot.worktree == nil { state.invalid = (snapshot.commit, failure) }
                state.parsedFiles += outcome.load.parsedFiles
            }
            throw failure
        }
    }

    /// **observe**: the live versions of `models` (one listing each; details where needed, cached on disk).
    public func observe(_ models: [ModelDeclaration], reader: any WriftAIReading) async throws(ReconcileFailure) -> [ModelID: LiveModel] {
        do {
            return try await LiveStateReader(client: reader, cache: configuration.detailsCache).read(LiveStateQuery(declarations: models))
        } catch {
            throw ReconcileFailure(.observe, .liveState(error))
        }
    }

    /// The release gate's store, when there is a state directory.
    public var gateStore: ReleaseGateStore? {
        configuration.stateDirectory.map { ReleaseGateStore(stateDirectory: $0) }
    }

    /// The record of the last commit applied to the ref `snapshot` resolved, when there is a state directory and a
    /// repository.
    public func appliedCommits(for snapshot: Snapshot) -> AppliedCommitStore? {
        guard let directory = configuration.stateDirectory, let repository = configuration.repository else { return nil }
        // A commit named by its id is its own ref: keyed by the spelling, as before.
        let resolved = snapshot.resolved.kind == .commit ? nil : snapshot.resolved.name
        return AppliedCommitStore(stateDirectory: directory, repository: repository.spec, ref: repository.ref, resolved: resolved)
    }

    /// The release gate's state the planner needs: quarantined digests and versions left untested. With the
    /// smoke tests off (`--skip-smoke`) no version is planned for a test that would not run: one left untested
    /// stays so in the gate's state, and the next apply with the tests on tests it first.
    public func gateState() throws(ReconcileFailure) -> ReleaseGateState {
        guard let store = gateStore else { return ReleaseGateState() }
        do {
            var state = try store.state()
            if !configuration.gate.enabled { state.pending = [:] }
            return state
        } catch let error as StateFileError {
            throw ReconcileFailure(.observe, .state(error))
        } catch {
            throw ReconcileFailure(.observe, .state(StateFileError(what: "the release gate's state", path: store.path, reason: "cannot be read: \(error)")))
        }
    }

    /// **plan**: the changes that make the live state of `models` match their declarations. Pure.
    public func plan(
        _ models: [ModelDeclaration], live: [ModelID: LiveModel], at snapshot: Snapshot, gate: ReleaseGateState = ReleaseGateState(),
        planned: [ModelID: ModelOutcome] = [:]
    ) -> Plan {
        var revision = Revision(repository: snapshot.spec.description, ref: snapshot.resolved.name, commit: snapshot.commit.hex)
        revision.signature = snapshot.signature.map {
            Revision.Signature(method: $0.method.rawValue, keyType: $0.keyType, fingerprint: $0.fingerprint, signer: $0.signer)
        }
        return Planner.plan(declarations: models, live: live, revision: revision, gate: gate, planned: planned)
            .estimatingTime(at: configuration.rateLimit)
    }

    /// **check**: the rails every apply passes, dry runs included: too many deletes, a latest version moved
    /// away from the last declared one without the model's consent, and a create of a digest the release gate
    /// has quarantined for the declaration it carries (the planner never plans one; a plan made before the
    /// quarantine, saved or by another process on the same state directory, may).
    public func check(_ plan: Plan) throws(ReconcileFailure) {
        if let refusal = ApplyRails.check(plan, maxDeletes: configuration.rails.maxDeletes) {
            throw ReconcileFailure(.check, .refused(refusal))
        }
        let moved = plan.models.filter(\.movesLatestAwayFromDeclared).map(\.model)
        if !moved.isEmpty {
            throw ReconcileFailure(.check, .latestMoved(models: moved))
        }
        let creates = plan.changes.compactMap { change -> PlannedChange.Creation? in
            if case let .create(creation) = change, creation.gate != nil { creation } else { nil }
        }
        guard !creates.isEmpty else { return }
        let quarantined: [ReleaseGateState.Key: ReleaseGateState.Quarantine]
        do {
            quarantined = try gateState().quarantined
        } catch {
            throw ReconcileFailure(.check, error.cause)
        }
        let refused = creates.compactMap { creation -> QuarantinedCreate? in
            guard let entry = quarantined[ReleaseGateState.Key(model: creation.model, digest: creation.digest)],
                entry.fingerprint == creation.gate?.fingerprint
            else { return nil }
            return QuarantinedCreate(model: creation.model, digest: creation.digest, reason: entry.reason)
        }
        if !refused.isEmpty {
            throw ReconcileFailure(.check, .refused(.quarantined(refused)))
        }
    }

    /// **check**, before the first write of an apply: each model with changes is asked for its latest version
    /// (`GET /models/{owner}/{name}`, one request each), which must be the latest its listing showed. A listing
    /// that was another model's, or left the newest version out, then writes nothing. A model answered
    /// without `latest_version` is taken to have none: a listing that showed versions then disagrees.
    ///
    /// - Parameter asked: Answers already asked for after the listings (``PlannedRevision/latest``); only
    ///   the models without one are asked here.
    public func checkListings(_ plan: Plan, reader: any WriftAIReading, asked: [ModelID: Model] = [:]) async throws(ReconcileFailure) {
        let changed = Set(plan.changes.map(\.model))
        let checked = plan.models.filter { changed.contains($0.model) && !$0.suspended }
        // Asked together, at most 16 at a time like the models' reads (the client keeps its in-flight limit and
        // pace): one after another, these reads were a fifth of a large apply's time. Answers are kept by
        // position, in the plan's order.
        let answers = await withTaskGroup(of: (Int, Result<Model, WriftAIError>).self, returning: [(Int, Result<Model, WriftAIError>)].self) { group in
            var next = 0
            var answers: [(Int, Result<Model, WriftAIError>)] = []
            answers.reserveCapacity(checked.count)
            while next < checked.count || !group.isEmpty {
                if next < checked.count, let known = asked[checked[next].model] {
                    answers.append((next, .success(known)))
                    next += 1
                } else if next < checked.count, next - answers.count < 16 {
                    let (index, id) = (next, checked[next].model)
                    group.addTask { (index, await Self.latest(of: id, reader: reader)) }
                    next += 1
                } else if let answer = await group.next() {
                    answers.append(answer)
                }
            }
            return answers.sorted { $0.0 < $1.0 }
        }
        var mismatches: [ListingMismatch] = []
        for (facts, (_, answer)) in zip(checked, answers) {
            let model: Model
            switch answer {
            case .success(let found): model = found
            case .failure(let error): throw ReconcileFailure(.check, .liveState(.listing(model: facts.model, error)))
            }
            let listed = facts.latestBeforeApply
            let latest = model.latestVersion
            let same = listed?.number == latest?.number
                && listed?.containerImageDigest == latest?.containerImageDigest.flatMap { try? Digest(normalizing: $0) }
            // A version made after the listing (another applier, a person) is not a lie: the apply goes on,
            // and its duplicate check and the next plan deal with it. One made before it was left out.
            if !same, let latest, latest.number > (facts.liveHighestNumber ?? 0), let listedAt = facts.listedAt.flatMap(WireTime.iso8601),
                let created = WireTime.iso8601(latest.createdAt), created >= listedAt
            {
                continue
            }
            if !same {
                func describe(_ number: Int?, _ digest: String?) -> String {
                    number.map { "#\($0) (\(digest ?? "no digest"))" } ?? "no version"
                }
                let shown = latest?.containerImageDigest.map { text in (try? Digest(normalizing: text)).map { $0.short() } ?? "not a digest" }
                mismatches.append(ListingMismatch(
                    model: facts.model, listed: describe(listed?.number, listed?.containerImageDigest.short()),
                    latest: describe(latest?.number, shown)
                ))
            }
        }
        if !mismatches.isEmpty { throw ReconcileFailure(.check, .listingMismatch(mismatches)) }
    }

    /// One model's answer to `GET /models/{owner}/{name}`, as a value a task group can carry.
    static func latest(of id: ModelID, reader: any WriftAIReading) async -> Result<Model, WriftAIError> {
        do {
            return .success(try await reader.model(id))
        } catch {
            return .failure(error)
        }
    }

    /// **check**, for a plan made earlier (saved, or before a confirmation prompt): the live versions of the
    /// models it changes are listed again, and any that changed since make it stale.
    /// A plan of uncommitted files (`plan --worktree`) is refused first: no one reviewed it as a commit. Then,
    /// the live versions being the planned ones, each model's facts about its latest version (before, the highest
    /// number, after its changes) must be what they make them: the latest-version rail (``check(_:)``) and the
    /// check of the listings judge those facts.
    public func checkFreshness(_ plan: Plan, reader: any WriftAIReading) async throws(ReconcileFailure) {
        if plan.revision.worktree == true {
            throw ReconcileFailure(.check, .refused(.uncommitted))
        }
        let refusal: ApplyRails.Refusal?
        do {
            refusal = try await PlanFreshness(client: reader, cache: configuration.detailsCache).refusal(plan)
        } catch {
            throw ReconcileFailure(.check, .liveState(error))
        }
        if let refusal {
            throw ReconcileFailure(.check, .refused(refusal))
        }
    }

    /// **check**, for a saved plan applied with the repository named too: the ref must still point at the
    /// plan's commit, of the same repository. Fetches and resolves; reads no file.
    /// With a signature policy, the plan's commit is verified again.
    public func checkRevision(of plan: Plan) async throws(ReconcileFailure) {
        let snapshot = try await fetch()
        if snapshot.spec.description != plan.revision.repository {
            throw ReconcileFailure(.check, .refused(.otherRepository(planned: plan.revision.repository, given: snapshot.spec.description)))
        }
        if snapshot.commit.hex != plan.revision.commit {
            throw ReconcileFailure(.check, .refused(.refMoved(ref: snapshot.resolved.name, planned: plan.revision.commit, current: snapshot.commit.hex)))
        }
        _ = try await verify(snapshot)
    }

    /// Whether applying `plan` creates versions with smoke tests without running them (`--skip-smoke`).
    public func skipsSmoke(_ plan: Plan) -> Bool {
        !configuration.gate.enabled && plan.changes.contains { $0.gate != nil }
    }

    /// **apply**: every change of `plan`, through a client that can write. The checks are the caller's to run
    /// first. Throws a partial failure, with the result, when any change failed.
    ///
    /// - Parameters:
    ///   - shouldContinue: Asked before each change; once false, the rest is skipped (a graceful shutdown).
    ///   - onResult: Called as each change completes, from concurrent tasks.
    /// Each version created with smoke tests is tested before the model's older versions are deleted, and
    /// rolled back when a test fails (unless the gate is off, or there is no state directory to keep its
    /// outcome in).
    public func apply(
        _ plan: Plan, client: WriftAIClient, shouldContinue: @escaping @Sendable () -> Bool = { true },
        onResult: @escaping @Sendable (ActionResult) -> Void = { _ in }
    ) async throws(ReconcileFailure) -> ApplyResult {
        let gate: SmokeGate? = configuration.gate.enabled
            ? gateStore.map { SmokeGate(client: client, store: $0, timeout: configuration.gate.timeout) } : nil
        let result = await Applier(client: client, cache: configuration.detailsCache, gate: gate, shouldContinue: shouldContinue)
            .apply(plan, onResult: onResult)
        guard result.succeeded else { throw ReconcileFailure(.apply, .applyFailed(result)) }
        return result
    }

    // MARK: - Composites

    /// fetch → verify → load → observe → plan: what `plan` prints and `apply` applies. `only` limits the models
    /// observed and planned (all by default).
    public func makePlan(
        reader: any WriftAIReading, only: (@Sendable (ModelDeclaration) -> Bool)? = nil
    ) async throws(ReconcileFailure) -> PlannedRevision {
        try await makePlan(try await verify(try await fetch()), reader: reader, only: only)
    }

    /// load → observe → plan for `snapshot`, overlapped: each model's listing starts as soon as its file is
    /// parsed, so a plan takes about as long as the longer of parsing and listing rather than their sum.
    /// A problem found in the declarations cancels the listings in flight and plans nothing; nothing is
    /// written either way (listings are reads).
    ///
    /// - Parameters:
    ///   - checkingLatest: For an apply: each model planned with changes is asked for its latest version as
    ///     soon as it is planned (``PlannedRevision/latest``), for ``checkListings(_:reader:asked:)``.
    ///   - onLoaded: Told once every declaration is parsed, while the listings are out: work a front end
    ///     wants done during the plan's requests starts there, rather than competing with the first parse
    ///     (and so the first request) for the processor.
    public func makePlan(
        _ snapshot: Snapshot, reader: any WriftAIReading, only: (@Sendable (ModelDeclaration) -> Bool)? = nil,
        checkingLatest: Bool = false, onLoaded: (@Sendable () -> Void)? = nil
    ) async throws(ReconcileFailure) -> PlannedRevision {
        // The gate is read first so that each model can be planned as soon as its live state is in.
        let gate = try gateState()
        let checkLatest: (@Sendable (ModelID) async -> Model?)? = checkingLatest
            ? { @Sendable id in try? await reader.model(id) } : nil
        let observation = OverlappedObservation(
            LiveStateReader(client: reader, cache: configuration.detailsCache),
            planModel: { declaration, live in Planner.planModel(declaration, live: live, gate: gate) },
            checkLatest: checkLatest
        )
        let declarations: LoadedDeclarations
        do {
            declarations = try await load(snapshot) { model in
                if only?(model) ?? true { observation.start(model) }
            }
        } catch {
            observation.cancelAll()
            throw error
        }
        onLoaded?()
        // It needs the declarations alone: looked for while the listings are out, not after their last answer.
        async let unmanaged = unmanagedModels(declarations)
        let models = only.map { declarations.models.filter($0) } ?? declarations.models
        let live: [ModelID: LiveModel]
        let planned: [ModelID: ModelOutcome]
        let latest: [ModelID: Model]
        do {
            (live, planned, latest) = try await observation.results(models)
        } catch {
            throw ReconcileFailure(.observe, .liveState(error))
        }
        let plan = plan(models, live: live, at: declarations.snapshot, gate: gate, planned: planned)
        return PlannedRevision(
            declarations: declarations, plan: annotated(plan, declarations, unmanaged: await unmanaged), live: live, latest: latest)
    }

    /// observe → plan, for declarations already loaded.
    public func makePlan(
        _ declarations: LoadedDeclarations, reader: any WriftAIReading, only: (@Sendable (ModelDeclaration) -> Bool)? = nil
    ) async throws(ReconcileFailure) -> PlannedRevision {
        let models = only.map { declarations.models.filter($0) } ?? declarations.models
        let live = try await observe(models, reader: reader)
        let gate = try gateState()
        let plan = plan(models, live: live, at: declarations.snapshot, gate: gate)
        return PlannedRevision(declarations: declarations, plan: await annotated(plan, declarations), live: live)
    }

    // MARK: - Support

    /// A `schemas_file` by repository path, with the refusals the loader words for people.
    private static func schemasFile(_ path: String, reader: any SnapshotContent, maxFileSize: Int) throws -> [UInt8] {
        do {
            return Array(try reader.file(at: path, maxFileSize: maxFileSize).data)
        } catch let error as GitSourceError {
            switch error {
            case .pathNotFound, .worktreePathNotFound: throw RepositoryFileError.notFound
            case let .symlinkRefused(link): throw RepositoryFileError.symbolicLink(path: link)
            case .notAFile, .submoduleRefused: throw RepositoryFileError.notAFile
            case let .fileTooLarge(_, size, limit): throw RepositoryFileError.tooLarge(size: size, limit: limit)
            default: throw RepositoryFileError.unreadable(error.description)
            }
        }
    }

    /// Every error out of GitSource is a `GitSourceError`; anything else is worded as one.
    static func gitError(_ error: any Error) -> GitSourceError {
        error as? GitSourceError ?? .libgit2(function: "git", code: -1, message: "\(error)")
    }
}

import Foundation
import LiveState
import Planner
import WriftAI
import WriftAIModels

/// Executes a ``Plan`` through a client that can write.
///
/// The plan holds each model's changes together in apply order (``Plan/modelChanges``); this type runs them
/// as given:
/// - every model runs its changes one after another, and models run concurrently (the client's shared
///   pacing keeps them together under the rate limit);
/// - the first failure in a model stops that model: its later changes are reported as skipped, so no
///   delete runs after a failed create or update, and creates never run out of declaration order
///   (which would make an older declared version the latest);
/// - a failure never stops other models.
///
/// Resumable by construction: creates go through the client's safe create (an unknown outcome is
/// resolved by the version's digest, never by sending again blindly), and a delete that finds the
/// version gone counts as done. A killed apply followed by a new plan and apply converges.
///
/// Two appliers running at once on the same model can both find a version missing and both create it:
/// the API has no conditional create. So once a model's creates are done, its versions are listed
/// again and, for each digest this apply created, every older copy is deleted and the newest kept —
/// the copy the planner would keep too. Whichever applier created the later copy lists after both
/// exist, so no duplicate of a created digest outlives both applies (see ``removeDuplicates(_:in:)``).
public struct Applier: Sendable {
    /// The client the changes are made through. A dry run holds only a `ReadOnlyWriftAIClient`, which
    /// is not a `WriftAIWriting`, so it cannot build an `Applier` at all.
    public let client: any WriftAIWriting

    /// Asked before each change; once it answers false, no further change starts (those in flight finish)
    /// and the rest are reported as skipped. A controller's graceful shutdown uses it.
    public let shouldContinue: @Sendable () -> Bool

    /// Where the details of each version created are stored, so that the next plan need not read them.
    public let cache: VersionDetailsCache?

    /// Tests each version created with smoke tests before the model's older versions are deleted, and
    /// rolls back one that fails; `nil` applies without testing (`--skip-smoke`).
    public let gate: (any ReleaseGate)?

    /// Creates an applier.
    public init(
        client: any WriftAIWriting, cache: VersionDetailsCache? = nil, gate: (any ReleaseGate)? = nil,
        shouldContinue: @escaping @Sendable () -> Bool = { true }
    ) {
        self.client = client
        self.cache = cache
        self.gate = gate
        self.shouldContinue = shouldContinue
    }

    /// Applies every change of `plan` and returns what happened to each.
    ///
    /// The rails (``ApplyRails``, ``PlanFreshness``) are the caller's to check first: this method
    /// applies what it is given.
    ///
    /// - Parameter onResult: Called as each change completes (or is skipped), from concurrent tasks.
    public func apply(_ plan: Plan, onResult: @escaping @Sendable (ActionResult) -> Void = { _ in }) async -> ApplyResult {
        let facts = Dictionary(plan.models.map { ($0.model, $0) }, uniquingKeysWith: { first, _ in first })
        let results = await withTaskGroup(of: [ActionResult].self, returning: [ActionResult].self) { group in
            for changes in plan.modelChanges {
                let run = ModelRun(changes: changes, liveHighestNumber: facts[changes.model]?.liveHighestNumber, listedAt: facts[changes.model]?.listedAt)
                group.addTask { await applyModel(run, onResult: onResult) }
            }
            var all: [ActionResult] = []
            for await results in group { all += results }
            return all
        }
        return ApplyResult(revision: plan.revision, actions: results)
    }

    /// One model's changes with the facts of the plan's listing the duplicate check needs.
    struct ModelRun: Sendable {
        /// The changes, in apply order.
        var changes: ModelChanges
        /// The plan's ``ModelPlan/liveHighestNumber`` for this model.
        var liveHighestNumber: Int?
        /// The plan's ``ModelPlan/listedAt`` for this model.
        var listedAt: String?
    }

    /// Runs one model's changes in order, stopping at the first failure.
    func applyModel(_ model: ModelRun, onResult: @Sendable (ActionResult) -> Void) async -> [ActionResult] {
        var results: [ActionResult] = []
        var stoppedBy: ActionResult?
        for (index, change) in zip(model.changes.indices, model.changes.changes) {
            let result: ActionResult
            if stoppedBy == nil && !shouldContinue() {
                result = ActionResult(index: index, change: change, outcome: .skipped, error: "not started: stopping")
            } else if let failed = stoppedBy {
                result = ActionResult(
                    index: index, change: change, outcome: .skipped,
                    error: "not attempted because \(ApplyText.verb(failed.action)) \(ApplyText.subject(failed)) failed"
                )
            } else {
                result = await run(change, at: index, liveHighestNumber: model.liveHighestNumber)
                // A rollback stops the model too: its older versions must stay, and a later create would
                // take the traffic the rolled-back one was meant to.
                if result.outcome == .failed || result.outcome == .rolledBack { stoppedBy = result }
            }
            results.append(result)
            onResult(result)
        }
        let unproven = results.contains { $0.outcome == .created } && !Self.createdRightAfterThePlan(results, liveHighestNumber: model.liveHighestNumber)
        // A version rolled back after a send in doubt: that send may still land, as an untested latest version.
        let rolledBackInDoubt = results.contains { $0.outcome == .rolledBack && $0.action == .create && !$0.createSendsSettled }
        if (unproven || rolledBackInDoubt) && shouldContinue() {
            for result in await removeDuplicates(results, in: model) {
                results.append(result)
                onResult(result)
            }
        }
        return results
    }

    /// Whether this apply's creates got the numbers right after the highest the plan saw, in order: numbers
    /// only grow and are never reused, so no one else created a version of the model in between, and a
    /// duplicate made later is the later creator's to remove (its own numbers are not contiguous). Then the
    /// duplicate check's listing can be saved.
    static func createdRightAfterThePlan(_ results: [ActionResult], liveHighestNumber: Int?) -> Bool {
        guard let highest = liveHighestNumber else { return false }
        let created = results.filter { $0.outcome == .created }.sorted { $0.index < $1.index }
        // A send whose outcome was unknown may still act later, on a slow server, and make a copy.
        guard created.allSatisfy(\.createSendsSettled) else { return false }
        // Numbers come from the API: add without trapping, whatever it said.
        for (offset, result) in created.enumerated() {
            let (next, overflow) = highest.addingReportingOverflow(1 + offset)
            guard !overflow, result.number == next else { return false }
        }
        return true
    }

    /// Lists the model once more and deletes every copy of a digest created by `results` but the newest, and
    /// every copy of a digest rolled back after a send in doubt.
    ///
    /// Only copies made while this apply ran are touched: numbers above the highest the plan listed (numbers
    /// only grow, so anything at or below it existed before), never a version the plan did not see created
    /// after its listing, and the newest copy — the one taking traffic if it is the latest — is always kept:
    /// the copy a later listing keeps is never older than an earlier listing's, so two appliers never delete
    /// each other's last copy. (A lost create's first send landing after the model's next create is then the
    /// latest, out of declaration order: the next plan warns, and with `on_out_of_order: recreate` re-creates
    /// the versions declared after it.) Without the plan's highest number (an older plan) nothing is removed.
    /// Each removal is confirmed like a planned delete. Deleting is idempotent, so two appliers removing the same copy are harmless. Items
    /// listed without a digest (older servers) are not checked.
    func removeDuplicates(_ results: [ActionResult], in model: ModelRun) async -> [ActionResult] {
        let created = results.filter { $0.outcome == .created }
        // Of a digest rolled back after a send in doubt, no copy is kept: its tests failed.
        let rolledBack = results.filter { $0.outcome == .rolledBack && $0.action == .create && !$0.createSendsSettled }
        guard let first = (created + rolledBack).min(by: { $0.index < $1.index }), let highest = model.liveHighestNumber else { return [] }
        let id = model.changes.model
        let listed: [ModelVersion]
        do {
            listed = try await client.allVersions(id).collect()
        } catch {
            // A failed check, not a failed delete: no number, and the line says so (see `ApplyText`).
            var failure = first
            // Listed after the model's planned changes, where the check ran.
            failure.index = model.changes.indices.last ?? first.index
            failure.action = .delete
            failure.number = nil
            failure.outcome = .failed
            failure.error = "listing its versions failed (run apply again): \(error)"
            return [failure]
        }
        // A version the plan's listing should have shown (made before it) is never a copy of this apply's,
        // even if that listing left it out: only those made since the second of the listing are touched (the
        // server's `Date` has whole seconds: one made in that second just before it cannot be told apart).
        let after = model.listedAt.flatMap(WireTime.iso8601)
        // Of a created digest the newest copy stays; of a digest rolled back after a send in doubt, none.
        let keeps = created.map { ($0, true) } + rolledBack.map { ($0, false) }
        var removals: [ActionResult] = []
        for (result, keepsNewest) in keeps {
            let copies = listed.filter { Self.digest($0.containerImageDigest) == result.containerImageDigest }
            let kept = keepsNewest ? copies.map(\.number).max() : nil
            let removable = copies.filter { copy in
                guard copy.number > highest, copy.number != kept else { return false }
                guard let after else { return true }
                return WireTime.iso8601(copy.createdAt).map { $0 >= after } ?? false
            }
            for number in removable.map(\.number) {
                var removal = result
                removal.error = nil
                removal.action = .delete
                removal.number = number
                removal.duplicateOf = kept ?? result.number
                removal.outcome = .deleted
                if let refusal = await confirm(id, number: number, digest: result.containerImageDigest) {
                    removal.outcome = refusal.outcome
                    removal.error = refusal.error
                    removals.append(removal)
                    continue
                }
                do {
                    removal.outcome = try await client.deleteVersion(id, number: number) == .deleted ? .deleted : .alreadyDeleted
                } catch .notFound {
                    removal.outcome = .alreadyDeleted
                } catch {
                    removal.outcome = .failed
                    removal.error = error.description
                }
                removals.append(removal)
            }
        }
        return removals
    }

    /// Runs the release gate's tests on version `number` (just created, or created by an apply that stopped
    /// before testing it): `nil` when they passed or there are none; otherwise the version is deleted again
    /// — the previous version takes the un-pinned traffic back — and the result says which test failed.
    func gated(_ change: PlannedChange, id: ModelID, number: Int, index: Int) async -> ActionResult? {
        guard let gate, change.gate != nil else { return nil }
        guard let failure = await gate.test(change, number: number) else {
            await gate.passed(change)
            return nil
        }
        if failure.undetermined {
            // Nothing is known of the image: deleting the version and quarantining its digest would punish a
            // healthy one for an API that failed, or a deadline. It stays untested (its pending record kept),
            // and the model stops: nothing older is deleted in its favour.
            var result = ActionResult(index: index, change: change, outcome: .failed, number: number)
            result.error = "\(failure); #\(number) is kept, untested: the next apply tests it before anything else of \(id)"
            return result
        }
        if case .smokeTest = change, await isOnlyLiveVersion(id, number: number) {
            // A version made by an earlier apply, now the model's only one (the older ones went with
            // `--skip-smoke`, or by hand): deleting it would leave the model with no version at all. Whether a
            // model may be empty is the declaration's `allow_empty`, which the planner applies to the rollback it
            // plans next, from the quarantine. (A version just created is different: creates come before a
            // model's deletes, so alone in its listing it found the model empty, and its rollback restores that.)
            var result = ActionResult(index: index, change: change, outcome: .failed, number: number)
            result.error = "\(failure); #\(number) is \(id)'s only version, so it is not deleted here (the model would have none): "
                + "\(change.digest) is quarantined, and the next plan deletes it only with allow_empty: true, or once another version is live"
            if let unrecorded = await gate.failed(change, number: number, failure: failure, rolledBack: false) {
                result.error = "\(failure); #\(number) is \(id)'s only version, so it is not deleted here (the model would have none), and "
                    + Self.unrecordedQuarantine(change.digest, unrecorded, live: true)
            }
            return result
        }
        var result = ActionResult(index: index, change: change, outcome: .rolledBack, number: number)
        var rolledBack = true
        var gone = false
        let refusal = await confirm(id, number: number, digest: change.digest)
        if let refusal, refusal.outcome != .alreadyDeleted {
            rolledBack = false
            result.outcome = .failed
            result.error = "\(failure); rolling #\(number) back failed: \(refusal.error ?? "unknown error") (it stays quarantined: the next apply deletes it)"
        } else if refusal != nil {
            gone = true
        } else {
            do {
                _ = try await client.deleteVersion(id, number: number)
                result.error = "\(failure); #\(number) was deleted again and \(change.digest) quarantined"
            } catch .notFound {
                gone = true
            } catch {
                rolledBack = false
                result.outcome = .failed
                result.error = "\(failure); rolling #\(number) back failed: \(error) (it stays quarantined: the next apply deletes it)"
            }
        }
        if gone {
            // Deleted while its tests ran — by another apply removing it as a duplicate of its own copy, or by
            // hand: the failure may be that going, not the image. Quarantined, its digest would make the next
            // plan delete the copy that stays; untested, that copy is tested first by the next apply.
            result.outcome = .failed
            result.error = "\(failure); #\(number) was deleted while its smoke tests ran (another apply removing a duplicate, "
                + "or by hand), so \(change.digest) is not quarantined: the next apply tests the copy that stays, if any"
            return result
        }
        if let unrecorded = await gate.failed(change, number: number, failure: failure, rolledBack: rolledBack) {
            // Said in the result (its outcome stays: rolled back or failed, both fail the apply), after what happened.
            if rolledBack {
                result.error = "\(failure); #\(number) was deleted again, but " + Self.unrecordedQuarantine(change.digest, unrecorded, live: false)
            } else {
                result.error = (result.error ?? "\(failure)") + "; and " + Self.unrecordedQuarantine(change.digest, unrecorded, live: true)
            }
        }
        return result
    }

    /// Why a failed version's digest is not kept out: its quarantine could not be recorded. Gone, the next plan
    /// makes it again; still `live`, it stays pending, and the next apply tests it again.
    static func unrecordedQuarantine(_ digest: Digest, _ reason: String, live: Bool) -> String {
        "\(digest) could not be quarantined (\(reason)): "
            + (live ? "the version stays, pending, and the next apply tests it again" : "the next plan creates it again")
            + " until the release gate's state can be written"
    }

    /// Whether version `number` is the only one the model's listing shows now; `false` when the listing cannot be
    /// read (the rollback then goes ahead, as its tests failed).
    func isOnlyLiveVersion(_ id: ModelID, number: Int) async -> Bool {
        guard let listed = try? await client.allVersions(id).collect() else { return false }
        return listed.map(\.number) == [number]
    }

    /// Asks the API what version `number` of the model is before it is deleted: the digest the plan saw must
    /// be the one it has. A listing that returned another model's items, or numbers that do not mean what
    /// the plan thought, then deletes nothing. `nil` when the delete may go ahead; otherwise how it ends.
    func confirm(_ id: ModelID, number: Int, digest: Digest) async -> (outcome: ActionOutcome, error: String?)? {
        let details: ModelVersionDetails
        do {
            details = try await client.version(id, number: number)
        } catch .notFound {
            // Gone already: an interrupted apply, or someone else, deleted it. Done either way.
            return (.alreadyDeleted, nil)
        } catch {
            return (.failed, "not deleted: reading #\(number) to confirm it is the version planned failed: \(error)")
        }
        guard details.number == number, Self.digest(details.containerImageDigest) == digest else {
            let found = details.containerImageDigest.map { "\($0)" } ?? "no digest"
            return (.failed, "not deleted: the API says #\(details.number == number ? number : details.number) has \(found), "
                + "not \(digest) as the plan's listing did; the listing may be wrong or out of date (make a new plan)")
        }
        return nil
    }

    /// A digest as the API wrote it, read as a value; `nil` when it wrote none or something that is not one.
    static func digest(_ text: String?) -> Digest? {
        text.flatMap { try? Digest(normalizing: $0) }
    }

    /// Makes one API call: `change`, at `index` in the plan's changes, in a model whose highest number the
    /// plan listed as `liveHighestNumber` (`nil` from an older plan).
    func run(_ change: PlannedChange, at index: Int, liveHighestNumber: Int? = nil) async -> ActionResult {
        func failed(_ message: String) -> ActionResult {
            ActionResult(index: index, change: change, outcome: .failed, error: message)
        }
        let id = change.model
        switch change {
        case let .create(creation):
            if let gate, creation.gate != nil, let problem = await gate.willCreate(change) {
                return failed("not created: \(problem)")
            }
            let created: ModelVersionDetails
            let noSendInDoubt: Bool
            let answer: [UInt8]?
            do {
                let outcome = try await client.createVersionReportingSends(id, creation.request)
                (created, noSendInDoubt, answer) = (outcome.details, outcome.noSendInDoubt, outcome.answer)
            } catch {
                return failed(error.description)
            }
            let createdDigest = Self.digest(created.containerImageDigest)
            // An answer naming no digest could be about any version (the client refuses one; this holds
            // whatever client is given).
            guard createdDigest == creation.digest else {
                return failed("the API answered with #\(created.number), whose digest is \(created.containerImageDigest ?? "not named")")
            }
            // Numbers only grow, so a "created" version numbered at or below the one it replaces is
            // the old version found by its digest: the create did not happen, and deleting the old one
            // next would lose the digest altogether.
            if let replaced = creation.replaces, created.number <= replaced {
                return failed("found #\(created.number), the version this create replaces, rather than a new version")
            }
            // Likewise for any number at or below the highest the plan listed: not a new version, whatever the
            // answer (or the lookup of a lost create) said. Testing it, or taking it for the latest, would be
            // about another version.
            if let highest = liveHighestNumber, created.number <= highest {
                return failed("the API gave #\(created.number) for the new version, not above #\(highest), the highest it listed "
                    + "before: numbers only grow, so it is not a new version (the listing may have been incomplete: make a new plan)")
            }
            // The next plan reads this version's details from the cache instead of the API.
            if let answer {
                cache?.store(created, answer: answer, model: id.description)
            } else {
                cache?.store(created, model: id.description)
            }
            var result = ActionResult(index: index, change: change, outcome: .created, number: created.number)
            result.createSendsSettled = noSendInDoubt
            if let rollback = await gated(change, id: id, number: created.number, index: index) {
                var rolledBack = rollback
                rolledBack.createSendsSettled = noSendInDoubt
                return rolledBack
            }
            return result

        case let .smokeTest(run):
            guard gate != nil else {
                // A saved plan applied with the tests off: the version is not tested, and must not read as passed.
                return ActionResult(index: index, change: change, outcome: .untested,
                                    error: "the smoke tests are off (--skip-smoke); #\(run.number) stays pending until an apply with them on")
            }
            return await gated(change, id: id, number: run.number, index: index)
                ?? ActionResult(index: index, change: change, outcome: .tested)

        case let .updateConfiguration(update):
            let body = ConfigurationUpdate(hardwareIdentifier: update.to.hardwareIdentifier, variableNames: update.to.variableNames)
            do {
                _ = try await client.updateConfiguration(id, number: update.number, body)
            } catch {
                return failed(error.description)
            }
            return ActionResult(index: index, change: change, outcome: .configured)

        case let .delete(deletion):
            let number = deletion.number
            if let refusal = await confirm(id, number: number, digest: deletion.digest) {
                return ActionResult(index: index, change: change, outcome: refusal.outcome, error: refusal.error)
            }
            do {
                switch try await client.deleteVersion(id, number: number) {
                case .deleted: return ActionResult(index: index, change: change, outcome: .deleted)
                case .alreadyDeleted: return ActionResult(index: index, change: change, outcome: .alreadyDeleted)
                }
            } catch .notFound {
                // Gone before this run: an interrupted apply, or someone else, deleted it. Done either way.
                return ActionResult(index: index, change: change, outcome: .alreadyDeleted)
            } catch {
                return failed(error.description)
            }
        }
    }
}

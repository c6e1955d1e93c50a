import Declarations
import WriftAIModels

/// The plan for one declared model: its changes, warnings and facts. Made by ``Planner/planModel(_:live:gate:)``
/// as soon as the model's live state is known, and put together with the others by
/// ``Planner/plan(declarations:live:revision:gate:planned:)``.
public struct ModelOutcome: Sendable {
    var changes: [PlannedChange]
    var warnings: [PlanWarning]
    var unchanged: Int
    var facts: ModelPlan

    /// Whether the model has anything to change.
    public var hasChanges: Bool { !changes.isEmpty }
}

/// Plans one model. Every rule of the planner that concerns a single model lives here.
struct ModelPlanning {
    let declaration: ModelDeclaration
    /// The live versions; `nil` when not fetched, which a non-suspended model is planned as having none.
    let live: LiveModel?
    /// Quarantined digests and versions whose smoke tests never finished.
    var gate = ReleaseGateState()

    private var model: ModelID { declaration.model }
    private var liveVersions: [LiveVersion] { live?.versions ?? [] }
    /// The fingerprint of what was planned against: an unfetched non-suspended model counts as empty.
    private var fingerprint: String? {
        live?.fingerprint ?? (declaration.suspend ? nil : LiveModel(model: model, versions: []).fingerprint)
    }

    func run() -> ModelOutcome {
        // Identity of a version is its digest within its model. With duplicates the newest is the match; the
        // older ones are treated as undeclared. Always the newest, as the applier's duplicate check keeps: a rule
        // weighing other digests' copies let two appliers, listing at different moments, each delete the other's.
        var newestByDigest: [Digest: LiveVersion] = [:]
        for version in liveVersions {
            let digest = version.containerImageDigest
            if let current = newestByDigest[digest], current.number >= version.number { continue }
            newestByDigest[digest] = version
        }

        if declaration.suspend {
            return suspended(newestByDigest: newestByDigest)
        }

        let keep = Set(declaration.keep)
        var creates: [PlannedChange] = []
        var smokeTests: [PlannedChange] = []
        var updates: [PlannedChange] = []
        var warnings: [PlanWarning] = []
        var unchanged = 0
        var matched: Set<Int> = []
        var rollbacks: Set<Int> = []
        // Quarantined declarations whose image still serves through a copy made before the failed one.
        var servingDespiteQuarantine: Set<Digest> = []
        var replaced: [Int: [DriftField]] = [:]
        var seen: Set<Digest> = []

        for declared in declaration.versions {
            let digest = declared.containerImageDigest
            // Validation rejects a digest declared twice; should one slip through, plan it once.
            guard seen.insert(digest).inserted else { continue }

            guard let match = newestByDigest[digest] else {
                if let warning = quarantineWarning(declared) {
                    warnings.append(warning)
                } else {
                    creates.append(create(declared, reason: "declared, not live"))
                }
                continue
            }
            if let warning = quarantineWarning(declared), let quarantine = quarantine(declared) {
                warnings.append(warning)
                // The version whose tests failed, live still: a rollback that did not finish. Finish it, with
                // any copy above it (a send in doubt that landed later, as untested). Not a copy below it: that
                // one was live before (the version a replacement or a re-creation was to follow), served until
                // then, and stays, as declared. A record without the number (an older WriftSync's) cannot tell
                // them apart, and deletes nothing.
                let copies = liveVersions.filter { $0.containerImageDigest == digest }
                guard let failed = quarantine.number else {
                    matched.formUnion(copies.map(\.number))
                    continue
                }
                rollbacks.formUnion(copies.map(\.number).filter { $0 >= failed })
                if let earlier = copies.filter({ $0.number < failed }).max(by: { $0.number < $1.number }) {
                    matched.insert(earlier.number)
                    servingDespiteQuarantine.insert(digest)
                }
                continue
            }
            matched.insert(match.number)
            if gate.pending[ReleaseGateState.Key(model: model, digest: digest)] != nil {
                // Created by an apply that stopped before its smoke tests finished: test it before anything
                // else of the model, so that no older version is deleted in favour of an untested one.
                if let gate = gateCheck(for: declared) {
                    smokeTests.append(.smokeTest(.init(
                        model: model, number: match.number, digest: match.containerImageDigest, releaseNotes: match.releaseNotes,
                        reason: "created by an apply that stopped before its smoke tests finished", declaredAt: declared.location.description,
                        gate: gate
                    )))
                }
            }

            let drift = DriftField.between(declared: declared, live: match)
            if !drift.isEmpty {
                let replacing = declaration.onImmutableChange == .replace
                // keep means never deleted, and replacing deletes: keep wins, and the warning says so.
                let protected = replacing && keep.contains(match.number)
                if replacing, !protected {
                    replaced[match.number] = drift
                    creates.append(
                        create(
                            declared,
                            reason: "replaces #\(match.number): immutable drift in \(DriftField.list(drift))",
                            replaces: match.number
                        )
                    )
                    continue
                }
                warnings.append(driftWarning(declared, match: match, drift: drift, protected: protected))
            }

            if let update = configurationUpdate(declared, match: match) {
                updates.append(update)
            } else {
                unchanged += 1
            }
        }

        var deletes: [PlannedChange] = []
        for version in liveVersions.sorted(by: { $0.number < $1.number }) {
            if let drift = replaced[version.number] {
                deletes.append(
                    delete(version, reason: "replaced by a new version: immutable drift in \(DriftField.list(drift))")
                )
                continue
            }
            if rollbacks.contains(version.number), !keep.contains(version.number) {
                deletes.append(delete(version, reason: "rolling back a release whose smoke tests failed (quarantined)"))
                continue
            }
            guard !matched.contains(version.number), declaration.prune, !keep.contains(version.number) else {
                continue
            }
            let newest = newestByDigest[version.containerImageDigest]
            if let newest, newest.number != version.number, matched.contains(newest.number) {
                deletes.append(delete(version, reason: "not declared: an older duplicate of #\(newest.number)"))
            } else {
                deletes.append(delete(version, reason: "not declared"))
            }
        }

        /// The create that makes `declared` again after the versions before it; its live copy `match` is no longer
        /// updated or tested, and goes as a replaced version does (unless kept, or prune is off).
        func recreate(_ declared: VersionDeclaration, superseding match: LiveVersion, reason: String) -> PlannedChange {
            if updates.contains(where: { $0.number == match.number }) {
                updates.removeAll { $0.number == match.number }
            } else {
                unchanged -= 1
            }
            smokeTests.removeAll { $0.number == match.number }
            if declaration.prune, !keep.contains(match.number) {
                deletes.append(delete(match, reason: "superseded by its re-creation (on_out_of_order: recreate)"))
            }
            return create(declared, reason: reason, replaces: match.number)
        }

        // Creates come after every live version, so a create of anything but the last declared version makes
        // an earlier declared version the latest, and un-pinned predictions move to it. When the last declared
        // version is the latest of what stays, that needs the model's consent.
        let liveLatest = liveVersions.max { $0.number < $1.number }
        let deleted = Set(deletes.compactMap(\.number))
        let remainingLatest = liveVersions.filter { !deleted.contains($0.number) }.max { $0.number < $1.number }
        // The version that must be the latest: the last declared one whose smoke tests did not fail. A quarantined
        // last version is being rolled back (or was never made), so the one before it holds the traffic meanwhile
        // — unless a copy of its image made before the failed one serves still: that copy is the declared one.
        let releasable = declaration.versions.filter {
            quarantineWarning($0) == nil || servingDespiteQuarantine.contains($0.containerImageDigest)
        }
        if let remainingLatest, let declaredLast = releasable.last,
            remainingLatest.containerImageDigest == declaredLast.containerImageDigest,
            let lastCreate = creates.last, lastCreate.digest != declaredLast.containerImageDigest
        {
            switch declaration.onOutOfOrder {
            case .hold:
                for create in creates {
                    warnings.append(heldWarning(create, latest: remainingLatest))
                    if let number = create.replaces, let match = liveVersions.first(where: { $0.number == number }),
                        let declared = declaration.versions.first(where: { $0.containerImageDigest == match.containerImageDigest })
                    {
                        // The replace is held with it: the drifted version stays, as with `on_immutable_change: warn`,
                        // configuration update included.
                        deletes.removeAll { $0.number == number }
                        warnings.append(driftWarning(declared, match: match, drift: replaced[number] ?? [], protected: false))
                        replaced[number] = nil
                        if let update = configurationUpdate(declared, match: match) {
                            updates.append(update)
                        } else {
                            unchanged += 1
                        }
                    }
                }
                creates = []
            case .recreate:
                let first = declaration.versions.firstIndex { $0.containerImageDigest == creates[0].digest } ?? 0
                let creating = Set(creates.map(\.digest))
                var ordered: [PlannedChange] = []
                var seenLater: Set<Digest> = []
                for declared in declaration.versions[first...] {
                    let digest = declared.containerImageDigest
                    // A quarantined version is never made again: its live copy, if any, is being rolled back.
                    guard seenLater.insert(digest).inserted, quarantineWarning(declared) == nil else { continue }
                    if creating.contains(digest) {
                        ordered += creates.filter { $0.digest == digest }
                        continue
                    }
                    guard let match = newestByDigest[digest], replaced[match.number] == nil else { continue }
                    // Re-created after the version created before it, so that declaration order, and the last
                    // declared version as the latest, come back.
                    ordered.append(recreate(declared, superseding: match,
                        reason: "re-created after the versions declared before it, so that the last declared version stays the latest (on_out_of_order: recreate)"))
                }
                creates = ordered
                deletes.sort { $0.number ?? 0 < $1.number ?? 0 }
            case .allow:
                break
            }
        } else if declaration.onOutOfOrder == .recreate, creates.isEmpty, let remainingLatest, let declaredLast = releasable.last,
            remainingLatest.containerImageDigest != declaredLast.containerImageDigest,
            let position = releasable.firstIndex(where: { $0.containerImageDigest == remainingLatest.containerImageDigest }),
            matched.contains(remainingLatest.number)
        {
            // An earlier declared version is the latest with nothing to create: a recreate stopped between its
            // creates (killed, a create failed, a release rolled back). The versions declared after it are made
            // again, in order, so that the last declared version is the latest again rather than left as is.
            for declared in releasable[(position + 1)...] {
                guard let match = newestByDigest[declared.containerImageDigest], matched.contains(match.number) else { continue }
                creates.append(recreate(declared, superseding: match,
                    reason: "re-created after #\(remainingLatest.number), an earlier declared version that is the latest, so that the last declared version is the latest again (on_out_of_order: recreate)"))
            }
            deletes.sort { $0.number ?? 0 < $1.number ?? 0 }
        }

        // A model left with no version at all is almost always a mistake (an emptied file, a bad
        // merge), so pruning the last version needs an explicit allow_empty.
        if !deletes.isEmpty, !declaration.allowEmpty, liveVersions.count - deletes.count + creates.count == 0 {
            // The rail keeps what pruning would take, not a version whose smoke tests failed: cancelling its
            // rollback too left the failed image the latest. (Rolled back alone, it goes only with allow_empty.)
            let rollingBack = deletes.filter { $0.number.map(rollbacks.contains) ?? false }
            let pruned = deletes.count - rollingBack.count
            let rest = rollingBack.isEmpty || pruned == 0
                ? "so none is deleted"
                : "so only the rollback of \(rollingBack.compactMap(\.number).map { "#\($0)" }.joined(separator: ", ")) goes ahead, "
                    + "and the \(pruned == 1 ? "version" : "\(pruned) versions") it would prune \(pruned == 1 ? "stays" : "stay")"
            warnings.append(
                PlanWarning(
                    model: model,
                    kind: .emptyRefused,
                    message: "pruning would delete \(deletes.count == 1 ? "the only live version" : "all \(deletes.count) live versions") and leave the model empty, "
                        + "\(rest); set allow_empty: true to allow it",
                    declaredAt: declaration.location.description
                )
            )
            deletes = pruned == 0 ? [] : rollingBack
        }

        let gone = Set(deletes.compactMap(\.number))
        // Undeclared versions that stay: a reviewer sees them, and why, since one of them may be the latest.
        let kept = liveVersions
            .filter { !matched.contains($0.number) && !gone.contains($0.number) && replaced[$0.number] == nil }
            .sorted { $0.number < $1.number }
            .map { version in
                KeptVersion(
                    number: version.number, containerImageDigest: version.containerImageDigest, releaseNotes: version.releaseNotes,
                    reason: keep.contains(version.number) ? .keep : declaration.prune ? .emptyRefused : .pruneOff
                )
            }
        let latestAfterApply: VersionReference? =
            if let last = creates.last {
                VersionReference(number: nil, containerImageDigest: last.digest)
            } else {
                liveVersions
                    .filter { !gone.contains($0.number) }
                    .max { $0.number < $1.number }
                    .map { VersionReference(number: $0.number, containerImageDigest: $0.containerImageDigest) }
            }
        let declaredLatest = releasable.last.map { declared in
            let match = newestByDigest[declared.containerImageDigest]
            let survives = match.map { replaced[$0.number] == nil } ?? false
            return VersionReference(
                number: survives ? match?.number : nil,
                containerImageDigest: declared.containerImageDigest
            )
        }
        if let latestAfterApply, let declaredLatest,
            latestAfterApply.containerImageDigest != declaredLatest.containerImageDigest
        {
            warnings.append(
                latestWarning(latest: latestAfterApply, declared: declaredLatest, declaredDigests: seen, keep: keep)
            )
        }

        return ModelOutcome(
            changes: smokeTests + creates + updates + deletes,
            warnings: warnings,
            unchanged: unchanged,
            facts: ModelPlan(
                model: model,
                latestAfterApply: latestAfterApply,
                declaredLatest: declaredLatest,
                liveFingerprint: fingerprint,
                suspended: false,
                liveHighestNumber: live.map { $0.versions.map(\.number).max() ?? 0 },
                latestBeforeApply: liveLatest.map { VersionReference(number: $0.number, containerImageDigest: $0.containerImageDigest) },
                onOutOfOrder: declaration.onOutOfOrder,
                listedAt: live?.listedAt,
                kept: kept.isEmpty ? nil : kept
            )
        )
    }

    /// The configuration update that brings `match` to `declared`'s configuration, if it differs.
    private func configurationUpdate(_ declared: VersionDeclaration, match: LiveVersion) -> PlannedChange? {
        guard let target = declared.configuration,
            match.configuration.map({ ConfigurationComparison.isSatisfied(target, by: $0) }) != true
        else { return nil }
        return .updateConfiguration(.init(
            model: model, number: match.number, digest: match.containerImageDigest, releaseNotes: match.releaseNotes,
            reason: ConfigurationComparison.reason(from: match.configuration, to: target), to: target, from: match.configuration,
            declaredAt: declared.location.description
        ))
    }

    /// A suspended model is skipped entirely: no changes, no warnings, only its facts.
    private func suspended(newestByDigest: [Digest: LiveVersion]) -> ModelOutcome {
        let latest = liveVersions.max { $0.number < $1.number }
        let declaredLatest = declaration.versions.last.map {
            VersionReference(
                number: newestByDigest[$0.containerImageDigest]?.number,
                containerImageDigest: $0.containerImageDigest
            )
        }
        return ModelOutcome(
            changes: [],
            warnings: [],
            unchanged: 0,
            facts: ModelPlan(
                model: model,
                latestAfterApply: latest.map {
                    VersionReference(number: $0.number, containerImageDigest: $0.containerImageDigest)
                },
                declaredLatest: declaredLatest,
                liveFingerprint: fingerprint,
                suspended: true
            )
        )
    }

    private func create(_ declared: VersionDeclaration, reason: String, replaces: Int? = nil) -> PlannedChange {
        .create(.init(
            model: model, digest: declared.containerImageDigest, releaseNotes: declared.releaseNotes, reason: reason,
            request: declared.createRequest, declaredAt: declared.location.description, replaces: replaces, gate: gateCheck(for: declared)
        ))
    }

    /// The release gate's tests of `declared`, with the fingerprint a quarantine would name (only a version
    /// with tests can be quarantined); `nil` when it has none.
    private func gateCheck(for declared: VersionDeclaration) -> PlannedChange.GateCheck? {
        let tests = declaration.smokeChecks(for: declared).map(SmokeTest.init)
        return tests.isEmpty ? nil : PlannedChange.GateCheck(tests: tests, fingerprint: declared.gateFingerprint(tests))
    }

    /// The quarantine of `declared`'s digest, when it is for this declaration.
    private func quarantine(_ declared: VersionDeclaration) -> ReleaseGateState.Quarantine? {
        guard let entry = gate.quarantined[ReleaseGateState.Key(model: model, digest: declared.containerImageDigest)],
            entry.fingerprint == gateCheck(for: declared)?.fingerprint ?? declared.gateFingerprint([])
        else { return nil }
        return entry
    }

    /// The warning that keeps a quarantined digest from being created again, while its declaration is the one
    /// whose smoke tests failed.
    private func quarantineWarning(_ declared: VersionDeclaration) -> PlanWarning? {
        guard let entry = quarantine(declared) else { return nil }
        return PlanWarning(
            model: model,
            kind: .quarantined,
            containerImageDigest: declared.containerImageDigest,
            message: "\(declared.containerImageDigest.short()) is quarantined: its smoke tests failed (\(entry.reason)); "
                + "it is not created again until its declaration changes or `wriftsync quarantine clear` lifts it",
            declaredAt: declared.location.description
        )
    }

    private func delete(_ version: LiveVersion, reason: String) -> PlannedChange {
        .delete(.init(model: model, number: version.number, digest: version.containerImageDigest, releaseNotes: version.releaseNotes, reason: reason))
    }

    private func driftWarning(
        _ declared: VersionDeclaration,
        match: LiveVersion,
        drift: [DriftField],
        protected: Bool
    ) -> PlanWarning {
        var message = "#\(match.number) differs from its declaration in \(DriftField.list(drift))"
        if drift.contains(.releaseNotes) {
            message += " (live release notes \(VersionText.quoted(match.releaseNotes)), "
                + "declared \(VersionText.quoted(declared.releaseNotes)))"
        }
        if protected {
            message += "; these are immutable and #\(match.number) is in keep, so it is not replaced"
        } else {
            message += "; these are immutable, so it is left as is (on_immutable_change: replace would re-create it)"
        }
        return PlanWarning(
            model: model,
            kind: .immutableDrift,
            number: match.number,
            containerImageDigest: match.containerImageDigest,
            message: message,
            declaredAt: declared.location.description
        )
    }

    private func heldWarning(_ create: PlannedChange, latest: LiveVersion) -> PlanWarning {
        let what = create.replaces.map { "the replacement of #\($0)" } ?? "it"
        return PlanWarning(
            model: model,
            kind: .outOfOrderHeld,
            containerImageDigest: create.digest,
            message: "\(create.digest.short()) is declared but not live; creating \(what) now would make it "
                + "the latest version instead of #\(latest.number), the last declared version, and un-pinned predictions would move to it. "
                + "Held back (on_out_of_order: hold): declare it last, remove it, or set on_out_of_order: recreate (re-creates the "
                + "versions declared after it) or allow",
            declaredAt: create.declaredAt
        )
    }

    private func latestWarning(
        latest: VersionReference,
        declared: VersionReference,
        declaredDigests: Set<Digest>,
        keep: Set<Int>
    ) -> PlanWarning {
        var message = "after apply the latest version would be \(VersionText.reference(latest)), "
            + "not the last declared version \(VersionText.reference(declared))"
        if latest.number == nil {
            message += ": a version declared before it is created after it"
        } else if declared.number == nil {
            message += ": the last declared version is not live, and this apply does not create it (held back or quarantined)"
        } else if declaredDigests.contains(latest.containerImageDigest) {
            message += ": an earlier declared version has a higher number"
        } else if let number = latest.number, keep.contains(number) {
            message += ": it is not declared but is in keep"
        } else {
            message += ": it is not declared but prune is off"
        }
        return PlanWarning(
            model: model,
            kind: .latestMismatch,
            number: latest.number,
            containerImageDigest: latest.containerImageDigest,
            message: message,
            declaredAt: declaration.location.description
        )
    }
}

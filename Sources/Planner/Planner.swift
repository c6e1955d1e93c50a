import Declarations
import WriftAIModels

/// Computes plans. Pure: the same declarations and live state always give the same plan, and
/// nothing here touches git, the network or the disk.
public enum Planner {
    /// Plans how to bring the declared models' live versions in line with their declarations.
    ///
    /// Rules, per declared model (undeclared models are never touched, nor listed):
    /// - A suspended model gets no changes and is listed with `suspended: true`.
    /// - Identity of a version is its digest within its model. When live versions share a digest,
    ///   the newest (highest number) is the match and the others count as undeclared.
    /// - **create** each declared version with no live match, in declaration order; its create
    ///   payload carries the declared configuration.
    /// - **update_configuration** each matched version whose declared configuration (when given)
    ///   differs from the live one, or whose live configuration was not observed.
    /// - **delete** each unmatched live version when `prune` is on and its number is not in `keep`,
    ///   unless that would leave the model with no version and `allowEmpty` is off: then no delete
    ///   is planned for the model and a warning says why.
    /// - **Immutable drift** (release notes, schemas when fetched, compatibilities when fetched):
    ///   a warning, or with `onImmutableChange: .replace` a delete of the live version and a create of
    ///   the declared one (a version in `keep` is never replaced, only warned about).
    /// - A warning when the version that will be latest after apply is not the last declared one.
    ///
    /// The estimate counts requests; its time is for the caller, who knows the pace (``Plan/estimatingTime(at:)``).
    ///
    /// - Parameters:
    ///   - declarations: Valid declarations, one per model.
    ///   - live: The live versions of every declared, non-suspended model, keyed by model;
    ///     a model missing here is planned as having no versions.
    ///   - revision: The commit the declarations came from.
    ///   - gate: The release gate's state: quarantined digests are not created again while their declaration
    ///     is unchanged (a warning says so), and versions whose smoke tests never finished are tested first.
    public static func plan(
        declarations: [ModelDeclaration],
        live: [ModelID: LiveModel],
        revision: Revision,
        gate: ReleaseGateState = ReleaseGateState()
    ) -> Plan {
        plan(declarations: declarations, live: live, revision: revision, gate: gate, planned: [:])
    }

    /// One model's part of a plan: what ``plan(declarations:live:revision:gate:)`` works out for
    /// `declaration` (the same value, whenever it is made). A caller reading models one by one plans each as
    /// its live state arrives, and hands the outcomes to ``plan(declarations:live:revision:gate:planned:)``.
    public static func planModel(_ declaration: ModelDeclaration, live: LiveModel?, gate: ReleaseGateState) -> ModelOutcome {
        ModelPlanning(declaration: declaration, live: live, gate: gate).run()
    }

    /// ``plan(declarations:live:revision:gate:)`` with some models planned already (by ``planModel(_:live:gate:)``
    /// with the same live state and gate): those are taken as they are, the others are planned here.
    public static func plan(
        declarations: [ModelDeclaration],
        live: [ModelID: LiveModel],
        revision: Revision,
        gate: ReleaseGateState,
        planned outcomes: [ModelID: ModelOutcome]
    ) -> Plan {
        var changes: [PlannedChange] = []
        var warnings: [PlanWarning] = []
        var models: [ModelPlan] = []
        var unchanged = 0
        var planned: Set<ModelID> = []

        for declaration in declarations.sorted(by: { $0.model < $1.model }) {
            // Validation rejects a model declared twice; should one slip through, the first wins.
            guard planned.insert(declaration.model).inserted else { continue }
            let outcome = outcomes[declaration.model] ?? ModelPlanning(
                declaration: declaration,
                live: live[declaration.model],
                gate: gate
            ).run()
            changes += outcome.changes
            warnings += outcome.warnings
            models.append(outcome.facts)
            unchanged += outcome.unchanged
        }

        // At least one request per smoke case (a prediction answered at once; polls come on top).
        let requests = changes.count + changes.reduce(0) { $0 + ($1.gate?.tests.count ?? 0) } - changes.count { $0.action == .smokeTest }
        return Plan(
            revision: revision,
            summary: PlanSummary(
                create: changes.count { $0.action == .create },
                updateConfiguration: changes.count { $0.action == .updateConfiguration },
                delete: changes.count { $0.action == .delete },
                unchanged: unchanged,
                warnings: warnings.count,
                smokeTest: changes.count { $0.action == .smokeTest }
            ),
            changes: changes,
            warnings: warnings,
            models: models,
            // The time depends on the pace of the apply, which the caller knows: `estimatingTime(at:)`.
            estimate: PlanEstimate(requests: requests, seconds: 0)
        )
    }
}

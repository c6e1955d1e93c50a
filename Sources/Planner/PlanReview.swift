import WriftAIModels

/// What a reviewer is shown of a plan, worked out once so that the text and Markdown renderings say the same
/// thing: per model, one row per change (a replacement as one row), the undeclared versions that stay, the
/// warnings and the latest version before and after; and across models, the risks to read first.
struct PlanReview {
    /// One line of a model's table.
    struct Row {
        enum Kind {
            /// `+ create`: a version the plan creates.
            case create
            /// `± replace`: a version created in place of a live one with the same digest, which is deleted.
            case replace
            /// `~ configure`: a configuration update.
            case configure
            /// `- delete`.
            case delete
            /// `= kept`: an undeclared live version that stays.
            case kept
            /// `? smoke test #N`: the release gate's tests of a version created before they could finish.
            case smokeTest
        }

        var kind: Kind
        /// The live number: the version configured, deleted, kept, or replaced; `nil` for a create.
        var number: Int?
        var digest: Digest
        var releaseNotes: String?
        var reason: String
        /// For creates and replacements: the configuration and compatibilities the version is created with;
        /// and for them and smoke tests, the release gate's tests.
        var details: [String] = []
    }

    /// One model with something to show.
    struct Model {
        var facts: ModelPlan
        var rows: [Row]
        var warnings: [PlanWarning]

        /// Whether the latest version after apply differs from the latest before.
        var latestChanges: Bool { PlanReview.latestChanges(facts) }
    }

    /// A model whose latest version moves, after apply, to one that is not its last declared version.
    struct LatestRisk {
        var model: ModelID
        var before: VersionReference?
        var after: VersionReference
        var declared: VersionReference
    }

    /// Models with changes or warnings, in the plan's order.
    var models: [Model] = []
    /// Suspended models, by name.
    var suspended: [ModelID] = []
    /// The risks the summary starts with.
    var latestRisks: [LatestRisk] = []

    init(_ plan: Plan) {
        for facts in plan.models {
            if facts.suspended {
                suspended.append(facts.model)
                continue
            }
            let changes = Array(plan.modelChanges.first { $0.model == facts.model }?.changes ?? [])
            let warnings = plan.warnings.filter { $0.model == facts.model }
            if changes.isEmpty, warnings.isEmpty { continue }
            var rows = Self.rows(changes)
            rows += (facts.kept ?? []).map { kept in
                Row(kind: .kept, number: kept.number, digest: kept.containerImageDigest, releaseNotes: kept.releaseNotes, reason: Self.reason(kept.reason))
            }
            models.append(Model(facts: facts, rows: rows, warnings: warnings))
            if let risk = Self.latestRisk(facts) { latestRisks.append(risk) }
        }
    }

    /// The rows of one model's changes, in the plan's order; a create with `replaces` and the delete of the
    /// version it replaces become one `replace` row, where the create is.
    static func rows(_ changes: [PlannedChange]) -> [Row] {
        let replacedNumbers = Set(changes.compactMap(\.replaces))
        let deleted = Set(changes.filter { $0.action == .delete }.compactMap(\.number))
        var rows: [Row] = []
        for change in changes {
            switch change {
            case let .create(create):
                let details = Self.details(create.request) + Self.smoke(create.gate?.tests)
                if let number = create.replaces, deleted.contains(number) {
                    rows.append(Row(kind: .replace, number: number, digest: create.digest, releaseNotes: create.releaseNotes, reason: create.reason, details: details))
                } else {
                    rows.append(Row(kind: .create, digest: create.digest, releaseNotes: create.releaseNotes, reason: create.reason, details: details))
                }
            case let .updateConfiguration(update):
                rows.append(Row(kind: .configure, number: update.number, digest: update.digest, releaseNotes: update.releaseNotes, reason: update.reason))
            case let .smokeTest(run):
                rows.append(Row(kind: .smokeTest, number: run.number, digest: run.digest, releaseNotes: run.releaseNotes, reason: run.reason, details: Self.smoke(run.gate.tests)))
            case let .delete(delete):
                if replacedNumbers.contains(delete.number) { continue }
                rows.append(Row(kind: .delete, number: delete.number, digest: delete.digest, releaseNotes: delete.releaseNotes, reason: delete.reason))
            }
        }
        return rows
    }

    /// `configuration: hardware gpu-a100, variables [HF_TOKEN]` and `compatibilities: openai_chat_completions`,
    /// when the create sets them.
    static func details(_ request: CreateVersionRequest?) -> [String] {
        guard let request else { return [] }
        var details: [String] = []
        if let configuration = request.configuration {
            details.append("configuration: hardware \(configuration.hardwareIdentifier), variables \(ConfigurationComparison.variables(configuration.variableNames))")
        }
        if let compatibilities = request.compatibilities {
            let flags = [
                ("openai_chat_completions", compatibilities.openaiChatCompletions),
                ("openai_embeddings", compatibilities.openaiEmbeddings),
                ("openai_images_generations", compatibilities.openaiImagesGenerations),
                ("openai_responses", compatibilities.openaiResponses),
                ("anthropic_messages", compatibilities.anthropicMessages),
            ].filter(\.1).map(\.0)
            if !flags.isEmpty { details.append("compatibilities: " + flags.joined(separator: ", ")) }
        }
        return details
    }

    /// `smoke: name, max 5 s, output checked against the output schema`, one per release-gate test.
    static func smoke(_ tests: [SmokeTest]?) -> [String] {
        (tests ?? []).map { test in
            "smoke: \(test.name), max \(VersionText.seconds(test.maxSeconds)), "
                + (test.expectOutput == nil ? "output checked against the output schema" : "exact output expected")
        }
    }

    static func reason(_ reason: KeptVersion.Reason) -> String {
        switch reason {
        case .keep: "not declared, in keep: never deleted"
        case .pruneOff: "not declared, prune is off: left alone"
        case .emptyRefused: "not declared, not deleted: pruning would leave the model empty"
        }
    }

    static func same(_ one: VersionReference?, _ other: VersionReference?) -> Bool {
        one?.containerImageDigest == other?.containerImageDigest && one?.number == other?.number
    }

    static func latestChanges(_ facts: ModelPlan) -> Bool {
        !same(facts.latestBeforeApply, facts.latestAfterApply)
    }

    /// The model's latest moves to a version that is not its last declared one.
    static func latestRisk(_ facts: ModelPlan) -> LatestRisk? {
        guard latestChanges(facts), let after = facts.latestAfterApply, let declared = facts.declaredLatest,
            after.containerImageDigest != declared.containerImageDigest
        else { return nil }
        return LatestRisk(model: facts.model, before: facts.latestBeforeApply, after: after, declared: declared)
    }

    /// `#4 (040404040404) → #5 (050505050505)`, `none → new (…)`, or `#4 (040404040404), unchanged`.
    static func latest(_ facts: ModelPlan) -> String {
        let before = facts.latestBeforeApply.map(VersionText.reference) ?? "none"
        guard latestChanges(facts) else { return before + ", unchanged" }
        return before + " → " + (facts.latestAfterApply.map(VersionText.reference) ?? "none")
    }

    /// The sentence of a latest risk, for people.
    static func sentence(_ risk: LatestRisk) -> String {
        let from = risk.before.map { "from \(VersionText.reference($0)) " } ?? ""
        return "the latest version changes \(from)to \(VersionText.reference(risk.after)), which is not the last declared version "
            + "\(VersionText.reference(risk.declared)): un-pinned predictions will go to it"
    }
}

import Applier
import ArgumentParser
import Foundation
import Notifications
import Pipeline
import Planner
import WriftAI
import WriftAIModels

/// `wriftsync apply`: plan and apply, or apply a saved plan once it is proven fresh.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the live versions match the declarations: plan, confirm, then create, configure and delete.",
        usage: HelpText.applyUsage,
        discussion: """
            With --repo, apply plans first (exactly like `wriftsync plan`) and applies that plan. With --plan FILE \
            it applies a plan saved by `plan --out`, after re-listing the models it changes: if any of them \
            changed since (or, with --repo too, the ref moved), it refuses with "plan is stale" and changes nothing.

            Per model: creates in declaration order, then configuration updates, then deletes; the first \
            failure in a model stops that model, other models go on. Exit status: 0 when everything planned \
            was applied (or there was nothing to do), 1 on any error, refusal or failed change.

            """ + HelpText.applyExamples
    )

    @OptionGroup var git: GitOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var smoke: GateOptions
    @OptionGroup var notifications: NotifyOptions
    @OptionGroup var history: HistoryOptions

    @Option(name: .long, help: ArgumentHelp("Apply this saved plan (from `plan --out`) instead of planning.", valueName: "file"))
    var plan: String?

    @Flag(name: .long, help: "Print the plan and apply nothing (only read requests are made).")
    var dryRun = false

    @Flag(name: .long, help: "Apply without asking for confirmation (required when stdin is not a terminal).")
    var autoApprove = false

    @Option(name: .long, help: ArgumentHelp("Refuse a plan that deletes more versions than this.", valueName: "n"))
    var maxDeletes: Int = ApplyRails.defaultMaxDeletes

    @Option(name: .long, help: "Output format: text, or json (the per-change results on stdout).")
    var format: ApplyOutputFormat = .text

    func validate() throws {
        guard git.repo != nil || plan != nil else {
            throw ValidationError("Give --repo to plan and apply, or --plan FILE to apply a saved plan.")
        }
        guard maxDeletes >= 0 else { throw ValidationError("--max-deletes must not be negative.") }
        if plan != nil, git.repo == nil, git.trustedSigners != nil || git.trustedGpgKeys != nil {
            throw ValidationError("Verifying the plan's commit needs the repository: give --repo with --plan and --trusted-signers or --trusted-gpg-keys.")
        }
    }

    func run() async throws {
        let output = ApplyOutput(format: format)
        // Without a terminal nobody can answer a prompt: fail before any git or API work.
        if !dryRun && !autoApprove && isatty(STDIN_FILENO) != 1 {
            printError("apply asks for confirmation, and stdin is not a terminal: review the plan "
                + "(`wriftsync plan` or `apply --dry-run`), then pass --auto-approve (nothing was applied)")
            throw ExitCode.failure
        }
        let started = ContinuousClock.now
        let client: WriftAIClient
        let pipeline: ReconcilePipeline?
        let recorder: ReconcileRecorder
        do {
            // Processes on one token and cache pace together: back-to-back commands stay under the limit.
            client = try api.makeClient(sharedPacingDirectory: git.cacheDirectory)
            pipeline = git.repo == nil ? nil : try git.pipeline(api: api, maxDeletes: maxDeletes, gate: smoke.gate)
            recorder = try notifications.recorder(git: git, history: history)
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
        let status: Int32
        let capture = ApplyCapture(smokeSkipped: smoke.skipSmoke, history: dryRun ? nil : recorder.history)
        do {
            if dryRun {
                // The dry run only ever holds the read-only view: it has no write methods to call.
                try await dryRun(pipeline: pipeline, reader: client.readOnly, output: output, capture: capture)
            } else {
                try await apply(pipeline: pipeline, client: client, output: output, capture: capture)
            }
            status = 0
        } catch let failure as ReconcileFailure {
            output.flush()
            if case .applyFailed = failure.cause {} else { failure.print() }
            capture.failure = failure
            status = 1
        } catch {
            status = 1
        }
        output.flush()
        // Connections close while the record is written.
        let closing = Task { try? await client.shutdown() }
        // A preview records and tells nothing; an apply that changed something, failed or was refused does.
        if !dryRun, var report = capture.report() {
            report.commitDetails = await capture.commitDetails()
            await capture.recorder(recorder, git: git).record(ReconcileOutcome(
                report: report, trigger: .cli, duration: ContinuousClock.now - started, baseline: true
            ), encodedActions: capture.encodedActions)
        }
        await recorder.notifier?.deliverPosted(within: .seconds(15))
        await closing.value
        // All the apply owes is done: its output written, its record durable, its notices delivered, its
        // connections closed. It ends here rather than tearing the plan, the declarations and the repository
        // down on the way back to the main thread (1.4–1.9 ms from the record to `exit`, traced).
        Foundation.exit(status)
    }

    /// Prints the plan and what the real run would refuse; makes only read requests.
    private func dryRun(pipeline: ReconcilePipeline?, reader: ReadOnlyWriftAIClient, output: ApplyOutput, capture: ApplyCapture) async throws {
        let (plan, checks, latest) = try await preparePlan(pipeline: pipeline, reader: reader, capture: capture)
        output.showPlan(plan, asResult: true)
        try checks.check(plan)
        try await checks.checkListings(plan, reader: reader, asked: latest)
        output.note("Dry run: nothing was applied.")
    }

    /// Plans (or loads and checks a saved plan), checks the rails, confirms, applies, reports.
    private func apply(pipeline: ReconcilePipeline?, client: WriftAIClient, output: ApplyOutput, capture: ApplyCapture) async throws {
        let (plan, checks, latest) = try await preparePlan(
            pipeline: pipeline, reader: client.readOnly, capture: capture, preparingRecord: true)
        output.showPlan(plan, asResult: false)
        try checks.check(plan)
        guard plan.summary.hasChanges else {
            output.finish(ApplyResult(revision: plan.revision, actions: []), nothingToDo: true)
            return
        }
        if !autoApprove {
            guard output.confirm() else {
                printError("apply cancelled; nothing was applied")
                throw ExitCode.failure
            }
            // The world may have moved while the prompt waited: re-check before the first write.
            try await checks.checkFreshness(plan, reader: client.readOnly)
        }
        try await checks.checkListings(plan, reader: client.readOnly, asked: latest)
        let progress = ApplyProgress(
            total: plan.changes.count,
            rateLimit: api.rateLimit,
            output: output,
            enabled: isatty(STDERR_FILENO) == 1 && plan.estimate.seconds >= 2
        )
        progress.start()
        capture.prepareRecord()
        let result: ApplyResult
        do {
            result = try await checks.apply(plan, client: client, onResult: { result in
                progress.completed(result)
                capture.completed(result)
            })
        } catch {
            progress.finish()
            if case let .applyFailed(partial) = error.cause {
                capture.result = partial
                output.finish(partial, nothingToDo: false)
            }
            throw error
        }
        capture.result = result
        progress.finish()
        output.finish(result, nothingToDo: false)
    }

    /// The plan to apply — a fresh one from the repository, or the saved one once proven fresh (and, with
    /// `--repo`, made from the commit the ref is at) — the pipeline that checks and applies it, and the latest
    /// versions a fresh plan asked for right after its listings.
    ///
    /// With `preparingRecord`, the record's preparation starts once the declarations are parsed, while the
    /// plan's requests are out: not between the plan's last answer and the first change (1–2 ms there,
    /// traced), nor beside the first parse, whose threads it slowed (the first request left 3 ms later).
    private func preparePlan(
        pipeline: ReconcilePipeline?, reader: ReadOnlyWriftAIClient, capture: ApplyCapture, preparingRecord: Bool = false
    ) async throws -> (Plan, ReconcilePipeline, [ModelID: Model]) {
        guard let path = plan else {
            // `validate()` makes --repo required without --plan.
            let pipeline = pipeline!
            // The snapshot is kept from the first stage on: a failure to load still names its commit.
            let snapshot = try await pipeline.verify(try await pipeline.fetch())
            capture.snapshot = snapshot
            let onLoaded: (@Sendable () -> Void)? = preparingRecord ? { @Sendable in capture.prepareRecord() } : nil
            let planned = try await pipeline.makePlan(snapshot, reader: reader, checkingLatest: true, onLoaded: onLoaded)
            capture.plan = planned.plan
            return (planned.plan, pipeline, planned.latest)
        }
        let saved: Plan
        do {
            saved = try Plan.decode(from: try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch let error as PlanFormatError {
            printError("cannot apply \(path): \(error.description)")
            throw ExitCode.failure
        } catch {
            printError("cannot read the plan \(path): \(error.localizedDescription)")
            throw ExitCode.failure
        }
        let checks: ReconcilePipeline
        if pipeline != nil {
            // The ref the plan resolved (`refs/heads/main`) unless another is named.
            var options = git
            if options.ref == nil { options.ref = saved.revision.ref }
            checks = try options.pipeline(api: api, maxDeletes: maxDeletes, gate: smoke.gate)
            try await checkRevision(of: saved, with: checks)
        } else {
            checks = ReconcilePipeline.forSavedPlans(
                maxDeletes: maxDeletes, detailsCache: git.versionDetailsCache(api: api), rateLimit: api.rateLimit,
                stateDirectory: git.stateDirectory, gate: smoke.gate
            )
        }
        capture.plan = saved
        try await checks.checkFreshness(saved, reader: reader)
        return (saved, checks, [:])
    }
}

extension ApplyCommand {
    /// The saved plan's commit against the ref's; a repository that cannot be read is said to be the reason.
    private func checkRevision(of plan: Plan, with pipeline: ReconcilePipeline) async throws {
        do {
            try await pipeline.checkRevision(of: plan)
        } catch {
            guard error.stage == .fetch else { throw error }
            printError("cannot check the plan against \(git.displayRepository): \(error) (nothing was applied)")
            throw ExitCode.failure
        }
    }
}

/// The formats of `wriftsync apply --format`.
enum ApplyOutputFormat: String, ExpressibleByArgument, CaseIterable {
    /// The plan, a line per change as it completes, and the summary.
    case text
    /// The per-change results as JSON on stdout (the plan with `--dry-run`); progress lines go to stderr.
    case json
}

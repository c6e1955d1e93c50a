import Applier
import ArgumentParser
import Controller
import Declarations
import Foundation
import GitSource
import LiveState
import Planner
import WriftAI

/// `wriftsync apply`: plan and apply, or apply a saved plan once it is proven fresh.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the live versions match the declarations: plan, confirm, then create, configure and delete.",
        discussion: """
            With --repo, apply plans first (exactly like `wriftsync plan`) and applies that plan. With --plan FILE \
            it applies a plan saved by `plan --out`, after re-listing the models it changes: if any of them \
            changed since (or, with --repo too, the ref moved), it refuses with "plan is stale" and changes nothing.

            Per model: creates in declaration order, then configuration updates, then deletes; the first \
            failure in a model stops that model, other models go on. Exit status: 0 when everything planned \
            was applied (or there was nothing to do), 1 on any error, refusal or failed change.
            """
    )

    @OptionGroup var git: GitOptions
    @OptionGroup var api: APIOptions

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
    }

    func run() async throws {
        let output = ApplyOutput(format: format)
        // Without a terminal nobody can answer a prompt: fail before any git or API work.
        if !dryRun && !autoApprove && isatty(STDIN_FILENO) != 1 {
            printError("apply asks for confirmation, and stdin is not a terminal: review the plan "
                + "(`wriftsync plan` or `apply --dry-run`), then pass --auto-approve (nothing was applied)")
            throw ExitCode.failure
        }
        let client: WriftAIClient
        do {
            client = try api.makeClient()
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
        let status: Int32
        if dryRun {
            // The dry run only ever holds the read-only view: it has no write methods to call.
            status = await dryRun(reader: client.readOnly, output: output)
        } else {
            status = await apply(client: client, output: output)
        }
        try? await client.shutdown()
        if status != 0 { throw ExitCode(status) }
    }

    /// Prints the plan and what the real run would refuse; makes only read requests.
    private func dryRun(reader: ReadOnlyWriftAIClient, output: ApplyOutput) async -> Int32 {
        guard let plan = await preparePlan(reader: reader) else { return 1 }
        output.showPlan(plan, asResult: true)
        if let refusal = ApplyRails.check(plan, maxDeletes: maxDeletes) {
            printError(refusal.description)
            return 1
        }
        output.note("Dry run: nothing was applied.")
        return 0
    }

    /// Plans (or loads and checks a saved plan), checks the rails, confirms, applies, reports.
    private func apply(client: WriftAIClient, output: ApplyOutput) async -> Int32 {
        guard let plan = await preparePlan(reader: client.readOnly) else { return 1 }
        output.showPlan(plan, asResult: false)
        if let refusal = ApplyRails.check(plan, maxDeletes: maxDeletes) {
            printError(refusal.description)
            return 1
        }
        guard plan.summary.hasChanges else {
            output.finish(ApplyResult(revision: plan.revision, actions: []), nothingToDo: true)
            return 0
        }
        if !autoApprove {
            guard output.confirm() else {
                printError("apply cancelled; nothing was applied")
                return 1
            }
            // The world may have moved while the prompt waited: re-check before the first write.
            if let refusal = await staleness(of: plan, reader: client.readOnly) {
                printError(refusal)
                return 1
            }
        }
        let progress = ApplyProgress(
            total: plan.changes.count,
            rateLimit: api.rateLimit,
            output: output,
            enabled: isatty(STDERR_FILENO) == 1 && plan.estimate.seconds >= 2
        )
        progress.start()
        let result = await Applier(client: client).apply(plan) { progress.completed($0) }
        progress.finish()
        output.finish(result, nothingToDo: false)
        return result.succeeded ? 0 : 1
    }

    /// The plan to apply: a fresh one from the repository, or the saved one once proven fresh.
    /// `nil` after printing why there is none.
    private func preparePlan(reader: ReadOnlyWriftAIClient) async -> Plan? {
        guard let path = plan else {
            switch await PlanCommand.makePlan(git: git, api: api, reader: reader) {
            case let .success(plan):
                return plan
            case let .failure(failure):
                failure.report()
                return nil
            }
        }
        let saved: Plan
        do {
            saved = try Plan.decode(from: try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch let error as PlanFormatError {
            printError("cannot apply \(path): \(error.description)")
            return nil
        } catch {
            printError("cannot read the plan \(path): \(error.localizedDescription)")
            return nil
        }
        if git.repo != nil, let refusal = refMoved(since: saved) {
            printError(refusal)
            return nil
        }
        if let refusal = await staleness(of: saved, reader: reader) {
            printError(refusal)
            return nil
        }
        return saved
    }

    /// Why `plan` may no longer be applied to the repository named by `--repo`, or `nil` when it may.
    private func refMoved(since plan: Plan) -> String? {
        var options = git
        // The ref the plan resolved (`refs/heads/main`) unless another is named.
        if options.ref == nil { options.ref = plan.revision.ref }
        let source: DeclarationSource
        do {
            source = try DeclarationSource(git: options)
        } catch {
            return "cannot check the plan against \(git.displayRepository): \(error) (nothing was applied)"
        }
        if source.spec.description != plan.revision.repository {
            return ApplyRails.Refusal.otherRepository(planned: plan.revision.repository, given: source.spec.description).description
        }
        if source.resolved.commit.hex != plan.revision.commit {
            return ApplyRails.Refusal.refMoved(ref: source.resolved.name, planned: plan.revision.commit, current: source.resolved.commit.hex)
                .description
        }
        return nil
    }

    /// Why `plan` no longer matches the live state, or `nil` when it still does.
    private func staleness(of plan: Plan, reader: any WriftAIReading) async -> String? {
        do {
            let stale = try await PlanFreshness(client: reader, cache: git.versionDetailsCache(api: api)).staleModels(plan)
            return stale.isEmpty ? nil : ApplyRails.Refusal.stale(stale).description
        } catch {
            return "cannot check that the plan is still fresh: \(error.description)"
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

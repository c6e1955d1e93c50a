import ArgumentParser
import Foundation
import Pipeline
import Planner
import WriftAI

/// `wriftsync plan`: what apply would do, for a reviewer (text, Markdown) or a script (JSON).
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Compare the declarations with the live versions and print the changes apply would make (changes nothing).",
        usage: HelpText.planUsage,
        discussion: HelpText.planExamples
    )

    @OptionGroup var git: GitOptions
    @OptionGroup var worktree: WorktreeOption
    @OptionGroup var api: APIOptions

    @Option(name: .long, help: "Output format: text, markdown or json.")
    var format: PlanFormat = .text

    @Option(name: .long, help: ArgumentHelp("Also save the plan (JSON) here, for a later `apply --plan`.", valueName: "file"))
    var out: String?

    @Flag(name: .long, help: "Exit 2 when the plan has changes, 0 when it has none (1 is always an error).")
    var detailedExitcode = false

    func validate() throws {
        try git.requireRepository()
        try worktree.check(git)
        if worktree.worktree, out != nil {
            throw ValidationError("--out saves a plan for `apply --plan`, and a plan of uncommitted files cannot be applied as reviewed: commit them, then plan without --worktree.")
        }
    }

    func run() async throws {
        let client: WriftAIClient
        let pipeline: ReconcilePipeline
        do {
            client = try api.makeClient(sharedPacingDirectory: git.cacheDirectory)
            pipeline = try git.pipeline(api: api)
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
        let made: Result<PlannedRevision, ReconcileFailure>
        do {
            let snapshot = try await worktree.snapshot(pipeline, path: git.path)
            made = .success(try await pipeline.makePlan(snapshot, reader: client.readOnly))
        } catch {
            made = .failure(error)
        }
        try? await client.shutdown()
        let plan: Plan
        switch made {
        case let .success(planned):
            plan = planned.plan
        case let .failure(failure):
            failure.print()
            throw ExitCode.failure
        }
        if let out {
            do {
                try plan.encodedJSON().write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                printError("cannot save the plan to \(out): \(error.localizedDescription)")
                throw ExitCode.failure
            }
        }
        let colour = format == .text && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        print(try format.render(plan, colour: colour), terminator: format == .json ? "\n" : "")
        if detailedExitcode && plan.summary.hasChanges {
            throw ExitCode(2)
        }
    }
}

extension PlanFormat: ExpressibleByArgument {}

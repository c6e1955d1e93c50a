import ArgumentParser
import Controller
import Declarations
import Foundation
import GitSource
import LiveState
import Planner
import WriftAI

/// `wriftsync plan`: what apply would do, for a reviewer (text, Markdown) or a script (JSON).
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Compare the declarations with the live versions and print the changes apply would make (changes nothing)."
    )

    @OptionGroup var git: GitOptions
    @OptionGroup var api: APIOptions

    @Option(name: .long, help: "Output format: text, markdown or json.")
    var format: PlanFormat = .text

    @Option(name: .long, help: ArgumentHelp("Also save the plan (JSON) here, for a later `apply --plan`.", valueName: "file"))
    var out: String?

    @Flag(name: .long, help: "Exit 2 when the plan has changes, 0 when it has none (1 is always an error).")
    var detailedExitcode = false

    func validate() throws {
        try git.requireRepository()
    }

    func run() async throws {
        let client: WriftAIClient
        do {
            client = try api.makeClient()
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
        let made = await Self.makePlan(git: git, api: api, reader: client.readOnly)
        try? await client.shutdown()
        let plan: Plan
        switch made {
        case let .success(value):
            plan = value
        case let .failure(failure):
            failure.report()
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

    /// Declarations at the commit, the live state through a read-only client, then the pure planner.
    /// The caller's client is used so that one process paces all its requests together.
    static func makePlan(git: GitOptions, api: APIOptions, reader: ReadOnlyWriftAIClient) async -> Result<Plan, PlanningFailure> {
        let source: DeclarationSource
        do {
            source = try DeclarationSource(git: git)
        } catch {
            return .failure(.other("\(error)"))
        }
        return await makePlan(source: source, git: git, api: api, reader: reader)
    }

    /// The plan for the declarations already read into `source` (the planning `run` shares).
    static func makePlan(source: DeclarationSource, git: GitOptions, api: APIOptions, reader: ReadOnlyWriftAIClient) async
        -> Result<Plan, PlanningFailure>
    {
        let planned = await ReconcilePlanning.plan(
            source: source, reader: reader, cache: git.versionDetailsCache(api: api), rateLimit: api.rateLimit
        )
        switch planned {
        case let .success(plan): return .success(plan)
        case let .failure(.invalid(errors, revision)): return .failure(.invalid(errors, revision: revision))
        case let .failure(.liveState(message)): return .failure(.other(message))
        }
    }
}

/// Why no plan could be made.
enum PlanningFailure: Error {
    case invalid(DeclarationErrors, revision: String)
    case other(String)

    func report() {
        switch self {
        case let .invalid(errors, revision):
            for diagnostic in errors.diagnostics {
                FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
            }
            printError("\(errors.diagnostics.count) problem\(errors.diagnostics.count == 1 ? "" : "s") in the declarations at \(revision); nothing was planned")
        case let .other(message):
            printError(message)
        }
    }
}

extension PlanFormat: ExpressibleByArgument {}

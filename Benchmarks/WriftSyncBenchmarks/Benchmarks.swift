import BenchFixtures
import Benchmark
import Declarations
import Planner
import WriftAIModels

/// The benchmarks' names: what `MicroBenchmarks` runs each one by, without building their fixtures.
enum BenchmarkNames {
    static let parsing = "Parse and validate 10,000 declaration files"
    static let planning = "Plan 1,000 models x 20 versions, no change"
    static let all = [parsing, planning]
}

/// What each benchmark measures (wall and CPU time, mallocs, peak memory) after one warm-up, for at most
/// `seconds` or `iterations`, whichever ends first.
private func measuring(seconds: Int64, iterations: Int) -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1,
        maxDuration: .seconds(seconds),
        maxIterations: iterations
    )
}

/// The generated declarations as the loader reads them.
private func loaderFiles(_ models: [BenchFixtures.ModelSpec]) -> [DeclarationFile] {
    BenchFixtures.declarationFiles(models).map { DeclarationFile(path: $0.path, data: Array($0.text.utf8)) }
}

/// The in-process micro-benchmarks (ordo-one/benchmark), run by `make bench` through `MicroBenchmarks.main`:
/// parsing and validating 10,000 declaration files, and planning 1,000 models × 20 versions with no change.
let benchmarks: @Sendable () -> Void = {
    let parsingFiles = loaderFiles(BenchFixtures.steadyState(models: 10_000, versions: 2, prefix: "p"))

    Benchmark(BenchmarkNames.parsing, configuration: measuring(seconds: 20, iterations: 3)) { benchmark in
        for _ in benchmark.scaledIterations {
            let result = DeclarationLoader().load(parsingFiles) { _ in throw RepositoryFileError.notFound }
            guard case .success(let models) = result, models.count == 10_000 else {
                fatalError("the generated declarations must be valid: \(result)")
            }
            blackHole(models)
        }
    }

    let planningModels = BenchFixtures.steadyState(models: 1_000, versions: 20)
    let planningFiles = loaderFiles(planningModels)
    guard case .success(let declarations) = DeclarationLoader().load(planningFiles, readFile: { _ in throw RepositoryFileError.notFound })
    else { fatalError("the generated declarations must be valid") }
    var live: [ModelID: LiveModel] = [:]
    for declaration in declarations {
        live[declaration.model] = LiveModel(
            model: declaration.model,
            versions: declaration.versions.enumerated().map { offset, version in
                LiveVersion(
                    number: offset + 1,
                    createdAt: BenchFixtures.createdAt(index: offset + 1),
                    containerImageDigest: version.containerImageDigest,
                    releaseNotes: version.releaseNotes,
                    schemas: version.schemas,
                    compatibilities: nil,
                    configuration: nil
                )
            }
        )
    }
    let revision = Revision(repository: "bench", ref: "refs/heads/main", commit: String(repeating: "0", count: 40))

    Benchmark(BenchmarkNames.planning, configuration: measuring(seconds: 10, iterations: 20)) { benchmark in
        for _ in benchmark.scaledIterations {
            let plan = Planner.plan(declarations: declarations, live: live, revision: revision)
            guard plan.changes.isEmpty else { fatalError("a steady state must plan no change: \(plan.summary)") }
            blackHole(plan)
        }
    }
}

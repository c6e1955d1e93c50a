@preconcurrency import Benchmark
import Foundation

/// `make bench` runs the micro-benchmarks as `WriftSyncBenchmarks --out FILE`, built in the products' own
/// scratch path and release build. Each benchmark runs in a process of its own (this executable again, with
/// `--benchmark NAME`), as under `swift package benchmark`, so that one's peak memory is not another's. That
/// process registers `benchmarks` and runs the one named through package-benchmark's own runner (its
/// request/reply protocol, here over two files). FILE gets every benchmark's p90 per metric, as
/// `{"benchmark name": {"metric": value}}` (nanoseconds, bytes, counts).
///
/// Why not `swift package benchmark`: its plugin builds in a scratch path of its own (sharing one, its build and
/// the products' rebuilt each other), which compiled every module the benchmarks use a second time plus its
/// host tool: 3 min 42 s of a clean `make bench`, 62 s of one with nothing changed.
@main
enum MicroBenchmarks {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            switch (arguments.first, arguments.count) {
            case ("--out", 2):
                try runEach(writingTo: arguments[1])
            case ("--benchmark", 4) where arguments[2] == "--out":
                try await run(arguments[1], writingTo: arguments[3])
            default:
                fail("usage: WriftSyncBenchmarks --out FILE")
            }
        } catch {
            fail("\(error)")
        }
    }

    /// Runs every benchmark in a child process and merges their results into `output`. The names are known
    /// without registering the benchmarks, which would build all their fixtures in this process too.
    static func runEach(writingTo output: String) throws {
        let names = BenchmarkNames.all
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var p90s: [String: [String: Int]] = [:]
        for (index, name) in names.enumerated() {
            let file = directory.appendingPathComponent("\(index).json").path
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            child.arguments = ["--benchmark", name, "--out", file]
            try child.run()
            child.waitUntilExit()
            guard child.terminationReason == .exit, child.terminationStatus == 0 else {
                throw MicroBenchmarkError("\(name): its process ended with \(child.terminationReason) \(child.terminationStatus)")
            }
            p90s.merge(try JSONDecoder().decode([String: [String: Int]].self, from: Data(contentsOf: URL(fileURLWithPath: file)))) { $1 }
        }
        let missing = names.filter { p90s[$0] == nil }
        guard missing.isEmpty else { throw MicroBenchmarkError("no results for \(missing)") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(p90s).write(to: URL(fileURLWithPath: output))
        for (name, metrics) in p90s.sorted(by: { $0.key < $1.key }) {
            print("\(name): " + metrics.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wriftsync-micro-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Runs the benchmark named, alone, and writes its p90s to `output`.
    static func run(_ name: String, writingTo output: String) async throws {
        benchmarks()
        guard let benchmark = Benchmark.benchmarks.first(where: { $0.name == name }) else {
            throw MicroBenchmarkError("no benchmark is named \(name)")
        }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let requestsPath = directory.appendingPathComponent("requests").path
        let repliesPath = directory.appendingPathComponent("replies").path

        var requests = Frames()
        try requests.append(BenchmarkCommandRequest.run(benchmark: benchmark))
        try requests.append(BenchmarkCommandRequest.end)
        try requests.bytes.write(to: URL(fileURLWithPath: requestsPath))

        let input = open(requestsPath, O_RDONLY | O_CLOEXEC)
        let replies = open(repliesPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard input >= 0, replies >= 0 else { throw MicroBenchmarkError("cannot open \(directory.path): errno \(errno)") }
        var runner = try BenchmarkRunner.parse(["--input-fd", "\(input)", "--output-fd", "\(replies)", "--quiet", "true"])
        try await runner.run()
        close(input)
        close(replies)

        var p90s: [String: [String: Int]] = [:]
        for reply in try Frames.decode(BenchmarkCommandReply.self, from: Data(contentsOf: URL(fileURLWithPath: repliesPath))) {
            switch reply {
            case .result(let benchmark, let results):
                // As `swift package benchmark --format metricP90AbsoluteThresholds` exports them.
                p90s[benchmark.name] = Dictionary(uniqueKeysWithValues: results.map {
                    ($0.metric.rawDescription, Int($0.statistics.histogram.valueAtPercentile(90.0)))
                })
            case .error(let description):
                throw MicroBenchmarkError(description)
            case .list, .ready, .allocationStacks, .run, .end:
                continue
            }
        }
        guard p90s[name] != nil else { throw MicroBenchmarkError("no results for \(name)") }
        try JSONEncoder().encode(p90s).write(to: URL(fileURLWithPath: output))
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("WriftSyncBenchmarks: \(message)\n".utf8))
        exit(1)
    }
}

/// The runner's framing: each message is its JSON length as a native `Int`, then the JSON.
struct Frames {
    var bytes = Data()

    mutating func append(_ message: some Encodable) throws {
        let json = try JSONEncoder().encode(message)
        withUnsafeBytes(of: json.count) { bytes.append(contentsOf: $0) }
        bytes.append(json)
    }

    static func decode<Message: Decodable>(_ type: Message.Type, from data: Data) throws -> [Message] {
        var messages: [Message] = []
        var offset = 0
        let header = MemoryLayout<Int>.size
        while offset < data.count {
            guard data.count - offset >= header else { throw MicroBenchmarkError("a truncated reply header at \(offset)") }
            let length = data[offset..<offset + header].withUnsafeBytes { $0.loadUnaligned(as: Int.self) }
            offset += header
            guard length >= 0, data.count - offset >= length else { throw MicroBenchmarkError("a truncated reply at \(offset)") }
            messages.append(try JSONDecoder().decode(Message.self, from: data[offset..<offset + length]))
            offset += length
        }
        return messages
    }
}

struct MicroBenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

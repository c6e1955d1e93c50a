import BenchFixtures
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Item 8: what `wriftsync run` costs while nothing changes, and what one changed file costs. A tick fetches
/// (over git://, as in production) and compares the commit; an unchanged one reads no file and makes no request.
extension Suite {
    func idleTicks() async throws {
        print("== 8. idle ticks: run --interval 1s on 2,000 models, 30 s without a new commit")
        let models = BenchFixtures.steadyState(models: 2_000, versions: 5, prefix: "i")
        let repository = try makeRepository("idle", models)
        let reposRoot = "\(work)/repos"
        let daemonPort = try freePort()
        let execPath = try Processes.check(["git", "--exec-path"], logs: "\(work)/logs/exec-path").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let daemon = try Server("git daemon", [execPath + "/git-daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1", "--port=\(daemonPort)",
                                               "--base-path=\(reposRoot)", reposRoot],
                                logs: "\(work)/logs/idle-git-daemon", ready: { _ in true }, port: daemonPort)
        defer { daemon.stop() }
        let emulator = try startEmulator("idle", models, latencyMs: 0, rateLimit: 0)
        defer { emulator.stop() }
        let url = "git://127.0.0.1:\(daemonPort)/\(URL(fileURLWithPath: repository).lastPathComponent)"
        let runner = try Server(
            "wriftsync run",
            [wriftsync, "run", "--repo", url, "--path", "models", "--cache-dir", "\(work)/cache/idle", "--api-url", emulator.apiURL,
             "--rate-limit", unlimited, "--interval", "1s", "--jitter", "0%", "--drift-interval", "1h", "--listen", "127.0.0.1:0", "--log-format", "json"],
            environment: ["WRIFTAI_ACCESS_TOKEN": Emulator.token, "NO_COLOR": "1"],
            logs: "\(work)/logs/idle-run",
            ready: { $0.hasPrefix("listening on ") }
        )
        defer { runner.stop() }
        let base = String(runner.readyLine.dropFirst("listening on ".count)).trimmingCharacters(in: .whitespaces)
        let head = try gitHead(repository)
        _ = try await waitForStatus(base + "/status", appliedCommit: head, timeout: 300)
        try await emulator.resetStats()
        let parsedBefore = try await parsedFiles(base)

        let window = 30.0
        let cpuBefore = try cpuSeconds(of: runner.pid)
        let started = now()
        try await Task.sleep(for: .seconds(window))
        let cpu = try cpuSeconds(of: runner.pid) - cpuBefore
        let wall = now() - started
        let idle = try await emulator.stats()
        let parsedIdle = try await parsedFiles(base) - parsedBefore
        let share = cpu / wall
        report.add(8, "run --interval 1s, 2,000 models, 30 s without a new commit: CPU ÷ wall time", value: String(format: "%.2f %%", share * 100),
                   reference: Format.seconds(cpu) + " CPU in " + Format.seconds(wall), target: "≤ 2 %", met: share <= 0.02)
        report.add(8, "the same 30 s: API requests, files parsed", value: "\(idle.total) requests, \(Int(parsedIdle)) files",
                   reference: "0, 0", target: "= 0", met: idle.total == 0 && parsedIdle == 0)

        // A commit touching one file of 2,000.
        let model = models[11]
        var changed = model
        changed.declared.append(6)
        try BenchFixtures.declarationYAML(changed).write(toFile: "\(repository)/\(BenchFixtures.path(of: model))", atomically: true, encoding: .utf8)
        try commit(repository, message: "Add version 6 of \(model.identifier)")
        _ = try await waitForStatus(base + "/status", appliedCommit: try gitHead(repository), timeout: 60)
        let parsedCommit = try await parsedFiles(base) - parsedBefore - parsedIdle
        report.add(8, "a commit touching 1 of 2,000 declaration files: files parsed", value: String(Int(parsedCommit)),
                   reference: "1", target: "= 1", met: parsedCommit == 1)
        let exit = runner.stop()
        guard exit.status == 0 else { throw HarnessError("wriftsync run exited \(exit.status)") }
        report.record("idle_cpu_share", share)
        report.record("idle_cpu_seconds", cpu)
        report.record("idle_requests", Double(idle.total))
        report.record("incremental_files_parsed", parsedCommit)
    }

    /// `wriftsync_declaration_files_parsed_total` from the controller's `/metrics`.
    private func parsedFiles(_ base: String) async throws -> Double {
        let answer = try await http.send(.get, base + "/metrics")
        let text = String(decoding: answer.body, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("wriftsync_declaration_files_parsed_total ") }),
              let value = Double(line.split(separator: " ").last ?? "")
        else { throw HarnessError("no wriftsync_declaration_files_parsed_total in /metrics") }
        return value
    }

    /// User + system CPU seconds of a running process, from /proc/PID/stat.
    private func cpuSeconds(of pid: pid_t) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
        guard let close = stat.lastIndex(of: ")") else { throw HarnessError("unreadable /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw HarnessError("unreadable /proc/\(pid)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting
#if canImport(Glibc)
import Glibc
#endif

/// The status page in a real browser: `wriftsync run --listen 127.0.0.1:0` (the built executable) against
/// the emulator, loaded by headless Chromium. The pages' markup and routes are tested in process in
/// ControllerTests' DashboardTests; here is what a person would see.
@Suite(.serialized, .onOwnThreads) struct DashboardBrowserTests {
    typealias Apply = ApplyCommandTests
    typealias Run = RunCommandTests

    /// Where the screenshots go (kept after the run, for a person to look at).
    static let screenshots = Shell.packageRoot + "/.build/dashboard-tests"

    /// The colours of the state badges (light scheme), as the stylesheet has them.
    static let inSyncBackground = "#dafbe1"
    static let driftedBackground = "#fff1e5"

    /// Starts `run --listen 127.0.0.1:0` and returns the process and its base URL.
    static func launch(_ arguments: [String]) async throws -> (ChildProcess, String) {
        let process = try Apply.launch(arguments)
        let line = try await Launcher.firstLine(of: process)
        guard let base = line.components(separatedBy: "\n").first(where: { $0.hasPrefix("listening on http://127.0.0.1:") }) else {
            kill(process.processIdentifier, SIGKILL)
            throw Chromium.Failure(description: "run printed no listening line: \(line)")
        }
        return (process, base.replacingOccurrences(of: "listening on ", with: ""))
    }

    /// `/status`'s models: state, declared and live counts, latest number.
    static func statusRows(_ base: String) async throws -> [String: DashboardRow] {
        let body = try await Run.curl([base + "/status"]).body
        guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let models = object["models"] as? [String: [String: Any]]
        else { return [:] }
        return models.mapValues { entry in
            DashboardRow(
                state: entry["state"] as? String ?? "unknown", declared: entry["declared_versions"] as? Int,
                live: entry["live_versions"] as? Int, latest: (entry["latest"] as? [String: Any])?["number"] as? Int
            )
        }
    }

    /// Checks a screenshot: a PNG of exactly `width`×`height`, not blank, with pixels of `colour`.
    static func checkScreenshot(_ path: String, width: Int, height: Int, showing colour: String) async throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let header = try PNGCheck.header(data)
        #expect(header.width == width && header.height == height, "\(path): \(header)")
        #expect(data.count > 10_000, "\(path): \(data.count) bytes is too small for a rendered page")
        let check = try await onOwnThread { try PNGCheck.inspect(path, colours: [colour]) }
        #expect(check.width == width && check.height == height)
        #expect(check.colours >= 20, "\(path): \(check.colours) colours: blank?")
        #expect(check.foreground > 0.01, "\(path): only \(check.foreground) of the pixels differ from the background")
        #expect((check.counts[colour] ?? 0) >= 200, "\(path): the badge colour \(colour) is missing: \(check.counts)")
    }

    @Test func eachModelShowsItsStateAndLatestVersionInSyncThenDriftedAfterAnOutOfBandDelete() async throws {
        try Chromium.require()
        try FileManager.default.createDirectory(atPath: Self.screenshots, withIntermediateDirectories: true)
        let repository = try TestRepository(files: [
            "models/a.yaml": Apply.declaration("alice/a", [1, 2]),
            "models/b.yaml": Apply.declaration("alice/b", [3]),
        ])
        let cache = try TemporaryDirectory("dashboard")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Apply.emulator(["alice/a", "alice/b"]), storage: storage) { emulator in
            let (process, base) = try await Self.launch(
                ["run", "--interval", "200ms", "--drift-interval", "2s", "--listen", "127.0.0.1:0"] + Run.flags(emulator, repository, cache)
            )
            defer { kill(process.processIdentifier, SIGKILL) }
            #expect(try await Run.eventually {
                let rows = try await Self.statusRows(base)
                return rows.count == 2 && rows.values.allSatisfy { $0.state == "in_sync" }
            })

            let dom = try await onOwnThread { try Chromium.dumpDOM(base + "/") }
            let rows = DashboardRow.parse(dom)
            #expect(rows["alice/a"] == DashboardRow(state: "in_sync", declared: 2, live: 2, latest: 2), "\(rows)")
            #expect(rows["alice/b"] == DashboardRow(state: "in_sync", declared: 1, live: 1, latest: 1), "\(rows)")
            #expect(rows == (try await Self.statusRows(base)), "the page says what /status says")
            #expect(dom.contains("data-overall=\"in_sync\"") && dom.contains("> in sync</span>"), "a word with the colour")
            #expect(dom.contains("This page refreshes itself every 10 s."), "the inline script ran: the Content-Security-Policy allows it")
            #expect(dom.contains("<svg class=\"chart\"") && dom.contains("class=\"bar o-2xx\""), "the API usage of the run is charted")
            #expect(!dom.contains(Apply.token), "no secret on the page")

            let wide = Self.screenshots + "/in-sync-1280x800.png"
            try await onOwnThread { try Chromium.screenshot(base + "/", to: wide, width: 1280, height: 800) }
            try await Self.checkScreenshot(wide, width: 1280, height: 800, showing: Self.inSyncBackground)

            // #1 deleted outside git: the next full reconcile (every 2 s) holds its re-creation back, as it
            // would become the latest; the model is drifted until someone decides.
            _ = try await storage.deleteVersion(owner: "alice", name: "a", number: 1)
            #expect(try await Run.eventually { try await Self.statusRows(base)["alice/a"]?.state == "drifted" })
            let drifted = try await onOwnThread { try Chromium.dumpDOM(base + "/") }
            let driftedRows = DashboardRow.parse(drifted)
            #expect(driftedRows["alice/a"] == DashboardRow(state: "drifted", declared: 2, live: 1, latest: 2), "\(driftedRows)")
            #expect(driftedRows["alice/b"]?.state == "in_sync")
            #expect(drifted.contains("data-overall=\"drifted\"") && drifted.contains("> drifted</span>"))

            let model = try await onOwnThread { try Chromium.dumpDOM(base + "/models/alice/a") }
            #expect(model.contains("class=\"missing\">not live</td>"), "the deleted version is declared but not live")
            #expect(model.contains("data-kind=\"drift_detected\""), "its history shows the drift")

            let phone = Self.screenshots + "/drifted-390x844.png"
            try await onOwnThread { try Chromium.screenshot(base + "/", to: phone, width: 390, height: 844) }
            try await Self.checkScreenshot(phone, width: 390, height: 844, showing: Self.driftedBackground)

            let stopped = try await Run.terminate(process)
            #expect(stopped.status == 0, "\(stopped.stderr)")
        }
    }

    @Test func releaseNotesWithAScriptAndMarkupRenderAsText() async throws {
        try Chromium.require()
        let hostile = #"<script>document.title='pwned'</script><b id="injected">bold</b> <img src=x onerror="document.title='pwned'"> & done"#
        let repository = try TestRepository(files: [
            "models/a.yaml": """
                model: alice/a
                versions:
                  - container_image_digest: "\(repeatedDigest(1))"
                    release_notes: '\(hostile.replacingOccurrences(of: "'", with: "''"))'
                    schemas: {prediction: {input: {type: object}, output: {type: string}}}

                """,
        ])
        let cache = try TemporaryDirectory("dashboard")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Apply.emulator(["alice/a"]), storage: storage) { emulator in
            let (process, base) = try await Self.launch(
                ["run", "--interval", "1h", "--drift-interval", "1h", "--listen", "127.0.0.1:0"] + Run.flags(emulator, repository, cache)
            )
            defer { kill(process.processIdentifier, SIGKILL) }
            #expect(try await Run.eventually { await Apply.live(storage, "alice/a").first?.releaseNotes == hostile }, "the API holds the notes as declared")
            #expect(try await Run.eventually { try await Self.statusRows(base)["alice/a"]?.latest == 1 })
            for page in ["/", "/models/alice/a"] {
                let dom = try await onOwnThread { try Chromium.dumpDOM(base + page) }
                #expect(!dom.contains("<b id=\"injected\""), "\(page): the <b> is text, not an element")
                #expect(!dom.contains("<img"), "\(page): nor the <img>")
                #expect(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;&lt;b id=\"injected\"&gt;bold&lt;/b&gt;"), "\(page): shown as text")
                #expect(!dom.contains("<title>pwned</title>"), "\(page): no script of the notes ran")
                #expect(dom.contains("<title>WriftSync") || dom.contains("<title>alice/a"), "\(page)")
            }
            let stopped = try await Run.terminate(process)
            #expect(stopped.status == 0, "\(stopped.stderr)")
        }
    }
}

import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// `wriftsync plan` end to end: a real git repository (local path), the emulator on loopback, and the
/// built executable in its own process.
@Suite(.onOwnThreads) struct PlanCommandTests {
    static let token = "plan-test-token"
    static let listRoute = "/v1/models/{owner}/{name}/versions"
    static let schemas = EmulatorFixture.schemas

    static func declaration(_ model: String, versions: [(Int, String)], extra: String = "") -> String {
        var yaml = "model: \(model)\n\(extra)versions:\n"
        for (seed, notes) in versions {
            yaml += """
              - container_image_digest: "\(repeatedDigest(seed))"
                release_notes: "\(notes)"
                schemas: {prediction: {input: {type: object}, output: {type: string}}}

            """
        }
        return yaml
    }

    static func configuration(models: [String], legacy: Bool = false) throws -> EmulatorConfiguration {
        try EmulatorFixture.configuration(token: token, models: models, faults: .init(legacyList: legacy))
    }

    static func seed(_ storage: InMemoryEmulatorStorage, _ model: String, _ versions: [(Int, String)]) async throws {
        try await EmulatorFixture.seed(storage, model, versions.map { (repeatedDigest($0.0), $0.1) })
    }

    static func plan(_ emulator: RunningEmulator, repository: TestRepository, cache: TemporaryDirectory, _ extra: [String] = []) async throws -> SourceCommandTests.Run {
        let arguments = ["plan", "--repo", repository.path, "--api-url", emulator.baseURL, "--cache-dir", cache.path, "--rate-limit", "200"] + extra
        return try await onOwnThread {
            try SourceCommandTests.run(arguments, environment: ["WRIFTAI_ACCESS_TOKEN": token, "NO_COLOR": "1"])
        }
    }

    static func stats(_ emulator: RunningEmulator) async throws -> EmulatorStats {
        try await EmulatorFixture.stats(emulator)
    }

    static func resetStats(_ emulator: RunningEmulator) async throws {
        try await EmulatorFixture.resetStats(emulator)
    }

    @Test func textMarkdownAndJSONDescribeTheSameChanges() async throws {
        let repository = try TestRepository(files: [
            "models/sentiment.yaml": Self.declaration("alice/sentiment", versions: [(1, "First"), (3, "Third")]),
        ])
        let cache = try TemporaryDirectory("plan")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.configuration(models: ["alice/sentiment"]), storage: storage) { emulator in
            try await Self.seed(storage, "alice/sentiment", [(1, "First"), (2, "Second")])
            let text = try await Self.plan(emulator, repository: repository, cache: cache)
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("+ create"))
            #expect(text.stdout.contains("- delete"))
            #expect(text.stdout.contains("Plan: 1 to create, 0 to configure, 1 to delete."))
            let head = try repository.head()
            let normalise = { (output: String) in
                output.replacingOccurrences(of: head.hex, with: "<commit>").replacingOccurrences(of: repository.path, with: "<repo>")
                    .replacingOccurrences(of: #""listed_at" : "[0-9T:Z-]+""#, with: #""listed_at" : "<time>""#, options: .regularExpression)
            }
            #expect(normalise(text.stdout) == Self.goldenText)

            let markdown = try await Self.plan(emulator, repository: repository, cache: cache, ["--format", "markdown"])
            #expect(markdown.status == 0)
            #expect(normalise(markdown.stdout) == Self.goldenMarkdown)

            let planFile = cache.path + "/saved-plan.json"
            let json = try await Self.plan(emulator, repository: repository, cache: cache, ["--format", "json", "--out", planFile, "--detailed-exitcode"])
            #expect(json.status == 2, "changes present")
            #expect(normalise(json.stdout) == Self.goldenJSON)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(object["format_version"] as? Int == 1)
            let summary = try #require(object["summary"] as? [String: Any])
            #expect(summary["create"] as? Int == 1 && summary["delete"] as? Int == 1 && summary["unchanged"] as? Int == 1)
            let saved = try #require(FileManager.default.contents(atPath: planFile))
            #expect(saved == Data(json.stdout.utf8) || saved + Data("\n".utf8) == Data(json.stdout.utf8))
            #expect(try await Self.stats(emulator).requests.allSatisfy { $0.method == "GET" }, "a plan never writes")
        }
    }

    static let goldenText = """
        alice/sentiment
          + create     new  030303030303  "Third"  (declared, not live)
          - delete     #2   020202020202  "Second"  (not declared)
          latest: #2 (020202020202) → new (030303030303)

        Plan: 1 to create, 0 to configure, 1 to delete.
        Applying makes 2 requests, about 1 s at the rate limit.
        From commit <commit> (refs/heads/main of <repo>).

        """

    static let goldenJSON = #"""
        {
          "changes" : [
            {
              "action" : "create",
              "container_image_digest" : "sha256:0303030303030303030303030303030303030303030303030303030303030303",
              "declared_at" : "models/sentiment.yaml:6:5",
              "model" : "alice/sentiment",
              "reason" : "declared, not live",
              "release_notes" : "Third",
              "request" : {
                "container_image_digest" : "sha256:0303030303030303030303030303030303030303030303030303030303030303",
                "release_notes" : "Third",
                "schemas" : {
                  "prediction" : {
                    "input" : {
                      "type" : "object"
                    },
                    "output" : {
                      "type" : "string"
                    }
                  }
                }
              }
            },
            {
              "action" : "delete",
              "container_image_digest" : "sha256:0202020202020202020202020202020202020202020202020202020202020202",
              "model" : "alice/sentiment",
              "number" : 2,
              "reason" : "not declared",
              "release_notes" : "Second"
            }
          ],
          "estimate" : {
            "requests" : 2,
            "seconds" : 0.01
          },
          "format_version" : 1,
          "models" : [
            {
              "declared_latest" : {
                "container_image_digest" : "sha256:0303030303030303030303030303030303030303030303030303030303030303"
              },
              "latest_after_apply" : {
                "container_image_digest" : "sha256:0303030303030303030303030303030303030303030303030303030303030303"
              },
              "latest_before_apply" : {
                "container_image_digest" : "sha256:0202020202020202020202020202020202020202020202020202020202020202",
                "number" : 2
              },
              "listed_at" : "<time>",
              "live_fingerprint" : "84bdddb3a520cbbf",
              "live_highest_number" : 2,
              "model" : "alice/sentiment",
              "on_out_of_order" : "hold",
              "suspended" : false
            }
          ],
          "revision" : {
            "commit" : "<commit>",
            "ref" : "refs/heads/main",
            "repository" : "<repo>"
          },
          "summary" : {
            "create" : 1,
            "delete" : 1,
            "unchanged" : 1,
            "update_configuration" : 0,
            "warnings" : 0
          },
          "warnings" : [

          ]
        }


        """#

    static let goldenMarkdown = """
        ### WriftSync plan: 1 to create, 0 to configure, 1 to delete

        1 unchanged · 0 warnings · applying makes 2 requests, about 1 s at the rate limit

        - ➖ **1 to delete:** `alice/sentiment` #2
        - 🔀 **latest changes:** `alice/sentiment` #2 (020202020202) → new (030303030303)

        <details><summary><code>alice/sentiment</code>: 1 to create, 1 to delete · latest #2 → new</summary>

        | Action | Version | Digest | Release notes | Reason |
        |---|---|---|---|---|
        | ➕ create | new | `030303030303` | Third | declared, not live |
        | ➖ delete | #2 | `020202020202` | Second | not declared |

        Latest: #2 (020202020202) → new (030303030303)

        </details>

        ---
        Planned from commit `<commit>` (`refs/heads/main` of `<repo>`).

        """

    @Test func aSteadyStatePlanOfTwentyModelsCostsExactlyTwentyRequests() async throws {
        let models = (0..<20).map { String(format: "alice/m%02d", $0) }
        var files: [String: String] = [:]
        for model in models {
            files["models/\(model.split(separator: "/")[1]).yaml"] = Self.declaration(model, versions: [(1, "One"), (2, "Two")])
        }
        let repository = try TestRepository(files: files)
        let cache = try TemporaryDirectory("plan")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.configuration(models: models), storage: storage) { emulator in
            for model in models { try await Self.seed(storage, model, [(1, "One"), (2, "Two")]) }
            let cold = try await Self.plan(emulator, repository: repository, cache: cache, ["--detailed-exitcode"])
            #expect(cold.status == 0, "no changes: \(cold.stdout)\(cold.stderr)")
            let coldStats = try await Self.stats(emulator)
            #expect(coldStats.count(method: "GET", route: Self.listRoute) == 20)
            #expect(coldStats.total == 20 + 40, "cold: one listing per model plus the details of the 40 declared versions")

            try await Self.resetStats(emulator)
            let warm = try await Self.plan(emulator, repository: repository, cache: cache, ["--detailed-exitcode"])
            #expect(warm.status == 0)
            let warmStats = try await Self.stats(emulator)
            #expect(warmStats.total == 20)
            #expect(warmStats.count(method: "GET", route: Self.listRoute, status: 200) == 20)
        }
    }

    @Test func aLegacyServerWithoutDigestsInListsStillPlansRight() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.declaration("alice/a", versions: [(1, "One"), (2, "Two")])])
        let cache = try TemporaryDirectory("plan")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.configuration(models: ["alice/a"], legacy: true), storage: storage) { emulator in
            try await Self.seed(storage, "alice/a", [(1, "One"), (2, "Two"), (9, "Undeclared")])
            let result = try await Self.plan(emulator, repository: repository, cache: cache, ["--format", "json"])
            #expect(result.status == 0, "\(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let summary = try #require(object["summary"] as? [String: Any])
            #expect(summary["create"] as? Int == 0 && summary["delete"] as? Int == 1 && summary["unchanged"] as? Int == 2)
        }
    }

    @Test func aFailingListingFailsTheWholePlan() async throws {
        let repository = try TestRepository(files: [
            "models/a.yaml": Self.declaration("alice/a", versions: [(1, "One")]),
            "models/missing.yaml": Self.declaration("alice/missing", versions: [(2, "Two")]),
        ])
        let cache = try TemporaryDirectory("plan")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.configuration(models: ["alice/a"]), storage: storage) { emulator in
            let result = try await Self.plan(emulator, repository: repository, cache: cache)
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty, "no partial plan is printed")
            #expect(result.stderr.contains("alice/missing"))
            #expect(result.stderr.contains("nothing was planned"))
        }
    }

    @Test func invalidDeclarationsPlanNothingAndCallNoAPI() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": "model: alice/a\nversions: [oops]\n"])
        let cache = try TemporaryDirectory("plan")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.configuration(models: ["alice/a"]), storage: storage) { emulator in
            let result = try await Self.plan(emulator, repository: repository, cache: cache)
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("models/a.yaml:2:12: a version must be a mapping"))
            #expect(try await Self.stats(emulator).total == 0)
        }
    }

    @Test func theTokenNeverAppearsInOutput() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.declaration("alice/a", versions: [(1, "One")])])
        let cache = try TemporaryDirectory("plan")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.configuration(models: []), storage: storage) { emulator in
            for format in ["text", "json"] {
                let result = try await Self.plan(emulator, repository: repository, cache: cache, ["--format", format])
                #expect(result.status == 1)
                #expect(!(result.stdout + result.stderr).contains(Self.token))
            }
        }
    }
}

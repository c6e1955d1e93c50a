import Foundation
import Testing
import WriftAIEmulator
import WriftSyncTesting

/// A plan names the models the previous revision declared and this one does not: their live versions are
/// left alone, and a reviewer sees that removing a file deletes nothing.
@Suite(.onOwnThreads) struct UnmanagedModelTests {
    @Test func aModelWhoseFileWasRemovedInThisCommitIsShownAsNotManaged() async throws {
        let repository = try TestRepository(files: [
            "models/kept.yaml": PlanCommandTests.declaration("alice/kept", versions: [(1, "One")]),
            "models/gone.yaml": PlanCommandTests.declaration("alice/gone", versions: [(2, "Two")]),
            "models/pair.yaml": PlanCommandTests.declaration("alice/stays", versions: [(3, "Three")]) + "---\n"
                + PlanCommandTests.declaration("alice/dropped", versions: [(4, "Four")]),
        ])
        let parent = try repository.head()
        try repository.remove("models/gone.yaml")
        try repository.write("models/pair.yaml", PlanCommandTests.declaration("alice/stays", versions: [(3, "Three")]))
        try repository.commit("stop managing alice/gone and alice/dropped")
        let cache = try TemporaryDirectory("unmanaged")
        let storage = try InMemoryEmulatorStorage()
        let models = ["alice/kept", "alice/stays", "alice/gone", "alice/dropped"]
        try await withRunningEmulator(configuration: PlanCommandTests.configuration(models: models), storage: storage) { emulator in
            try await PlanCommandTests.seed(storage, "alice/kept", [(1, "One")])
            try await PlanCommandTests.seed(storage, "alice/stays", [(3, "Three")])
            try await PlanCommandTests.seed(storage, "alice/gone", [(2, "Two")])
            try await PlanCommandTests.seed(storage, "alice/dropped", [(4, "Four")])
            try await PlanCommandTests.resetStats(emulator)

            let text = try await PlanCommandTests.plan(emulator, repository: repository, cache: cache, ["--detailed-exitcode"])
            #expect(text.status == 0, "nothing to change: \(text.stdout)\(text.stderr)")
            #expect(text.stdout.hasPrefix("""
                alice/dropped
                  ? not managed  no longer declared (it was in models/pair.yaml at \(parent.short)): its live versions are left alone

                alice/gone
                  ? not managed  no longer declared (it was in models/gone.yaml at \(parent.short)): its live versions are left alone

                No changes.
                """), "\(text.stdout)")
            let stats = try await PlanCommandTests.stats(emulator)
            #expect(stats.count(method: "GET", route: PlanCommandTests.listRoute) == 2, "one listing per declared model; unmanaged ones cost no request")

            let json = try await PlanCommandTests.plan(emulator, repository: repository, cache: cache, ["--format", "json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let unmanaged = try #require(object["unmanaged"] as? [[String: Any]])
            #expect(unmanaged.map { $0["model"] as? String } == ["alice/dropped", "alice/gone"])
            #expect(unmanaged.allSatisfy { $0["last_declared_at"] as? String == parent.hex })

            let markdown = try await PlanCommandTests.plan(emulator, repository: repository, cache: cache, ["--format", "markdown"])
            #expect(markdown.stdout.contains("- ❔ **no longer declared, left alone:** `alice/dropped`, `alice/gone`\n"))
            #expect(markdown.stdout.contains("| ❔ not managed | `alice/gone` | no longer declared (it was in models/gone.yaml at \(parent.short)): its live versions are left alone |\n"))

            // In the working tree, the step back is HEAD.
            try FileManager.default.removeItem(atPath: repository.path + "/models/kept.yaml")
            let worktree = try await PlanCommandTests.plan(emulator, repository: repository, cache: cache, ["--worktree"])
            #expect(worktree.stdout.hasPrefix("alice/kept\n  ? not managed  no longer declared (it was in models/kept.yaml at \(try repository.head().short))"), "\(worktree.stdout)")
        }
    }

    @Test func aRootCommitHasNoPreviousRevisionAndNoUnmanagedModels() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": PlanCommandTests.declaration("alice/a", versions: [(1, "One")])])
        let cache = try TemporaryDirectory("unmanaged")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: PlanCommandTests.configuration(models: ["alice/a"]), storage: storage) { emulator in
            try await PlanCommandTests.seed(storage, "alice/a", [(1, "One")])
            let json = try await PlanCommandTests.plan(emulator, repository: repository, cache: cache, ["--format", "json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(object["unmanaged"] == nil)
        }
    }
}

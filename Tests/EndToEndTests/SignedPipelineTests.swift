import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels
@testable import GitSource
import WriftSyncTesting

/// Signature verification as a stage of the pipeline: `plan`, `apply` and `run` refuse a commit that is not
/// signed by a trusted key before any file is read or any API request is made.
@Suite(.onOwnThreads) struct SignedPipelineTests {
    typealias Apply = ApplyCommandTests

    /// A repository declaring alice/a, and an allowed_signers file trusting `key` for deploy@acme.example.
    struct Setup {
        let repository: TestRepository
        let keys: TemporaryDirectory
        let cache: TemporaryDirectory
        let key: SSHSigningKey
        let signers: String

        init(options: String? = nil) throws {
            repository = try TestRepository(files: ["models/a.yaml": Apply.declaration("alice/a", [1])])
            keys = try TemporaryDirectory("trust")
            cache = try TemporaryDirectory("signed")
            key = try SSHSigningKey()
            signers = try writeFile([try key.allowedSignersLine(options: options)], in: keys, name: "allowed_signers")
        }

        func flags(_ emulator: RunningEmulator) -> [String] {
            Apply.flags(emulator, repository, cache) + ["--trusted-signers", signers]
        }

        /// Commits alice/a's v2 unsigned on a branch `side`, then merges it into main with a merge signed by
        /// `key`: the signed head hides the unsigned commit. Returns the unsigned commit.
        func mergeUnsignedSideBranch(_ message: String) throws -> CommitID {
            try repository.git("checkout", "-q", "-b", "side")
            try repository.write("models/a.yaml", Apply.declaration("alice/a", [1, 2]))
            let unsigned = try repository.signedCommit(message)
            try repository.git("checkout", "-q", "main")
            var environment = repository.environment
            environment["GIT_COMMITTER_EMAIL"] = "deploy@acme.example"
            try Shell.run(["git", "-c", "gpg.format=ssh", "-c", "user.signingkey=\(key.privateKey)", "merge", "-q", "--no-ff", "-S", "-m", "signed merge", "side"],
                          in: repository.path, environment: environment)
            return unsigned
        }
    }

    static let refusals: [(String, @Sendable (Setup) throws -> Void, String)] = [
        ("unsigned", { setup in try setup.repository.signedCommit("unsigned") }, "refused: not signed"),
        ("an untrusted key", { setup in try setup.repository.signedCommit("stranger", ssh: try SSHSigningKey()) }, "refused: signed by an untrusted SSH ed25519 key"),
        ("a key past its valid-before", { setup in
            try setup.repository.signedCommit("late", ssh: setup.key, date: "2024-06-01T00:00:00Z")
        }, "refused: key expired"),
        ("a principal that does not match", { setup in
            try setup.repository.signedCommit("as someone else", email: "intruder@evil.example", ssh: setup.key)
        }, "is not among the key's principals"),
        ("bytes changed after signing", { setup in
            try setup.repository.signedCommit("signed", ssh: setup.key)
            try setup.repository.tamperWithHead()
        }, "refused: bad signature"),
    ]

    @Test(arguments: refusals.indices)
    func planAndApplyRefuseBeforeAnyRequest(_ index: Int) async throws {
        let (name, make, message) = Self.refusals[index]
        let setup = try Setup(options: name.contains("valid-before") ? "valid-before=\"20240101Z\"" : nil)
        try make(setup)
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Apply.emulator(["alice/a"]), storage: storage) { emulator in
            for command in [["plan"], ["apply", "--auto-approve"], ["validate"]] {
                let flags = command == ["validate"] ? ["--repo", setup.repository.path, "--cache-dir", setup.cache.path, "--trusted-signers", setup.signers] : setup.flags(emulator)
                let result = try await Apply.run(command + flags)
                #expect(result.status == 1, "\(name), \(command): \(result.stderr)")
                #expect(result.stderr.contains(message), "\(name), \(command): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
            }
            #expect(try await PlanCommandTests.stats(emulator).total == 0, "\(name): no API request")
        }
    }

    @Test func aSignedCommitIsPlannedWithItsSignerAndApplied() async throws {
        let setup = try Setup()
        try setup.repository.signedCommit("signed", ssh: setup.key)
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Apply.emulator(["alice/a"]), storage: storage) { emulator in
            let plan = try await Apply.run(["plan", "--format", "json"] + setup.flags(emulator))
            #expect(plan.status == 0, "\(plan.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
            let signature = try #require((object["revision"] as? [String: Any])?["signature"] as? [String: Any])
            #expect(signature["fingerprint"] as? String == (try setup.key.fingerprint))
            #expect(signature["signer"] as? String == "deploy@acme.example")
            #expect(signature["method"] as? String == "ssh")
            let applied = try await Apply.run(["apply", "--auto-approve"] + setup.flags(emulator))
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(await Apply.liveDigests(storage, "alice/a") == [repeatedDigest(1)])

            // A saved plan needs the repository to verify its commit again.
            let planFile = setup.cache.path + "/plan.json"
            _ = try await Apply.run(["plan", "--out", planFile] + setup.flags(emulator))
            let without = try await Apply.run(["apply", "--plan", planFile, "--auto-approve", "--trusted-signers", setup.signers] + Apply.flags(emulator, nil, setup.cache))
            #expect(without.status == 64, "\(without.stderr)")
            #expect(without.stderr.contains("needs the repository"))
        }
    }

    @Test func runKeepsTheLastVerifiedCommitAppliedAndServesTheRefusal() async throws {
        let setup = try Setup()
        try setup.repository.signedCommit("signed", ssh: setup.key)
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Apply.emulator(["alice/a"]), storage: storage) { emulator in
            let process = try Apply.launch(
                ["run", "--interval", "200ms", "--drift-interval", "1h", "--listen", "127.0.0.1:0", "--verify-mode", "all-since-last", "--log-format", "json"]
                    + setup.flags(emulator)
            )
            let base = try await RunCommandTests.listenAddress(process)
            let signed = try setup.repository.head().hex
            #expect(try await RunCommandTests.eventually { await Apply.liveDigests(storage, "alice/a") == [repeatedDigest(1)] })

            // An unsigned commit on a side branch, merged by a signed merge: all-since-last finds it.
            let unsigned = try setup.mergeUnsignedSideBranch("unsigned on a side branch")
            try await PlanCommandTests.resetStats(emulator)
            #expect(try await RunCommandTests.eventually {
                try await RunCommandTests.curl([base + "/status"]).body.contains(#""stage" : "verify""#)
            })
            let status = try #require(try JSONSerialization.jsonObject(with: Data(try await RunCommandTests.curl([base + "/status"]).body.utf8)) as? [String: Any])
            let failure = try #require(status["last_failure"] as? [String: Any])
            #expect(failure["class"] as? String == "stalled")
            #expect((failure["message"] as? String)?.contains("commit \(unsigned.hex) (in the history of head") == true, "\(failure)")
            #expect(status["last_applied_commit"] as? String == signed, "the last verified commit stays applied")
            try await Task.sleep(for: .milliseconds(600))
            #expect(try await PlanCommandTests.stats(emulator).total == 0, "no request for the refused commit, at any tick")
            #expect(await Apply.liveDigests(storage, "alice/a") == [repeatedDigest(1)])
            let stopped = try await RunCommandTests.terminate(process)
            #expect(stopped.status == 0)
        }
    }

    /// The last applied commit outlives the process: an unsigned commit pushed while `run` was down, merged by a
    /// signed merge, is still found after a restart (without the record, only the signed head would be verified).
    @Test func allSinceLastRefusesABranchMovedBackOverWhatWasApplied() async throws {
        let setup = try Setup()
        let first = try setup.repository.signedCommit("v1, signed", ssh: setup.key)
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Apply.emulator(["alice/a"]), storage: storage) { emulator in
            let flags = ["run", "--interval", "200ms", "--drift-interval", "1h", "--listen", "127.0.0.1:0", "--verify-mode", "all-since-last", "--log-format", "json"]
                + setup.flags(emulator)
            let run = try Apply.launch(flags)
            let base = try await RunCommandTests.listenAddress(run)
            #expect(try await RunCommandTests.eventually { await Apply.liveDigests(storage, "alice/a") == [repeatedDigest(1)] })
            try setup.repository.write("models/a.yaml", Apply.declaration("alice/a", [2]))
            let second = try setup.repository.signedCommit("v2 replaces v1, signed", ssh: setup.key)
            #expect(try await RunCommandTests.eventually { await Apply.liveDigests(storage, "alice/a") == [repeatedDigest(2)] })
            #expect(try await RunCommandTests.eventually {
                (try? String(contentsOfFile: setup.cache.path + "/applied-commits.json", encoding: .utf8))?.contains(second.hex) == true
            })

            // `git push -f origin <v1>:main`: signed by the trusted key, and it would bring v1 back and delete v2.
            try setup.repository.git("update-ref", "refs/heads/main", first.hex)
            try await PlanCommandTests.resetStats(emulator)
            #expect(try await RunCommandTests.eventually {
                try await RunCommandTests.curl([base + "/status"]).body.contains("history of the last verified commit \(second.hex)")
            })
            let status = try await RunCommandTests.curl([base + "/status"]).body
            #expect(status.contains(#""stage" : "verify""#), "\(status)")
            #expect(try await PlanCommandTests.stats(emulator).total == 0, "no request for the refused commit")
            #expect(await Apply.liveDigests(storage, "alice/a") == [repeatedDigest(2)], "what was applied stays")
            #expect(try await RunCommandTests.terminate(run).status == 0)
        }
    }

    @Test func allSinceLastCoversARestart() async throws {
        let setup = try Setup()
        try setup.repository.signedCommit("signed", ssh: setup.key)
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Apply.emulator(["alice/a"]), storage: storage) { emulator in
            let flags = ["run", "--interval", "200ms", "--drift-interval", "1h", "--listen", "127.0.0.1:0", "--verify-mode", "all-since-last", "--log-format", "json"]
                + setup.flags(emulator)
            let first = try Apply.launch(flags)
            _ = try await RunCommandTests.listenAddress(first)
            #expect(try await RunCommandTests.eventually { await Apply.liveDigests(storage, "alice/a") == [repeatedDigest(1)] })
            #expect(try await RunCommandTests.eventually {
                (try? String(contentsOfFile: setup.cache.path + "/applied-commits.json", encoding: .utf8))?.contains(try setup.repository.head().hex) == true
            })
            #expect(try await RunCommandTests.terminate(first).status == 0)

            let unsigned = try setup.mergeUnsignedSideBranch("unsigned while run was down")
            try await PlanCommandTests.resetStats(emulator)

            let second = try Apply.launch(flags)
            let base = try await RunCommandTests.listenAddress(second)
            #expect(try await RunCommandTests.eventually {
                try await RunCommandTests.curl([base + "/status"]).body.contains(#""stage" : "verify""#)
            })
            let status = try await RunCommandTests.curl([base + "/status"]).body
            #expect(status.contains("commit \(unsigned.hex) (in the history of head"), "\(status)")
            #expect(try await PlanCommandTests.stats(emulator).total == 0, "no request for the refused commit")
            #expect(await Apply.liveDigests(storage, "alice/a") == [repeatedDigest(1)])
            #expect(try await RunCommandTests.terminate(second).status == 0)
        }
    }
}

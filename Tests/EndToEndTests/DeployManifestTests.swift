import Foundation
import Testing
import WriftSyncTesting
import Yams

/// Every manifest in `deploy/` parses, and every `wriftsync` flag it passes exists in the built CLI — so a
/// renamed or removed flag breaks this test, not a production rollout.
@Suite(.onOwnThreads) struct DeployManifestTests {
    static let deploy = Shell.packageRoot + "/deploy"

    /// A `wriftsync` invocation found in a manifest: the subcommand and the `--flags` it passes.
    struct Invocation: CustomStringConvertible {
        let file: String
        let subcommand: String
        let flags: [String]
        var description: String { "\(file): wriftsync \(subcommand) \(flags.joined(separator: " "))" }
    }

    static func invocation(file: String, arguments: [String]) -> Invocation? {
        guard let subcommand = arguments.first, !subcommand.hasPrefix("-") else { return nil }
        let flags = arguments.dropFirst().filter { $0.hasPrefix("--") }.map { String($0.split(separator: "=", maxSplits: 1)[0]) }
        return Invocation(file: file, subcommand: subcommand, flags: flags)
    }

    /// The words after each `wriftsync` in a shell-like line.
    static func invocations(file: String, line: String) -> [Invocation] {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        return words.indices.filter { words[$0].hasSuffix("wriftsync") }.compactMap { index in
            invocation(file: file, arguments: Array(words[(index + 1)...].prefix { $0 != ">" && $0 != "|" && $0 != "&&" }))
        }
    }

    static func kubernetesInvocations() throws -> [Invocation] {
        var found: [Invocation] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: deploy + "/kubernetes").sorted() where name.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: deploy + "/kubernetes/" + name, encoding: .utf8)
            for document in try Yams.load_all(yaml: text) {
                found += containers(in: document).compactMap { container in
                    (container["args"] as? [String]).flatMap { invocation(file: name, arguments: $0) }
                }
            }
        }
        return found
    }

    /// Every `containers` entry anywhere in a parsed manifest.
    static func containers(in value: Any?) -> [[String: Any]] {
        if let dictionary = value as? [String: Any] {
            let own = (dictionary["containers"] as? [[String: Any]]) ?? []
            return own + dictionary.filter { $0.key != "containers" }.flatMap { containers(in: $0.value) }
        }
        if let array = value as? [Any] { return array.flatMap { containers(in: $0) } }
        return []
    }

    /// Every pod spec anywhere in a parsed manifest (a dictionary with `containers`).
    static func podSpecs(in value: Any?) -> [[String: Any]] {
        if let dictionary = value as? [String: Any] {
            let own = dictionary["containers"] != nil ? [dictionary] : []
            return own + dictionary.flatMap { podSpecs(in: $0.value) }
        }
        if let array = value as? [Any] { return array.flatMap { podSpecs(in: $0) } }
        return []
    }

    /// The release gate's quarantines and untested versions, the applied commits and the history must outlive a
    /// pod: every `run` and `apply` a manifest starts keeps its state directory on a persistent volume (in
    /// Kubernetes, a claim; in systemd, `StateDirectory`). The CronJob kept it in its cache's `emptyDir`, new for
    /// every job: a failing image was created again every ten minutes.
    @Test func everyReconcileKeepsItsStateOnAPersistentVolume() throws {
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.deploy + "/kubernetes").sorted() where name.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: Self.deploy + "/kubernetes/" + name, encoding: .utf8)
            for document in try Yams.load_all(yaml: text) {
                for pod in Self.podSpecs(in: document) {
                    let volumes = (pod["volumes"] as? [[String: Any]]) ?? []
                    for case let container as [String: Any] in (pod["containers"] as? [Any]) ?? [] {
                        let arguments = (container["args"] as? [String]) ?? []
                        guard let command = arguments.first, ["run", "apply"].contains(command) else { continue }
                        checked += 1
                        let stateDirectory = arguments.first { $0.hasPrefix("--state-dir=") }.map { String($0.dropFirst("--state-dir=".count)) }
                        let directory = try #require(stateDirectory, "\(name): wriftsync \(command) without --state-dir")
                        let mounts = (container["volumeMounts"] as? [[String: Any]]) ?? []
                        let mount = try #require(mounts.first { $0["mountPath"] as? String == directory }, "\(name): nothing mounted at \(directory)")
                        let volume = try #require(volumes.first { $0["name"] as? String == mount["name"] as? String }, "\(name): no volume \(mount["name"] ?? "")")
                        #expect(volume["persistentVolumeClaim"] != nil, "\(name): the state directory \(directory) is not on a persistent volume: \(volume)")
                    }
                }
            }
        }
        #expect(checked == 2, "the Deployment and the CronJob")
        let service = try String(contentsOfFile: Self.deploy + "/systemd/wriftsync.service", encoding: .utf8)
        #expect(service.contains("--state-dir ${STATE_DIRECTORY}") && service.contains("\nStateDirectory="), "systemd keeps it in StateDirectory")
    }

    /// The Deployment's pod gets the time a stop needs (the change in flight, smoke tests included), and its Service
    /// keeps routing the webhook to it while it is not ready (failing reconciles): the fix's push must reach it.
    @Test func theControllerIsGivenTimeToStopAndKeepsItsWebhookWhenNotReady() throws {
        let text = try String(contentsOfFile: Self.deploy + "/kubernetes/deployment.yaml", encoding: .utf8)
        let documents = try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
        let deployment = try #require(documents.first { $0["kind"] as? String == "Deployment" })
        let pod = try #require(Self.podSpecs(in: deployment).first)
        let grace = try #require(pod["terminationGracePeriodSeconds"] as? Int, "the default 30 s kills a smoke test of up to 300 s")
        #expect(grace > 300)
        let service = try #require(documents.first { $0["kind"] as? String == "Service" })
        #expect((service["spec"] as? [String: Any])?["publishNotReadyAddresses"] as? Bool == true)
    }

    @Test func everyManifestParsesAndItsFlagsExist() throws {
        var invocations = try Self.kubernetesInvocations()
        #expect(invocations.count == 2, "the Deployment and the CronJob")
        #expect(invocations.contains { $0.file == "cronjob.yaml" && $0.flags.contains("--once") })

        let service = try String(contentsOfFile: Self.deploy + "/systemd/wriftsync.service", encoding: .utf8)
        let execStart = try #require(service.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        invocations += Self.invocations(file: "wriftsync.service", line: String(execStart.dropFirst("ExecStart=".count)))
        let timer = try String(contentsOfFile: Self.deploy + "/systemd/wriftsync.timer", encoding: .utf8)
        #expect(timer.contains("[Timer]") && timer.contains("OnUnitActiveSec="))

        let workflow = try String(contentsOfFile: Self.deploy + "/ci/wriftsync-plan.yml", encoding: .utf8)
        let parsed = try #require(try Yams.load(yaml: workflow) as? [String: Any])
        let jobs = try #require(parsed["jobs"] as? [String: Any])
        for case let job as [String: Any] in jobs.values {
            for case let step as [String: Any] in (job["steps"] as? [Any]) ?? [] {
                if let run = step["run"] as? String { invocations += Self.invocations(file: "wriftsync-plan.yml", line: run) }
            }
        }
        #expect(invocations.contains { $0.file == "wriftsync-plan.yml" && $0.subcommand == "plan" && $0.flags.contains("--format") })

        let dockerfile = try String(contentsOfFile: Self.deploy + "/Dockerfile", encoding: .utf8)
        #expect(dockerfile.contains("ENTRYPOINT [\"/usr/local/bin/wriftsync\"]"))
        #expect(dockerfile.components(separatedBy: "\nFROM ").count - 1 + (dockerfile.hasPrefix("FROM ") ? 1 : 0) >= 2, "multi-stage")

        var help: [String: String] = [:]
        for invocation in invocations {
            if help[invocation.subcommand] == nil {
                let result = try SourceCommandTests.run([invocation.subcommand, "--help"])
                #expect(result.status == 0, "\(invocation): no such subcommand")
                help[invocation.subcommand] = result.stdout
            }
            for flag in invocation.flags {
                #expect(help[invocation.subcommand]?.contains(flag) == true, "\(invocation): \(flag) is not a flag of `wriftsync \(invocation.subcommand)`")
            }
        }
    }
}

import ArgumentParser
import Foundation
import GitSource

/// `wriftsync source`: fetch the repository and show what WriftSync would read — the first thing to run
/// when setting up credentials and refs.
struct SourceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "source",
        abstract: "Fetch the repository, then print the resolved commit and the files under --path.",
        usage: HelpText.sourceUsage,
        discussion: HelpText.sourceExamples
    )

    @OptionGroup var git: GitOptions

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        try git.requireRepository()
    }

    func run() throws {
        do {
            // The trusted keys are read before anything is fetched, so a bad file fails at once.
            let policy = try git.signaturePolicy()
            let (spec, source) = try git.makeSource()
            let synced = try source.sync(spec)
            let resolved = try synced.repository.resolve(git.ref)
            // Verified before any file of the commit is read: an untrusted commit is not looked into.
            let signature = try policy.map { policy throws(SignatureRefusal) in try synced.repository.verify(commit: resolved.commit, policy: policy) }
            let files = try synced.repository.files(
                at: resolved.commit, under: git.path, maxFileSize: git.maxFileSize, maxFiles: git.maxFiles, maxTotalSize: git.maxTotalSize
            )
            if json {
                try printJSON(spec: spec, resolved: resolved, stats: synced.stats, signature: signature, files: files)
            } else {
                printText(spec: spec, resolved: resolved, stats: synced.stats, signature: signature, files: files)
            }
        } catch let error as GitSourceError {
            printError(error.description)
            throw ExitCode.failure
        } catch let error as SignaturePolicyError {
            printError(error.description)
            throw ExitCode.failure
        } catch let refusal as SignatureRefusal {
            printError(refusal.description)
            throw ExitCode.failure
        }
    }

    private func printText(spec: RepositorySpec, resolved: ResolvedRef, stats: FetchStats, signature: SignatureVerification?, files: [GitFile]) {
        print("repository  \(spec)")
        print("ref         \(git.ref ?? "(remote HEAD)") -> \(resolved.name)")
        print("commit      \(resolved.commit)")
        print("signature   \(signature.map { "good, \($0.description)" } ?? "not checked (no --trusted-signers or --trusted-gpg-keys)")")
        print("fetch       \(Self.describe(stats))")
        let total = files.reduce(0) { $0 + $1.data.count }
        print("path        \(git.path): \(files.count) file\(files.count == 1 ? "" : "s"), \(Self.bytes(total))")
        for file in files {
            print("  \(file.mode.rawValue)  \(Self.bytes(file.data.count).leftPadded(to: 9))  \(file.path)")
        }
    }

    private func printJSON(spec: RepositorySpec, resolved: ResolvedRef, stats: FetchStats, signature: SignatureVerification?, files: [GitFile]) throws {
        struct Output: Encodable {
            struct File: Encodable { let path: String; let mode: String; let size: Int }
            struct Fetch: Encodable {
                let cloned: Bool, readInPlace: Bool, receivedObjects: Int, receivedBytes: Int, updatedRefs: Int, seconds: Double
            }
            /// `status` is `good` (the other fields set) or `not-checked` (alone).
            struct Signature: Encodable {
                let status: String
                var method: String?, keyType: String?, fingerprint: String?, signer: String?
            }
            let repository: String, ref: String, commit: String, path: String
            let signature: Signature
            let fetch: Fetch
            let files: [File]
        }
        let output = Output(
            repository: spec.description,
            ref: resolved.name,
            commit: resolved.commit.hex,
            path: git.path,
            signature: signature.map {
                .init(status: "good", method: $0.method.rawValue, keyType: $0.keyType, fingerprint: $0.fingerprint, signer: $0.signer)
            } ?? .init(status: "not-checked"),
            fetch: .init(cloned: stats.cloned, readInPlace: stats.readInPlace, receivedObjects: stats.receivedObjects,
                         receivedBytes: stats.receivedBytes, updatedRefs: stats.updatedRefs, seconds: stats.seconds),
            files: files.map { .init(path: $0.path, mode: $0.mode.rawValue, size: $0.data.count) }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        print(String(decoding: try encoder.encode(output), as: UTF8.self))
    }

    static func describe(_ stats: FetchStats) -> String {
        if stats.readInPlace { return "local repository, read in place" }
        let time = String(format: "%.0f ms", stats.seconds * 1000)
        let verb = stats.cloned ? "cloned" : "fetched"
        if !stats.cloned && stats.receivedObjects == 0 && stats.updatedRefs == 0 { return "up to date (\(time))" }
        return "\(verb) \(counted(stats.receivedObjects, "object")), \(bytes(stats.receivedBytes)), \(counted(stats.updatedRefs, "ref")) updated (\(time))"
    }

    static func bytes(_ count: Int) -> String {
        if count < 1024 { return "\(count) B" }
        if count < 1 << 20 { return String(format: "%.1f KiB", Double(count) / 1024) }
        return String(format: "%.1f MiB", Double(count) / Double(1 << 20))
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

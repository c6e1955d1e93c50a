import Foundation
import GitSource

/// The last commit `run` applied, per repository and ref, under the state directory (`applied-commits.json`):
/// so that `--verify-mode all-since-last` verifies every commit since it after a restart too, and an unsigned
/// commit pushed while the controller was down cannot hide behind a signed head.
public struct AppliedCommitStore: Sendable {
    private struct Entry: Codable {
        var commit: String
        /// When it was applied (ISO 8601).
        var at: String
    }

    private struct File: Codable {
        var formatVersion = 1
        var repositories: [String: Entry]

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version"
            case repositories
        }
    }

    /// `<state directory>/applied-commits.json`.
    public let path: String
    /// The keys read, in order: the resolved ref's, then the ref as spelled.
    private let keys: [String]
    /// The keys written on a record: the resolved ref's, and `HEAD`'s when no ref was given (so that a remote whose
    /// default branch changes still finds the last commit applied to the one before).
    private let written: [String]
    /// The keys a record removes: the spelling of a given ref, now kept under its resolved name.
    private let retired: [String]

    /// The store of `repository`'s `ref` (`nil`: the remote's HEAD) under `stateDirectory`. With `resolved`, the full
    /// name the ref resolved to (`refs/heads/main`), the record is kept under that: `--ref main`, `--ref
    /// refs/heads/main` and no `--ref` on a remote whose HEAD is main are one branch, where keyed by the spelling a
    /// redeploy that wrote the ref otherwise missed the record, and verified the next head alone. A record under
    /// the spelling (an older WriftSync's) is still read.
    public init(stateDirectory: String, repository: RepositorySpec, ref: String?, resolved: String? = nil) {
        path = stateDirectory + "/applied-commits.json"
        let spelled = repository.url + " " + (ref ?? "HEAD")
        let full = resolved.map { repository.url + " " + $0 } ?? spelled
        keys = full == spelled ? [full] : [full, spelled]
        written = ref == nil && full != spelled ? [full, spelled] : [full]
        retired = ref != nil && full != spelled ? [spelled] : []
    }

    private var file: StateFile { StateFile(path: path, what: "the record of applied commits") }

    /// The last commit applied; `nil` before the first. A recorded commit that is not a commit id is an error:
    /// read as none, only the next head would be verified, the gap `all-since-last` exists to close.
    public func lastApplied() throws(StateFileError) -> CommitID? {
        do {
            return try file.locked {
                let repositories = try read().repositories
                guard let entry = keys.lazy.compactMap({ repositories[$0] }).first else { return nil }
                guard let commit = CommitID(hex: entry.commit) else {
                    throw StateFileError(
                        what: file.what, path: path,
                        reason: "names \(String(entry.commit.prefix(80)).debugDescription) as the last commit applied, which is not a commit id; "
                            + "fix or remove it (the next commit is then verified alone)")
                }
                return commit
            }
        } catch let error as StateFileError {
            throw error
        } catch {
            throw StateFileError(what: file.what, path: path, reason: "cannot be read: \(error)")
        }
    }

    /// Records `commit` as applied.
    public func record(_ commit: CommitID, at date: Date = Date()) throws(StateFileError) {
        do {
            try file.locked {
                var contents = try read()
                for key in written { contents.repositories[key] = Entry(commit: commit.hex, at: date.formatted(.iso8601)) }
                for key in retired { contents.repositories[key] = nil }
                try file.write(StateFile.encode(contents))
            }
        } catch let error as StateFileError {
            throw error
        } catch {
            throw StateFileError(what: file.what, path: path, reason: "cannot be written: \(error)")
        }
    }

    private func read() throws -> File {
        guard let data = try file.read() else { return File(repositories: [:]) }
        do {
            return try JSONDecoder().decode(File.self, from: data)
        } catch {
            // Forgetting it would verify only the next head: a gap an unsigned commit could use.
            throw StateFileError(what: file.what, path: path, reason: "cannot be read (\(error)); fix or remove it (the next commit is then verified alone)")
        }
    }
}

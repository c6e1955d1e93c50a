import Foundation
import Planner
import WriftAIModels

/// The release gate's memory, under the state directory (`release-gate.json`): the versions created whose
/// smoke tests have not finished, and the quarantined digests. Every change is written aside, flushed and
/// renamed over the file under a lock, so that a kill leaves the old or the new state and two processes on
/// one state directory do not lose each other's entries.
public struct ReleaseGateStore: Sendable {
    /// One entry: a version of a model, by digest.
    public struct Entry: Codable, Sendable, Equatable {
        /// `pending`: created, not tested yet; `quarantined`: its tests failed.
        public enum Status: String, Codable, Sendable {
            case pending
            case quarantined
        }

        /// The model.
        public var model: ModelID
        /// The image.
        public var digest: Digest
        /// The fingerprint of the declaration created or tested; a different one lifts a quarantine.
        public var fingerprint: String
        public var status: Status
        /// For a quarantine: which test failed and how.
        public var reason: String?
        /// When it was recorded (ISO 8601).
        public var at: String
        /// For a quarantine: the version whose tests failed (the one a rollback deletes). Absent in the records
        /// of older versions of WriftSync.
        public var number: Int?

        /// Creates an entry.
        public init(model: ModelID, digest: Digest, fingerprint: String, status: Status, reason: String?, at: String, number: Int? = nil) {
            self.model = model
            self.digest = digest
            self.fingerprint = fingerprint
            self.status = status
            self.reason = reason
            self.at = at
            self.number = number
        }

        enum CodingKeys: String, CodingKey {
            case model, digest, fingerprint, status, reason, at, number
        }
    }

    private struct File: Codable {
        var formatVersion = 1
        var entries: [Entry]

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version"
            case entries
        }
    }

    /// `<state directory>/release-gate.json`.
    public let path: String

    /// The store under `stateDirectory`.
    public init(stateDirectory: String) {
        path = stateDirectory + "/release-gate.json"
    }

    /// Every entry; none when there is no file yet. A damaged file is an error naming it: forgetting a
    /// quarantine would re-create a version that failed.
    public func entries() throws -> [Entry] {
        try locked { try read() }
    }

    /// What the planner needs: pending versions and quarantined digests.
    public func state() throws -> ReleaseGateState {
        var state = ReleaseGateState()
        for entry in try entries() {
            let key = ReleaseGateState.Key(model: entry.model, digest: entry.digest)
            switch entry.status {
            case .pending: state.pending[key] = entry.fingerprint
            case .quarantined:
                state.quarantined[key] = .init(fingerprint: entry.fingerprint, reason: entry.reason ?? "", number: entry.number)
            }
        }
        return state
    }

    /// Records `entry`, replacing any entry of its model and digest.
    public func record(_ entry: Entry) throws {
        try update { entries in
            entries.removeAll { $0.model == entry.model && $0.digest == entry.digest }
            entries.append(entry)
        }
    }

    /// Records `entry` (pending) unless its model and digest are quarantined for the same declaration, which
    /// is returned instead and kept: checked and written under one lock, so that a quarantine recorded by
    /// another process after a plan was made is never overwritten by that plan's create.
    public func recordPending(_ entry: Entry) throws -> Entry? {
        var quarantine: Entry?
        try update { entries in
            quarantine = entries.first {
                $0.model == entry.model && $0.digest == entry.digest && $0.status == .quarantined && $0.fingerprint == entry.fingerprint
            }
            guard quarantine == nil else { return }
            entries.removeAll { $0.model == entry.model && $0.digest == entry.digest }
            entries.append(entry)
        }
        return quarantine
    }

    /// Forgets the entry of `model` and `digest`, if any.
    public func forget(model: ModelID, digest: Digest) throws {
        try update { entries in
            entries.removeAll { $0.model == model && $0.digest == digest }
        }
    }

    /// Lifts the quarantines that `matching` selects; returns them.
    @discardableResult
    public func clearQuarantines(matching: (Entry) -> Bool) throws -> [Entry] {
        var cleared: [Entry] = []
        try update { entries in
            cleared = entries.filter { $0.status == .quarantined && matching($0) }
            entries.removeAll { $0.status == .quarantined && matching($0) }
        }
        return cleared
    }

    // MARK: - File

    private var file: StateFile { StateFile(path: path, what: "the release gate's state") }

    private func update(_ body: (inout [Entry]) -> Void) throws {
        try locked {
            var entries = try read()
            body(&entries)
            try file.write(StateFile.encode(File(entries: entries.sorted { ($0.model, $0.digest) < ($1.model, $1.digest) })))
        }
    }

    private func read() throws -> [Entry] {
        guard let data = try file.read() else { return [] }
        do {
            return try JSONDecoder().decode(File.self, from: data).entries
        } catch {
            throw StateFileError(what: file.what, path: path, reason: "cannot be read (\(error)); fix or remove it (quarantines in it would be lost)")
        }
    }

    private func locked<T>(_ body: () throws -> T) throws -> T {
        try file.locked(body)
    }
}

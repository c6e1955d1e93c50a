import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The emulator's state on disk: one file of JSON lines, a snapshot followed by a journal.
///
/// ```
/// {"format_version":2,"models":[…]}                                   ← the snapshot: an EmulatorState
/// {"change":"create_version","name":"demo","owner":"alice","version":{…}}  ← one StateChange per line
/// {"change":"delete_version","name":"demo","number":3,"owner":"alice"}
/// ```
///
/// A running emulator appends one line per change and flushes it to disk before it answers, so every
/// acknowledged write survives SIGKILL or a power loss; now and then (``Compaction``) it writes the whole
/// state as a new snapshot beside the file, flushes it and renames it over the file. Loading reads the
/// snapshot and replays the journal. A last line without its newline is a record cut short by a kill —
/// never acknowledged — and is ignored; anything else that does not read or apply is an error naming the
/// file, line and byte offset.
///
/// The format before the journal (version 1: the whole state as one JSON document, rewritten after every
/// change) still loads; the first change then rewrites the file in this format.
public struct StateFile: Sendable {
    /// Why a state file could not be read or written.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, naming the file.
        public let description: String
    }

    /// When a running emulator replaces snapshot + journal by a new snapshot.
    ///
    /// Compaction is due once the journal holds at least ``minimumJournalBytes`` and at least
    /// ``journalToSnapshotRatio`` times the snapshot's size: with the defaults, the disk writes at most
    /// twice what the changes themselves take (the journal, then one snapshot per snapshot-sized journal),
    /// and loading replays at most about the snapshot's size again.
    public struct Compaction: Sendable {
        /// The smallest journal worth compacting, in bytes.
        public var minimumJournalBytes: Int
        /// How large the journal may grow relative to the snapshot before compaction.
        public var journalToSnapshotRatio: Double

        /// Creates a compaction policy; the defaults are 4 MiB and 1× the snapshot.
        public init(minimumJournalBytes: Int = 4 << 20, journalToSnapshotRatio: Double = 1) {
            self.minimumJournalBytes = minimumJournalBytes
            self.journalToSnapshotRatio = journalToSnapshotRatio
        }
    }

    /// The snapshot format this emulator writes.
    public static let formatVersion = 2

    /// The file's path.
    public let path: String
    /// When a running emulator compacts the file.
    public var compaction: Compaction

    /// A state file at `path`, compacted by the default policy.
    public init(path: String) {
        self.init(path: path, compaction: Compaction())
    }

    /// A state file at `path`, compacted by `compaction`.
    public init(path: String, compaction: Compaction) {
        self.path = path
        self.compaction = compaction
    }

    /// What a load found, beyond the state: what the writer needs to continue the file.
    struct Contents {
        enum Format: Equatable {
            /// Version 1: one JSON document.
            case document
            /// Version 2: snapshot line + journal lines.
            case journal
        }

        var state: EmulatorState
        var format: Format
        /// The snapshot line's size, newline included.
        var snapshotBytes: Int
        /// The complete journal lines' size.
        var journalBytes: Int
        /// How many journal records were replayed.
        var records: Int
        /// The size of a torn last record that was ignored (0 if none).
        var tornBytes: Int
    }

    /// The stored state, or `nil` if the file does not exist. Removes the temporary files of saves that a
    /// killed process left behind (theirs is the pid in the name, no longer running).
    public func load() throws -> EmulatorState? {
        try read()?.state
    }

    /// The stored state with what the writer needs to know, or `nil` if the file does not exist.
    func read() throws -> Contents? {
        removeAbandonedTemporaryFiles()
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Failure(description: "cannot read state file \(path): \(error)")
        }
        let decoder = JSONDecoder()
        if let newline = data.firstIndex(of: 0x0A),
            let snapshot = try? decoder.decode(EmulatorState.self, from: data[data.startIndex..<newline]),
            snapshot.formatVersion >= Self.formatVersion
        {
            guard snapshot.formatVersion == Self.formatVersion else {
                throw Failure(description: "state file \(path) has format \(snapshot.formatVersion); this emulator reads formats 1 and 2")
            }
            return try replay(data, snapshot: snapshot, journalStart: newline + 1, decoder: decoder)
        }
        let state: EmulatorState
        do {
            state = try decoder.decode(EmulatorState.self, from: data)
        } catch {
            throw Failure(description: "state file \(path) is not valid emulator state: \(error)")
        }
        guard state.formatVersion <= 1 else {
            throw Failure(description: "state file \(path) has format \(state.formatVersion) as one document; format 2 is a snapshot line and a journal")
        }
        return Contents(state: state, format: .document, snapshotBytes: data.count, journalBytes: 0, records: 0, tornBytes: 0)
    }

    private func replay(_ data: Data, snapshot: EmulatorState, journalStart: Int, decoder: JSONDecoder) throws -> Contents {
        var state = snapshot
        var index = StateChange.index(of: state)
        var offset = journalStart
        var line = 2
        var records = 0
        while offset < data.endIndex {
            guard let end = data[offset...].firstIndex(of: 0x0A) else {
                // Cut short by a kill mid-write: it was never flushed, so never acknowledged.
                break
            }
            let change: StateChange
            do {
                change = try decoder.decode(StateChange.self, from: Data(data[offset..<end]))
            } catch {
                throw Failure(description: "state file \(path), line \(line) (byte \(offset)): not a change record: \(error)")
            }
            do {
                try change.apply(to: &state, index: &index)
            } catch {
                throw Failure(description: "state file \(path), line \(line) (byte \(offset)): \(error)")
            }
            records += 1
            line += 1
            offset = end + 1
        }
        return Contents(
            state: state, format: .journal, snapshotBytes: journalStart, journalBytes: offset - journalStart,
            records: records, tornBytes: data.endIndex - offset)
    }

    private func removeAbandonedTemporaryFiles() {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)), pid > 0 else { continue }
            // ESRCH: no such process. A live process (this one, or another saving now) keeps its file.
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink("\(directory)/\(name)")
            }
        }
    }

    /// The snapshot line of `state`: compact JSON, one line, newline-terminated.
    static func snapshotLine(_ state: EmulatorState) throws -> Data {
        var snapshot = state
        snapshot.formatVersion = formatVersion
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(snapshot)
        data.append(0x0A)
        return data
    }

    /// Writes `state` as a snapshot with an empty journal: to a temporary file beside the target, flushed
    /// to disk and renamed over the target, so a crash leaves either the old or the new file, never a torn
    /// one.
    public func save(_ state: EmulatorState) throws {
        _ = try writeSnapshot(state, step: { _ in })
    }

    /// The steps of a snapshot write, after which a test may simulate a crash.
    enum SnapshotStep: CaseIterable {
        case temporaryWritten, temporaryFlushed, renamed
    }

    /// ``save(_:)``, calling `step` after each step (whatever it throws propagates with no cleanup, as a
    /// crash would leave things). Returns the snapshot's size.
    func writeSnapshot(_ state: EmulatorState, step: (SnapshotStep) throws -> Void) throws -> Int {
        let data = try Self.snapshotLine(state)
        let temporaryPath = "\(path).tmp-\(getpid())"
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw Failure(description: "cannot create \(temporaryPath): \(String(cString: strerror(errno)))")
        }
        if let writeError = Self.writeAll(data, to: descriptor) {
            close(descriptor)
            unlink(temporaryPath)
            throw Failure(description: "cannot write \(temporaryPath): \(String(cString: strerror(writeError)))")
        }
        try step(.temporaryWritten)
        let syncFailed = fsync(descriptor) != 0
        close(descriptor)
        if syncFailed {
            unlink(temporaryPath)
            throw Failure(description: "cannot flush \(temporaryPath) to disk")
        }
        try step(.temporaryFlushed)
        guard rename(temporaryPath, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw Failure(description: "cannot replace \(path): \(message)")
        }
        try step(.renamed)
        // Flush the directory entry too, so the rename itself survives a power loss.
        let directory = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
        return data.count
    }

    /// Writes all of `data`; the `errno` of a failure, else `nil`.
    static func writeAll(_ data: Data, to descriptor: Int32) -> Int32? {
        data.withUnsafeBytes { buffer -> Int32? in
            var written = 0
            while written < buffer.count {
                let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += result
            }
            return nil
        }
    }
}

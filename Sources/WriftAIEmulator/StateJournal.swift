import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The writing end of a ``StateFile``: appends one flushed line per change, and compacts now and then.
///
/// Owned by one storage actor, which serialises every call. Every step leaves a file that loads to the
/// acknowledged state: a record is flushed before the change is acknowledged; a compaction writes the new
/// snapshot beside the file and renames it over, so a crash before the rename leaves the old snapshot and
/// its complete journal, after it the new snapshot.
final class StateJournal {
    let file: StateFile
    /// Called after each step of a compaction; tests throw from it to simulate a crash there.
    var compactionStep: (StateFile.SnapshotStep) throws -> Void = { _ in }

    private var descriptor: Int32 = -1
    /// The file must be rewritten before the next append: it does not exist, is in the old one-document
    /// format, or an append failed in a way that may have left a partial line.
    private var needsSnapshot: Bool
    private(set) var snapshotBytes: Int
    private(set) var journalBytes: Int
    private(set) var records: Int

    /// Continues the file `contents` was read from (`nil`: it does not exist yet). A torn last record is
    /// cut off first, so appends follow complete lines.
    init(file: StateFile, contents: StateFile.Contents?) throws {
        self.file = file
        snapshotBytes = contents?.snapshotBytes ?? 0
        journalBytes = contents?.journalBytes ?? 0
        records = contents?.records ?? 0
        guard let contents, contents.format == .journal else {
            needsSnapshot = true
            return
        }
        needsSnapshot = false
        descriptor = open(file.path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StateFile.Failure(description: "cannot open \(file.path) for writing: \(String(cString: strerror(errno)))")
        }
        if contents.tornBytes > 0 {
            guard ftruncate(descriptor, off_t(snapshotBytes + journalBytes)) == 0, fsync(descriptor) == 0 else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw StateFile.Failure(description: "cannot cut the torn last record off \(file.path): \(reason)")
            }
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Whether the journal has grown enough, by the file's ``StateFile/Compaction`` policy.
    var isCompactionDue: Bool {
        journalBytes >= file.compaction.minimumJournalBytes
            && Double(journalBytes) >= file.compaction.journalToSnapshotRatio * Double(snapshotBytes)
    }

    /// Appends `change` and flushes it to disk. `state` is the state before the change: when the file must
    /// be (re)written first, that is its snapshot.
    ///
    /// - Throws: ``StateFile/Failure``; the change is then not on disk (and must not be applied).
    func append(_ change: StateChange, onto state: EmulatorState) throws {
        if needsSnapshot {
            try compact(state)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(change)
        line.append(0x0A)
        if let writeError = StateFile.writeAll(line, to: descriptor) {
            discardPartialRecord()
            throw StateFile.Failure(description: "cannot append to \(file.path): \(String(cString: strerror(writeError)))")
        }
        guard fdatasync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            discardPartialRecord()
            throw StateFile.Failure(description: "cannot flush \(file.path) to disk: \(reason)")
        }
        journalBytes += line.count
        records += 1
    }

    /// Forces a snapshot before the next append (after a change was written but could not be applied).
    func invalidate() {
        needsSnapshot = true
    }

    /// Replaces snapshot and journal by a snapshot of `state`.
    func compact(_ state: EmulatorState) throws {
        let size = try file.writeSnapshot(state, step: compactionStep)
        let reopened = open(file.path, O_WRONLY | O_APPEND | O_CLOEXEC)
        if descriptor >= 0 { close(descriptor) }
        descriptor = reopened
        guard reopened >= 0 else {
            // The old descriptor names the replaced file: appending there would lose the records.
            needsSnapshot = true
            throw StateFile.Failure(description: "cannot open \(file.path) for writing: \(String(cString: strerror(errno)))")
        }
        snapshotBytes = size
        journalBytes = 0
        records = 0
        needsSnapshot = false
    }

    /// Cuts a failed append off the end; if even that fails, the next append rewrites the whole file.
    private func discardPartialRecord() {
        if ftruncate(descriptor, off_t(snapshotBytes + journalBytes)) != 0 {
            needsSnapshot = true
        }
    }
}

import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `history.jsonl`: one JSON record per line, appended and never rewritten. Each append is one `write` of a
/// whole line to a file opened with `O_APPEND`, then `fsync`ed, under an exclusive lock shared by every
/// process writing the same directory (`run` and an `apply` at once). A process killed mid-write can leave
/// at most a torn last line: readers skip it, and the next append starts on a fresh line. At
/// ``Configuration/maxFileSize`` the file is rotated (`history.jsonl.1`, `.2`, …), keeping
/// ``Configuration/keep`` old files.
public final class HistoryStore: Sendable {
    /// Where and how much history is kept.
    public struct Configuration: Sendable, Equatable {
        /// The directory (`--state-dir`).
        public var directory: String
        /// The size at which the file is rotated (`--history-max-size`).
        public var maxFileSize: Int
        /// Rotated files kept (`--history-keep`); older ones are deleted.
        public var keep: Int

        /// A configuration; the default keeps 10 MiB per file and 5 old files (60 MiB at most).
        public init(directory: String, maxFileSize: Int = 10 << 20, keep: Int = 5) {
            self.directory = directory
            self.maxFileSize = maxFileSize
            self.keep = keep
        }
    }

    /// Why the history could not be written or read.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed, with the path and the system's reason.
        public let description: String
    }

    /// What a read found.
    public struct Read: Sendable {
        /// The records matching, oldest first.
        public var records: [HistoryRecord]
        /// Lines that are not records (a torn last line after a crash, a foreign line), skipped.
        public var skippedLines: Int
    }

    /// The file name in the directory.
    public static let fileName = "history.jsonl"
    /// The longest record line written; a record over it keeps its first 100 actions and warnings only.
    public static let maxLineLength = 1 << 20

    /// How the store was configured.
    public let configuration: Configuration
    /// The history file ``prepare()`` made and synced the directory of (device and inode).
    private let prepared = Mutex<(device: UInt64, inode: UInt64)?>(nil)

    /// A store in `configuration.directory`; nothing is created until the first append.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The current file.
    public var path: String { (configuration.directory as NSString).appendingPathComponent(Self.fileName) }

    /// The files, oldest first: `history.jsonl.N` … `history.jsonl.1`, `history.jsonl` — every one there, so
    /// that a reader sees what a writer with a larger `keep` left.
    public var files: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: configuration.directory)) ?? []
        let rotated = names.compactMap { name -> Int? in
            guard name.hasPrefix(Self.fileName + "."), let number = Int(name.dropFirst(Self.fileName.count + 1)), number > 0 else { return nil }
            return number
        }
        return rotated.sorted(by: >).map { "\(path).\($0)" } + (FileManager.default.fileExists(atPath: path) ? [path] : [])
    }

    // MARK: - Appending

    /// Makes the directory, the lock file and the history file, if missing, and syncs the directory, so that
    /// a later ``append(_:encodedActions:)`` only encodes, writes and syncs its line. An `apply` prepares while
    /// its changes are sent: creating the files took 1–3 ms of its end, and the first date a record encodes
    /// 0.7 ms (the date format's first use, paid here instead). An empty history file is a history without
    /// records.
    public func prepare() throws(Failure) {
        Self.warmUpEncoding()
        try makeDirectory()
        close(try openFile(path + ".lock", O_RDWR | O_CREAT))
        let descriptor = try openFile(path, O_RDWR | O_APPEND | O_CREAT)
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("cannot read \(path)") }
        syncDirectory()
        prepared.withLock { $0 = (device: UInt64(info.st_dev), inode: UInt64(info.st_ino)) }
    }

    /// Appends `record` as one line, durably: it is on disk when this returns. Actions found in
    /// `encodedActions` are not encoded again.
    public func append(_ record: HistoryRecord, encodedActions: EncodedActions? = nil) throws(Failure) {
        var line = Self.encode(record, encodedActions: encodedActions)
        try makeDirectory()
        let lock = try openFile(path + ".lock", O_RDWR | O_CREAT)
        defer { close(lock) }
        // Writers in other processes (an `apply` beside `run`) wait here; rotation happens under it too.
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw failure("cannot lock \(path).lock") }
        }
        defer { flock(lock, LOCK_UN) }
        var descriptor = try openFile(path, O_RDWR | O_APPEND | O_CREAT)
        defer { close(descriptor) }
        var size = try Self.size(descriptor, path: path)
        if size > 0, size + line.count > configuration.maxFileSize {
            close(descriptor)
            descriptor = -1
            try rotate()
            descriptor = try openFile(path, O_RDWR | O_APPEND | O_CREAT)
            size = 0
        }
        // A line torn by a crash has no newline: end it, so that this record is a line of its own.
        if size > 0, try Self.lastByte(descriptor, size: size, path: path) != UInt8(ascii: "\n") {
            line.insert(UInt8(ascii: "\n"), at: 0)
        }
        let written = line.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += count
            }
            return true
        }
        guard written else { throw failure("cannot append to \(path)") }
        guard fsync(descriptor) == 0 else { throw failure("cannot sync \(path)") }
        // A new file's name needs its directory synced, unless `prepare()` synced it after making this file.
        if size == 0 {
            var info = stat()
            let prepared = prepared.withLock { $0 }
            if fstat(descriptor, &info) != 0 || prepared?.device != UInt64(info.st_dev) || prepared?.inode != UInt64(info.st_ino) {
                syncDirectory()
            }
        }
    }

    /// The line for `record`: compact JSON and a newline; one too long keeps its first 100 actions and warnings.
    static func encode(_ record: HistoryRecord, encodedActions: EncodedActions? = nil) -> [UInt8] {
        let encoder = EventJSON.encoder
        var bytes = encodedActions.flatMap { spliced(record, actions: $0) } ?? Array((try? encoder.encode(record)) ?? Data())
        if bytes.count > maxLineLength {
            var trimmed = record
            trimmed.actions = Array(trimmed.actions.prefix(100))
            trimmed.warnings = Array(trimmed.warnings.prefix(100))
            bytes = Array((try? encoder.encode(trimmed)) ?? Data())
        }
        return bytes + [UInt8(ascii: "\n")]
    }

    /// A record with every part a real one has (a commit with its people, the plan's counts, an action),
    /// encoded as ``append(_:encodedActions:)`` encodes one and thrown away: the first encoding of each of
    /// those types pays the runtime's first-use costs (type metadata, protocol conformance lookups), which
    /// `perf record` found to be most of the record's encoding between an apply's last answer and its exit.
    /// - Returns: The line, which is ``warmUpSample``'s (a test holds it to that, so that the sample keeps every
    ///   part of the format); `nil` if the sample no longer decodes.
    @discardableResult
    static func warmUpEncoding() -> [UInt8]? {
        guard let record = try? EventJSON.decoder.decode(HistoryRecord.self, from: warmUpSample) else { return nil }
        let actions = EncodedActions()
        record.actions.forEach(actions.add)
        return encode(record, encodedActions: actions)
    }

    /// The record ``warmUpEncoding()`` encodes, as its history line (without the newline).
    static let warmUpSample = Data(#"""
            {"actions":[{"action":"create","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000",\#
            "model":"warm/up","number":1,"outcome":"created"}],"commit":{"author":{"email":"a@b","name":"a","time":"2026-01-01T00:00:00Z"},\#
            "committer":{"email":"a@b","name":"a","time":"2026-01-01T00:00:00Z"},"id":"0000000000000000000000000000000000000000",\#
            "subject":"warm-up"},"drifted":[],"dry_run":false,"duration_s":1,"format_version":1,"models":["warm/up"],"path":"models",\#
            "plan":{"create":1,"delete":0,"update":0,"warnings":0},"ref":"refs/heads/main","repository":"warm-up","result":"applied",\#
            "smoke_skipped":false,"time":"2026-01-01T00:00:00Z","trigger":"cli","warnings":[]}
            """#.utf8)

    /// `record` encoded without its actions, with the actions' encodings put in their place: with sorted
    /// keys, `actions` is the first key, so the line starts `{"actions":[]`. `nil` if it does not (the caller
    /// then encodes the whole record).
    static func spliced(_ record: HistoryRecord, actions memo: EncodedActions) -> [UInt8]? {
        var rest = record
        rest.actions = []
        let encoder = EventJSON.encoder
        guard let data = try? encoder.encode(rest) else { return nil }
        let empty = Array(#"{"actions":[]"#.utf8)
        guard data.count >= empty.count, data.prefix(empty.count).elementsEqual(empty) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.count + record.actions.count * 160)
        bytes += empty.dropLast()
        for (index, action) in record.actions.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            if let known = memo.bytes(for: action) {
                bytes += known
            } else if let data = try? encoder.encode(action) {
                bytes += data
            } else {
                return nil
            }
        }
        bytes.append(UInt8(ascii: "]"))
        bytes += data.dropFirst(empty.count)
        return bytes
    }

    private func rotate() throws(Failure) {
        let keep = max(configuration.keep, 0)
        if keep == 0 {
            for file in files { unlink(file) }
            return
        }
        // The oldest goes, and any a larger `keep` once left.
        for file in files where file != path {
            if let number = Int(file.dropFirst(path.count + 1)), number >= keep { unlink(file) }
        }
        for index in stride(from: keep - 1, through: 1, by: -1) {
            let from = "\(path).\(index)"
            if FileManager.default.fileExists(atPath: from), rename(from, "\(path).\(index + 1)") != 0 {
                throw failure("cannot rotate \(from)")
            }
        }
        guard rename(path, "\(path).1") == 0 else { throw failure("cannot rotate \(path)") }
        syncDirectory()
    }

    private func makeDirectory() throws(Failure) {
        do {
            try FileManager.default.createDirectory(atPath: configuration.directory, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot create the state directory \(configuration.directory): \(error.localizedDescription)")
        }
    }

    private func openFile(_ file: String, _ flags: Int32) throws(Failure) -> Int32 {
        let descriptor = open(file, flags | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("cannot open \(file)") }
        return descriptor
    }

    /// A new file's name is durable only once its directory is synced.
    private func syncDirectory() {
        let descriptor = open(configuration.directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private static func size(_ descriptor: Int32, path: String) throws(Failure) -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Failure(description: "cannot read the size of \(path): \(String(cString: strerror(errno)))") }
        return Int(info.st_size)
    }

    private static func lastByte(_ descriptor: Int32, size: Int, path: String) throws(Failure) -> UInt8 {
        var byte: UInt8 = 0
        guard pread(descriptor, &byte, 1, off_t(size - 1)) == 1 else {
            throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        return byte
    }

    private func failure(_ what: String) -> Failure {
        Failure(description: "\(what): \(String(cString: strerror(errno)))")
    }

    // MARK: - Reading

    /// The records matching `query`, oldest first: the newest `query.limit` of them. Files are read newest
    /// first, and reading stops once enough matched; lines that are not records are skipped and counted.
    public func read(_ query: HistoryQuery = HistoryQuery()) throws(Failure) -> Read {
        var newestFirst: [HistoryRecord] = []
        var skipped = 0
        for file in files.reversed() {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file))
            } catch CocoaError.fileReadNoSuchFile {
                continue  // rotated away meanwhile
            } catch {
                throw Failure(description: "cannot read \(file): \(error.localizedDescription)")
            }
            let decoder = EventJSON.decoder
            var matched: [HistoryRecord] = []
            for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
                guard let record = try? decoder.decode(HistoryRecord.self, from: line), record.formatVersion == HistoryRecord.formatVersion else {
                    skipped += 1
                    continue
                }
                if query.matches(record) { matched.append(record) }
            }
            newestFirst += matched.reversed()
            if let limit = query.limit, newestFirst.count >= limit { break }
        }
        if let limit = query.limit { newestFirst = Array(newestFirst.prefix(limit)) }
        return Read(records: newestFirst.reversed(), skippedLines: skipped)
    }
}

/// Which records a read returns.
public struct HistoryQuery: Sendable, Equatable {
    /// Only records concerning this model (`owner/name`).
    public var model: String?
    /// Only records at or after this time.
    public var since: Date?
    /// At most this many (the newest); `nil` for all.
    public var limit: Int?

    /// A query; the default returns everything.
    public init(model: String? = nil, since: Date? = nil, limit: Int? = nil) {
        self.model = model
        self.since = since
        self.limit = limit
    }

    /// Whether `record` is returned.
    public func matches(_ record: HistoryRecord) -> Bool {
        if let since, record.time < since { return false }
        if let model, !record.concerns(model) { return false }
        return true
    }
}

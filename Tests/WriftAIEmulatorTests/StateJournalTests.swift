import Foundation
import Testing
@testable import WriftAIEmulator
import WriftAIModels

/// The `--state` file as a snapshot line and an append-only journal: replay, torn tails, corruption,
/// compaction (and crashes during it), and the older one-document format.
@Suite("The state file's journal")
struct StateJournalTests {
    /// A state file in a fresh directory, removed afterwards by `cleanUp`.
    struct Place {
        let directory: String
        let path: String

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("wriftai-journal-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            path = directory + "/state.json"
        }

        func cleanUp() {
            try? FileManager.default.removeItem(atPath: directory)
        }

        var bytes: Data { FileManager.default.contents(atPath: path) ?? Data() }
        var lines: [Substring] { String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) }
        var names: [String] { (try? FileManager.default.contentsOfDirectory(atPath: directory).sorted()) ?? [] }
    }

    static func draft(_ seed: Int) -> VersionDraft {
        VersionDraft(
            releaseNotes: "release \(seed)\nwith a second line",
            containerImageDigest: "sha256:" + String(repeating: "0", count: 60) + String(format: "%04x", seed),
            schemas: Schemas(prediction: PredictionSchemas(input: ["type": "object"], output: ["type": "string"])),
            compatibilities: Compatibilities(),
            configuration: nil,
            fallbackConfiguration: VersionConfiguration(hardwareIdentifier: "cpu", variableNames: []),
            createdAt: "2026-01-01T00:00:\(String(format: "%02d", seed % 60)).000Z"
        )
    }

    static func model(_ name: String) -> ModelRecord {
        ModelRecord(id: "id-\(name)", owner: "alice", name: name, visibility: .private, createdAt: "2026-01-01T00:00:00.000Z")
    }

    /// Six changes of every kind; returns the storage's state afterwards.
    @discardableResult
    static func makeChanges(_ storage: InMemoryEmulatorStorage, seeds: ClosedRange<Int> = 1...3) async throws -> EmulatorState {
        if await storage.model(owner: "alice", name: "demo") == nil {
            #expect(try await storage.createModel(model("demo")))
        }
        for seed in seeds {
            #expect(try await storage.createVersion(owner: "alice", name: "demo", draft: draft(seed)) != nil)
        }
        #expect(try await storage.deleteVersion(owner: "alice", name: "demo", number: seeds.lowerBound))
        #expect(try await storage.updateConfiguration(
            owner: "alice", name: "demo", number: seeds.upperBound,
            update: ConfigurationUpdate(hardwareIdentifier: "gpu-a100", variableNames: ["HF_TOKEN"])) != nil)
        return await storage.snapshot()
    }

    @Test("each change appends one line after the snapshot, which stays as it was; loading replays them")
    func replay() async throws {
        let place = try Place()
        defer { place.cleanUp() }
        let storage = try InMemoryEmulatorStorage(stateFile: StateFile(path: place.path))
        #expect(try await storage.createModel(Self.model("demo")))
        let afterFirst = place.bytes
        #expect(place.lines.count == 3, "snapshot, one record, and the final newline's empty remainder")
        let state = try await Self.makeChanges(storage)
        #expect(place.bytes.prefix(afterFirst.count) == afterFirst, "earlier lines are never rewritten")
        let expectedLines = 8
        // Snapshot, create model, 3 creates, a delete, a configuration, and the final newline's empty remainder.
        #expect(place.lines.count == expectedLines)
        #expect(place.lines.first?.hasPrefix("{\"format_version\":2,") == true)
        let loaded = try #require(try StateFile(path: place.path).load())
        #expect(loaded.models == state.models)
        #expect(loaded.models.first?.versions.map(\.number) == [2, 3])
        #expect(loaded.models.first?.model.highestVersionNumber == 3)
        #expect(loaded.models.first?.versions.last?.configuration.variableNames == ["HF_TOKEN"])

        // A restarted emulator continues the same journal, numbering included.
        let restarted = try InMemoryEmulatorStorage(stateFile: StateFile(path: place.path))
        let next = try await restarted.createVersion(owner: "alice", name: "demo", draft: Self.draft(9))
        #expect(next?.number == 4)
        #expect(try StateFile(path: place.path).load()?.models == (await restarted.snapshot()).models)
        #expect(place.names == ["state.json"])
    }

    @Test("a last record cut short by a kill is ignored, then cut off before the next append")
    func tornTail() async throws {
        let place = try Place()
        defer { place.cleanUp() }
        let state = try await Self.makeChanges(try InMemoryEmulatorStorage(stateFile: StateFile(path: place.path)))
        let complete = place.bytes
        let handle = try #require(FileHandle(forWritingAtPath: place.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"change\":\"create_version\",\"name\":\"demo\",\"owner\":\"al".utf8))
        try handle.close()

        #expect(try StateFile(path: place.path).load()?.models == state.models)
        let restarted = try InMemoryEmulatorStorage(stateFile: StateFile(path: place.path))
        #expect(place.bytes == complete, "the torn record is gone")
        let created = try await restarted.createVersion(owner: "alice", name: "demo", draft: Self.draft(7))
        #expect(created?.number == 4)
        #expect(try StateFile(path: place.path).load()?.models == (await restarted.snapshot()).models)
    }

    @Test("a damaged record that is not the torn last one is an error naming the file, line and offset", arguments: [
        ("{\"change\":\"create_version\",\"name\":\"demo\"", "not a change record"),
        ("{\"change\":\"delete_version\",\"name\":\"demo\",\"number\":99,\"owner\":\"alice\"}", "version 99 of alice/demo does not exist"),
        ("{\"change\":\"create_model\",\"model\":{\"id\":\"x\",\"owner\":\"alice\",\"name\":\"demo\",\"visibility\":\"private\",\"created_at\":\"2026-01-01T00:00:00.000Z\",\"highest_version_number\":0}}",
         "model alice/demo is created a second time"),
        ("\u{0}\u{0}\u{0}", "not a change record"),
    ])
    func corruptRecord(record: String, reason: String) async throws {
        let place = try Place()
        defer { place.cleanUp() }
        try await Self.makeChanges(try InMemoryEmulatorStorage(stateFile: StateFile(path: place.path)))
        var lines = place.lines
        let offset = lines.prefix(3).reduce(0) { $0 + $1.utf8.count + 1 }
        lines.insert(Substring(record), at: 3)
        let damaged = Data(lines.joined(separator: "\n").utf8)
        try damaged.write(to: URL(fileURLWithPath: place.path))
        #expect {
            _ = try InMemoryEmulatorStorage(stateFile: StateFile(path: place.path))
        } throws: { error in
            let message = "\(error)"
            return message.contains(place.path) && message.contains("line 4 (byte \(offset))") && message.contains(reason)
        }
        #expect(place.bytes == damaged, "a damaged file is left as it is")
    }

    @Test("compaction replaces snapshot and journal by one snapshot once the journal outgrows the policy")
    func compaction() async throws {
        let place = try Place()
        defer { place.cleanUp() }
        // Due once the journal is 3 KiB and as large as the snapshot.
        let file = StateFile(path: place.path, compaction: .init(minimumJournalBytes: 3 << 10, journalToSnapshotRatio: 1))
        let storage = try InMemoryEmulatorStorage(stateFile: file)
        #expect(try await storage.createModel(Self.model("demo")))
        var lineCounts: [Int] = []
        for seed in 1...40 {
            _ = try await storage.createVersion(owner: "alice", name: "demo", draft: Self.draft(seed))
            lineCounts.append(place.lines.count - 1)
            #expect(try StateFile(path: place.path).load()?.models == (await storage.snapshot()).models, "after change \(seed)")
        }
        let compactions = zip(lineCounts, lineCounts.dropFirst()).filter { $0.1 < $0.0 }.count
        #expect(compactions >= 2, "the journal was compacted now and then: \(lineCounts)")
        #expect(lineCounts.max()! < 40, "but never grew with every change: \(lineCounts)")
        #expect(lineCounts.contains { $0 > 2 }, "and not rewritten at every change either: \(lineCounts)")
        #expect(place.names == ["state.json"], "no temporary file is left")
    }

    @Test("a crash at any step of a compaction leaves a file that loads to every acknowledged change",
          arguments: StateFile.SnapshotStep.allCases)
    func crashDuringCompaction(step: StateFile.SnapshotStep) async throws {
        struct Crash: Error {}
        let place = try Place()
        defer { place.cleanUp() }
        let file = StateFile(path: place.path)
        var state = EmulatorState()
        var index: [String: Int] = [:]
        let journal = try StateJournal(file: file, contents: nil)
        let changes: [StateChange] = [.createModel(Self.model("demo"))] + (1...4).map { seed in
            .createVersion(owner: "alice", name: "demo", version: VersionRecord(
                number: seed, releaseNotes: "v\(seed)", createdAt: "2026-01-01T00:00:0\(seed).000Z",
                containerImageDigest: "sha256:" + String(repeating: "\(seed)", count: 64), schemas: Self.draft(seed).schemas,
                compatibilities: Compatibilities(), size: 1, configuration: VersionConfiguration(hardwareIdentifier: "cpu", variableNames: [])))
        }
        for change in changes {
            try journal.append(change, onto: state)
            try change.apply(to: &state, index: &index)
        }
        journal.compactionStep = { current in
            if current == step { throw Crash() }
        }
        #expect(throws: Crash.self) { try journal.compact(state) }

        // What a restart finds: the acknowledged state, from the old file or the new one.
        let loaded = try #require(try file.load())
        #expect(loaded.models == state.models)
        // And it carries on: the leftover temporary file is overwritten by the next compaction.
        let restarted = try InMemoryEmulatorStorage(stateFile: file)
        let next = try await restarted.createVersion(owner: "alice", name: "demo", draft: Self.draft(5))
        #expect(next?.number == 5)
        let recovered = try InMemoryEmulatorStorage(stateFile: StateFile(path: place.path, compaction: .init(minimumJournalBytes: 0, journalToSnapshotRatio: 0)))
        _ = try await recovered.deleteVersion(owner: "alice", name: "demo", number: 1)
        #expect(try file.load()?.models == (await recovered.snapshot()).models)
        #expect(place.lines.count == 2, "compacted to one snapshot line")
    }

    @Test("a state file of the one-document format loads, stays untouched until the first change, then becomes snapshot + journal")
    func migratesTheOlderFormat() async throws {
        let place = try Place()
        defer { place.cleanUp() }
        var old = EmulatorState(formatVersion: 1)
        var index: [String: Int] = [:]
        try StateChange.createModel(Self.model("demo")).apply(to: &old, index: &index)
        try StateChange.createVersion(owner: "alice", name: "demo", version: VersionRecord(
            number: 7, releaseNotes: "old", createdAt: "2025-01-01T00:00:00.000Z", containerImageDigest: "sha256:" + String(repeating: "a", count: 64),
            schemas: Self.draft(1).schemas, compatibilities: Compatibilities(), size: 5, configuration: VersionConfiguration(hardwareIdentifier: "cpu", variableNames: [])
        )).apply(to: &old, index: &index)
        // Exactly as the emulator wrote it before the journal.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = try encoder.encode(old)
        try document.write(to: URL(fileURLWithPath: place.path))

        #expect(try StateFile(path: place.path).load() == old)
        let storage = try InMemoryEmulatorStorage(stateFile: StateFile(path: place.path))
        #expect(await storage.snapshot().models == old.models)
        #expect(place.bytes == document, "reading converts nothing")
        let created = try await storage.createVersion(owner: "alice", name: "demo", draft: Self.draft(2))
        #expect(created?.number == 8)
        #expect(place.lines.first?.hasPrefix("{\"format_version\":2,") == true)
        #expect(place.lines.count == 3, "the old state as a snapshot, then the change")
        #expect(try StateFile(path: place.path).load()?.models == (await storage.snapshot()).models)
    }

    @Test("a snapshot of a format this emulator does not know is refused")
    func unknownFormat() throws {
        let place = try Place()
        defer { place.cleanUp() }
        try Data("{\"format_version\":3,\"models\":[]}\n".utf8).write(to: URL(fileURLWithPath: place.path))
        #expect {
            _ = try StateFile(path: place.path).load()
        } throws: { error in
            "\(error)".contains(place.path) && "\(error)".contains("format 3")
        }
    }
}

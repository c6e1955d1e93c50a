import Foundation
import WriftAIModels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Version details on disk. Versions are immutable and numbers never reused, so details keyed by API host,
/// model, number and `created_at` never go stale; a version deleted and recreated differs in `created_at`.
public struct VersionDetailsCache: Sendable {
    /// `<cache>/api/<host>`.
    public let directory: String

    /// A cache for the API at `baseURL` under `cacheDirectory`.
    public init(cacheDirectory: String, baseURL: String) {
        let host = URL(string: baseURL).map { url in
            [url.host, url.port.map(String.init)].compactMap { $0 }.joined(separator: "-")
        } ?? "api"
        directory = "\(cacheDirectory)/api/\(Self.safe(host))"
    }

    func path(model: String, number: Int, createdAt: String) -> String {
        "\(folder(model: model))/\(number)-\(Self.safe(createdAt)).json"
    }

    /// `<directory>/models/<owner>/<name>`: one level per part, since a name may hold any separator that
    /// could join them (`a/b__c` and `a__b/c` once shared `a__b__c`, and pruned each other's entries).
    func folder(model: String) -> String {
        let parts = model.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        return "\(directory)/models/" + parts.map { Self.safe(String($0)) }.joined(separator: "/")
    }

    /// Where versions before this layout kept a model's entries; removed when the model is next pruned.
    private func legacyFolder(model: String) -> String {
        "\(directory)/\(Self.safe(model.replacingOccurrences(of: "/", with: "__")))"
    }

    /// The cached details, or nil (a missing, unreadable or invalid entry — another number, a digest that
    /// is not one — is simply a miss, and the API is asked again).
    public func details(model: String, number: Int, createdAt: String) -> ModelVersionDetails? {
        guard let data = FileManager.default.contents(atPath: path(model: model, number: number, createdAt: createdAt)),
            let details = try? ModelVersionDetails.decode(json: Array(data), fallback: {
                try JSONDecoder().decode(ModelVersionDetails.self, from: Data($0))
            }),
            details.number == number, details.createdAt == createdAt, details.containerImageDigest.map(NameRules.isValidDigest) ?? true
        else { return nil }
        return details
    }

    /// Stores details; failures are ignored (the cache only saves requests, it is never the truth).
    public func store(_ details: ModelVersionDetails, model: String) {
        guard let data = try? JSONEncoder().encode(details) else { return }
        Self.write(data, to: path(model: model, number: details.number, createdAt: details.createdAt))
    }

    /// Stores `details` as `answer`, the API's own JSON they were decoded and validated from, without
    /// encoding them again (re-encoding every create answer was about 6 % of an apply's CPU). A reader
    /// decodes and checks an entry whatever wrote it.
    public func store(_ details: ModelVersionDetails, answer: [UInt8], model: String) {
        Self.write(answer, to: path(model: model, number: details.number, createdAt: details.createdAt))
    }

    /// Writes aside and renames, so a reader sees the old file or the new one, never half of one; failures
    /// are ignored (a cache).
    private static func write(_ data: some ContiguousBytes, to target: String) {
        let temporary = "\(target).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // Plain POSIX calls: `FileManager.createFile` writes aside and renames once more itself, which made
        // storing an apply's created versions a tenth of its CPU.
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW
        var descriptor = open(temporary, flags, 0o644)
        if descriptor < 0 && errno == ENOENT {
            let folder = (target as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            descriptor = open(temporary, flags, 0o644)
        }
        guard descriptor >= 0 else { return }
        let complete = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        close(descriptor)
        if !complete || rename(temporary, target) != 0 { unlink(temporary) }
    }

    /// The versions of `model` whose details were found equal to an expectation: `number-created_at` → the
    /// expectation's fingerprint (``LiveStateQuery/Expected/fingerprint``). Empty when there is none or it
    /// cannot be read (a miss: details are read again).
    public func verified(model: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: verifiedPath(model: model)),
            let entries = try? JSONDecoder().decode([String: String].self, from: data)
        else { return [:] }
        return entries
    }

    /// Replaces the verified versions of `model` (only live ones are passed, so the file never outgrows the
    /// listing); failures are ignored, as for details.
    public func storeVerified(_ entries: [String: String], model: String) {
        guard let data = try? JSONEncoder().encode(entries) else { return }
        Self.write(data, to: verifiedPath(model: model))
    }

    /// The verified versions live beside the details, under a name no entry can have (entries start with a
    /// number).
    func verifiedPath(model: String) -> String {
        "\(folder(model: model))/verified.json"
    }

    /// Drops the entries of `model` for versions not in `live` (number and `created_at`, from a complete
    /// listing): those versions are gone, and numbers are never reused, so their entries can never be read
    /// again. Keeps the cache as large as the live versions whose details were read, whatever was deleted.
    public func prune(model: String, keeping live: [(number: Int, createdAt: String)]) {
        let legacy = legacyFolder(model: model)
        if access(legacy, F_OK) == 0 { try? FileManager.default.removeItem(atPath: legacy) }
        let folder = folder(model: model)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        let kept = Set(live.map { "\($0.number)-\(Self.safe($0.createdAt)).json" })
        for name in names where name.hasSuffix(".json") && !kept.contains(name) && name != "verified.json" {
            unlink("\(folder)/\(name)")
        }
    }

    private static func safe(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" })
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif

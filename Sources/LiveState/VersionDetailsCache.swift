import Foundation
import WriftAI
import WriftAIModels

/// Version details on disk. Versions are immutable and numbers never reused, so details keyed by API host,
/// model, number and `created_at` never go stale; a version deleted and recreated differs in `created_at`.
///
/// Everything below the cache directory is another program's to spoil, and what is found there is never
/// trusted: an entry is read only if it is a regular file of at most ``maxEntryBytes`` (a FIFO, a device, a
/// link, a larger file are misses, and never opened in a way that could block or follow them), and the
/// folders under the cache directory are reached without following a symbolic link (``CacheFolder``), so
/// no write lands outside the cache and no prune deletes there.
public struct VersionDetailsCache: Sendable {
    /// `<cache>/api/<host>`.
    public let directory: String
    /// The cache directory: the one place a symbolic link is followed.
    private let root: String
    /// The folders from ``root`` to ``directory``: `api`, `<host>`.
    private let hostFolders: [String]

    /// The largest entry read, in bytes: 32 MiB. An entry holds a version's details as the API answered them
    /// (its schemas included), which the client reads only up to `WriftAIClient.Configuration.Limits
    /// .maxAnswerBytes`, 16 MiB by default; or those details encoded again, which can be up to twice as long
    /// (`JSONEncoder` writes `\/` for `/`). 32 MiB is also the default bound on all the declarations of a load,
    /// their schemas files included (`DeclarationLoader.Limits.maxTotalBytes`), so no declared version's
    /// schemas need more. A larger file is not one this cache wrote: a miss, and the API is asked again. The
    /// list of verified versions, a few hundred kilobytes for the 10,000 versions a listing may hold, has the
    /// same bound.
    public static let maxEntryBytes = 2 * WriftAIClient.Configuration.Limits().maxAnswerBytes

    /// How old a temporary file (`<entry>.tmp-<pid>-<random>`) must be before a prune removes it: a writer
    /// that died between writing and renaming left it; a live one renames its own within milliseconds.
    public static let temporaryFileLifetime = 3600.0

    /// A cache for the API at `baseURL` under `cacheDirectory`.
    public init(cacheDirectory: String, baseURL: String) {
        let host = URL(string: baseURL).map { url in
            [url.host, url.port.map(String.init)].compactMap { $0 }.joined(separator: "-")
        } ?? "api"
        let safeHost = Self.safe(host)
        root = cacheDirectory
        hostFolders = ["api", safeHost.isEmpty ? "api" : safeHost]
        directory = "\(cacheDirectory)/api/\(hostFolders[1])"
    }

    func path(model: String, number: Int, createdAt: String) -> String {
        "\(folder(model: model))/\(Self.entryName(number: number, createdAt: createdAt))"
    }

    /// `<directory>/models/<owner>/<name>`: one level per part, since a name may hold any separator that
    /// could join them (`a/b__c` and `a__b/c` once shared `a__b__c`, and pruned each other's entries).
    func folder(model: String) -> String {
        "\(directory)/" + Self.modelFolders(model).joined(separator: "/")
    }

    /// The folders from ``directory`` to a model's entries: `models`, `<owner>`, `<name>`.
    private static func modelFolders(_ model: String) -> [String] {
        ["models"] + model.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map { safe(String($0)) }
    }

    /// A model's folder, opened without following a link below the cache directory; with `creating`, made.
    private func openFolder(model: String, creating: Bool) -> CacheFolder? {
        CacheFolder.root(root, creating: creating)?.folder(hostFolders + Self.modelFolders(model), creating: creating)
    }

    /// An entry's file name: the number and `created_at` in one spelling (``WireTime/canonicalISO8601(_:)``),
    /// so that the listing's `2026-01-01T00:00:00.1Z` finds what the details' `2026-01-01T00:00:00.100000Z`
    /// stored. A text that is not such a time is kept as written.
    static func entryName(number: Int, createdAt: String) -> String {
        "\(number)-\(safe(WireTime.canonicalISO8601(createdAt) ?? createdAt)).json"
    }

    /// Where versions before this layout kept a model's entries; removed when the model is next pruned.
    private static func legacyFolder(model: String) -> String {
        safe(model.replacingOccurrences(of: "/", with: "__"))
    }

    /// The cached details, or nil (a missing, unreadable or invalid entry — another number, another
    /// `created_at`, a digest that is not one, a file that is not a regular one of at most ``maxEntryBytes``,
    /// a folder on the way that is a link — is simply a miss, and the API is asked again).
    public func details(model: String, number: Int, createdAt: String) -> ModelVersionDetails? {
        guard let folder = openFolder(model: model, creating: false),
            let data = folder.read(Self.entryName(number: number, createdAt: createdAt), maxBytes: Self.maxEntryBytes),
            let details = try? ModelVersionDetails.decode(json: data, fallback: {
                try JSONDecoder().decode(ModelVersionDetails.self, from: Data($0))
            }),
            details.number == number, WireTime.sameInstant(details.createdAt, createdAt),
            details.containerImageDigest.map(NameRules.isValidDigest) ?? true
        else { return nil }
        return details
    }

    /// Stores details; failures are ignored (the cache only saves requests, it is never the truth). The entry
    /// is keyed by `createdAt` — the listing's, which the next read looks for — or, without one, by the
    /// details' own.
    public func store(_ details: ModelVersionDetails, model: String, createdAt: String? = nil) {
        guard let data = try? JSONEncoder().encode(details) else { return }
        write(data, as: Self.entryName(number: details.number, createdAt: createdAt ?? details.createdAt), model: model)
    }

    /// Stores `details` as `answer`, the API's own JSON they were decoded and validated from, without
    /// encoding them again (re-encoding every create answer was about 6 % of an apply's CPU). A reader
    /// decodes and checks an entry whatever wrote it.
    public func store(_ details: ModelVersionDetails, answer: [UInt8], model: String) {
        write(answer, as: Self.entryName(number: details.number, createdAt: details.createdAt), model: model)
    }

    /// Writes aside and renames in the model's folder (``CacheFolder/write(_:as:)``); skipped when the folder
    /// cannot be made or a link stands on the way.
    private func write(_ data: some ContiguousBytes, as name: String, model: String) {
        openFolder(model: model, creating: true)?.write(data, as: name)
    }

    /// The versions of `model` whose details were found equal to an expectation: `number-created_at` → the
    /// expectation's fingerprint (``LiveStateQuery/Expected/fingerprint``). Empty when there is none or it
    /// cannot be read (a miss: details are read again).
    public func verified(model: String) -> [String: String] {
        guard let folder = openFolder(model: model, creating: false),
            let data = folder.read(Self.verifiedName, maxBytes: Self.maxEntryBytes),
            let entries = try? JSONDecoder().decode([String: String].self, from: Data(data))
        else { return [:] }
        return entries
    }

    /// Replaces the verified versions of `model` (only live ones are passed, so the file never outgrows the
    /// listing); failures are ignored, as for details.
    public func storeVerified(_ entries: [String: String], model: String) {
        guard let data = try? JSONEncoder().encode(entries) else { return }
        write(data, as: Self.verifiedName, model: model)
    }

    /// The verified versions live beside the details, under a name no entry can have (entries start with a
    /// number).
    private static let verifiedName = "verified.json"

    func verifiedPath(model: String) -> String {
        "\(folder(model: model))/\(Self.verifiedName)"
    }

    /// Drops the entries of `model` for versions not in `live` (number and `created_at`, from a complete
    /// listing): those versions are gone, and numbers are never reused, so their entries can never be read
    /// again. Keeps the cache as large as the live versions whose details were read, whatever was deleted.
    /// Temporary files older than ``temporaryFileLifetime`` (left by a writer that died) go too. Nothing is
    /// removed through a link: a folder on the way that is one is left alone.
    public func prune(model: String, keeping live: [(number: Int, createdAt: String)]) {
        let now = Date().timeIntervalSince1970
        guard let host = CacheFolder.root(root, creating: false)?.folder(hostFolders, creating: false) else { return }
        let legacy = Self.legacyFolder(model: model)
        if host.status(legacy) != nil { host.removeFolder(legacy) }
        guard let folder = host.folder(Self.modelFolders(model), creating: false) else { return }
        let kept = Set(live.map { Self.entryName(number: $0.number, createdAt: $0.createdAt) })
        for name in folder.names() {
            if name.contains(CacheFolder.temporaryMark) {
                if let modified = folder.status(name)?.modified, now - modified > Self.temporaryFileLifetime {
                    folder.remove(name)
                }
            } else if name.hasSuffix(".json") && !kept.contains(name) && name != Self.verifiedName {
                folder.remove(name)
            }
        }
    }

    private static func safe(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" })
    }
}

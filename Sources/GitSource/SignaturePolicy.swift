import Foundation

/// Which commits must carry a trusted signature.
public enum VerifyMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// The commit the ref resolves to.
    case head
    /// The head and every commit between the last verified one and it, those brought in by merges
    /// included, so an unsigned commit cannot hide behind a signed merge. Without a last verified commit
    /// (a first run, or a command that keeps none), the same as `head`.
    case allSinceLast = "all-since-last"
}

/// What a commit must carry to be acted on: a valid signature by a key of `allowedSigners` (SSH) or of
/// `openPGPKeys` (OpenPGP). Built once at start from `--trusted-signers`, `--trusted-gpg-keys` and
/// `--verify-mode`; with neither file there is no policy and nothing is verified.
public struct SignaturePolicy: Sendable {
    /// The most commits one `all-since-last` verification walks; a longer history is refused rather than
    /// verified for minutes (an OpenPGP signature costs a gpg run, about 10 ms).
    public static let defaultMaxCommits = 1_000

    /// The trusted SSH signers, or nil when SSH signatures are not accepted.
    public let allowedSigners: AllowedSigners?
    /// The trusted OpenPGP keys, or nil when OpenPGP signatures are not accepted.
    public let openPGPKeys: OpenPGPKeys?
    public var mode: VerifyMode
    /// The bound on the commits `all-since-last` verifies in one call.
    public var maxCommits: Int
    /// The bound on the steps of one history walk of `all-since-last` (libgit2 takes about two per commit it looks
    /// at), so that a history of millions of commits costs bounded time.
    public var maxWalkSteps = CommitRange.maxWalkSteps

    public init(allowedSigners: AllowedSigners?, openPGPKeys: OpenPGPKeys?, mode: VerifyMode = .head, maxCommits: Int = Self.defaultMaxCommits) {
        self.allowedSigners = allowedSigners
        self.openPGPKeys = openPGPKeys
        self.mode = mode
        self.maxCommits = maxCommits
    }

    /// Reads the files the flags name; nil when neither is given (verification off). Every problem with a
    /// file is thrown here, at start.
    public static func load(trustedSigners: String?, trustedGPGKeys: String?, mode: VerifyMode = .head) throws(SignaturePolicyError) -> SignaturePolicy? {
        guard trustedSigners != nil || trustedGPGKeys != nil else { return nil }
        let signers = try trustedSigners.map { path throws(SignaturePolicyError) in try AllowedSigners(contentsOf: path) }
        let keys = try trustedGPGKeys.map { path throws(SignaturePolicyError) in try OpenPGPKeys(contentsOf: path) }
        return SignaturePolicy(allowedSigners: signers, openPGPKeys: keys, mode: mode)
    }

    /// Checks that a file of trusted keys exists, can be read and is not empty, without parsing it (for
    /// argument validation; `load` parses).
    public static func checkFile(_ path: String, flag: String) throws(SignaturePolicyError) {
        let limit = flag == "--trusted-gpg-keys" ? OpenPGPKeys.maxFileSize : AllowedSigners.maxFileSize
        _ = try SignaturePolicyError.readFile(path, flag: flag, limit: limit)
    }

    /// One line for logs and `source`: which files, how many keys, which mode.
    public var summary: String {
        var parts: [String] = []
        if let allowedSigners { parts.append("\(allowedSigners.count) SSH signer\(allowedSigners.count == 1 ? "" : "s") from \(allowedSigners.path)") }
        if let openPGPKeys { parts.append("\(openPGPKeys.keys.count) OpenPGP key\(openPGPKeys.keys.count == 1 ? "" : "s") from \(openPGPKeys.path)") }
        return parts.joined(separator: ", ") + ", mode \(mode.rawValue)"
    }
}

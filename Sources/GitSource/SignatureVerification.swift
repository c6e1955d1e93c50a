import Foundation

/// A commit whose signature was verified: who signed it, with which key. Codable, so a saved plan can record
/// the signer (`apply --plan` verifies the commit again, against the trust files it is given).
public struct SignatureVerification: Sendable, Hashable, Codable {
    /// How the commit was signed.
    public enum Method: String, Sendable, Hashable, Codable {
        case ssh
        case openpgp
    }

    /// The commit verified (the head, for `all-since-last`).
    public let commit: CommitID
    public let method: Method
    /// `ed25519`, `ecdsa-nistp256`, … for SSH; gpg's name for OpenPGP (`ed25519`, `rsa3072`, …).
    public let keyType: String
    /// `SHA256:…` for SSH; the primary key's 40-digit fingerprint for OpenPGP.
    public let fingerprint: String
    /// The principal that matched (the committer's email) for SSH; the key's user id for OpenPGP.
    public let signer: String
    /// The commits verified by this call: 1 for `head`, the head and those since the last verified one for
    /// `all-since-last`.
    public let verifiedCommits: Int

    public init(commit: CommitID, method: Method, keyType: String, fingerprint: String, signer: String, verifiedCommits: Int = 1) {
        self.commit = commit
        self.method = method
        self.keyType = keyType
        self.fingerprint = fingerprint
        self.signer = signer
        self.verifiedCommits = verifiedCommits
    }

    /// `ssh ed25519 SHA256:… (deploy@acme.example)`, as `source` prints it after `good, `.
    public var description: String {
        "\(method.rawValue) \(keyType) \(fingerprint)\(signer.isEmpty ? "" : " (\(GitSourceError.escapingControlCharacters(signer)))")"
    }
}

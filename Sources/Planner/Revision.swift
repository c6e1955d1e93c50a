/// The commit a plan was computed from.
public struct Revision: Codable, Sendable, Equatable {
    /// The repository URL or path, with any credentials already redacted by the caller.
    public var repository: String
    /// The ref that was resolved, such as `main` or `refs/tags/v1`.
    public var ref: String
    /// The full commit ID.
    public var commit: String
    /// The commit's signature as verified before planning; `nil` when signatures were not checked.
    public var signature: Signature?
    /// `true` when the declarations were read from the working tree of a local repository (uncommitted
    /// changes on top of `commit`); absent otherwise.
    public var worktree: Bool?

    /// A verified commit signature.
    public struct Signature: Codable, Sendable, Equatable {
        /// `ssh` or `openpgp`.
        public var method: String
        /// `ed25519`, `ecdsa-sha2-nistp256`, `rsa3072`, …
        public var keyType: String
        /// `SHA256:…` for SSH, the OpenPGP fingerprint.
        public var fingerprint: String
        /// The principal or user id that signed.
        public var signer: String

        public init(method: String, keyType: String, fingerprint: String, signer: String) {
            self.method = method
            self.keyType = keyType
            self.fingerprint = fingerprint
            self.signer = signer
        }

        enum CodingKeys: String, CodingKey {
            case method
            case keyType = "key_type"
            case fingerprint
            case signer
        }
    }

    /// Creates a revision.
    public init(repository: String, ref: String, commit: String, worktree: Bool? = nil) {
        self.repository = repository
        self.ref = ref
        self.commit = commit
        self.worktree = worktree
    }
}

import Foundation

/// The SSH keys trusted to sign commits, from a file in OpenSSH's ALLOWED SIGNERS format (ssh-keygen(1);
/// git's `gpg.ssh.allowedSignersFile`): one signer per line,
///
///     principals [options] keytype base64-key [comment]
///
/// `principals` is a pattern-list matched against the committer's email; the options are
/// `namespaces="…"`, `valid-after="…"` and `valid-before="…"`. `cert-authority` lines are refused when the
/// file is read, as are key types other than ed25519 and ECDSA: a line WriftSync could not honour must not
/// be silently ignored.
public struct AllowedSigners: Sendable {
    /// One line of the file.
    struct Entry: Sendable {
        /// 1-based line number in the file.
        let line: Int
        /// The principals pattern-list, as written.
        let principals: String
        /// The `namespaces` pattern-list, or nil when the line has none (any namespace).
        let namespaces: String?
        let validAfter: Date?
        let validBefore: Date?
        let key: SSHPublicKey
    }

    /// The file the signers were read from, as given.
    public let path: String
    let entries: [Entry]

    /// The number of signer lines.
    public var count: Int { entries.count }

    init(path: String, entries: [Entry]) {
        self.path = path
        self.entries = entries
    }

    /// What the file says about a signature by `key` in `namespace` on a commit by `email` at `time`.
    enum Evaluation: Sendable {
        case trusted(Entry)
        /// No line holds the key.
        case unknownKey
        /// Lines hold the key, but none names the committer's email among its principals.
        case principalMismatch(Entry)
        /// The key's lines that match the email do not allow the namespace.
        case namespaceNotAllowed(Entry)
        /// The key's matching lines all make it valid only from a later time.
        case notYetValid(Entry)
        /// The key's matching lines all make it valid only until an earlier time.
        case expired(Entry)
    }

    /// Like `ssh-keygen -Y verify -I email -n namespace -Overify-time=time`: the first line with the key,
    /// a principal matching the email, the namespace allowed and the time inside its window, trusts it.
    /// Otherwise the answer names the line that came closest, so the refusal can say what to fix.
    func evaluate(key: SSHPublicKey, namespace: String, email: String, time: Date) -> Evaluation {
        let withKey = entries.filter { $0.key == key }
        guard let first = withKey.first else { return .unknownKey }
        let forEmail = withKey.filter { SSHPattern.listMatches($0.principals, email) }
        guard let firstForEmail = forEmail.first else { return .principalMismatch(first) }
        let inNamespace = forEmail.filter { $0.namespaces.map { SSHPattern.listMatches($0, namespace) } ?? true }
        guard let firstInNamespace = inNamespace.first else { return .namespaceNotAllowed(firstForEmail) }
        if let valid = inNamespace.first(where: { entry in
            (entry.validAfter.map { time >= $0 } ?? true) && (entry.validBefore.map { time <= $0 } ?? true)
        }) {
            return .trusted(valid)
        }
        if let early = inNamespace.first(where: { entry in entry.validAfter.map { time < $0 } ?? false }) {
            return .notYetValid(early)
        }
        return .expired(inNamespace.first(where: { $0.validBefore != nil }) ?? firstInNamespace)
    }
}

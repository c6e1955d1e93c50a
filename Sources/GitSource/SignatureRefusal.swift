import Foundation

/// Why a commit is not acted on. Every case renders as one line naming the commit, the reason and, when
/// there is one, the key's fingerprint. `isStalled` tells the controller whether only a change in the
/// repository or the trusted keys can help (report it as a stalled failure, retry on a new commit), or
/// whether verification itself failed and may work on a retry.
public struct SignatureRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// The commit carries no signature.
        case unsigned
        /// Signed with `method`, but no trusted key matches: `hint` says which file was looked in.
        case unknownKey(method: SignatureVerification.Method, keyType: String?, hint: String)
        /// The key's allowed_signers line makes it valid only from `validAfter`; the commit is dated before.
        case keyNotYetValid(validAfter: Date, commitTime: Date, line: Int)
        /// The key's allowed_signers line makes it valid only until `validBefore`; the commit is dated after.
        case keyExpired(validBefore: Date, commitTime: Date, line: Int)
        /// The key's lines name principals, and the committer's email is not one of them.
        case principalMismatch(email: String, principals: String, line: Int)
        /// The key's line does not allow signing in this namespace (its `namespaces` option).
        case namespaceNotAllowed(namespace: String, allowed: String, line: Int)
        /// The SSH signature was made for another namespace than git's.
        case wrongNamespace(String)
        /// The signature does not match the commit's bytes: changed after signing, or forged.
        case badSignature
        /// The OpenPGP key has expired (now) or its signature has expired.
        case openPGPKeyExpired
        case openPGPSignatureExpired
        /// The OpenPGP key (or the subkey that signed) is revoked.
        case openPGPKeyRevoked
        /// A signature format or key type WriftSync does not verify (X.509, RSA/DSA SSH keys, certificates).
        case unsupported(String)
        /// The signature could not be parsed.
        case malformed(String)
        /// `all-since-last` found more commits to verify than the policy's bound.
        case tooManyCommits(limit: Int)
        /// `all-since-last`: telling the head from a copy of a commit in the last verified commit's history took
        /// more than `steps` steps of the walk (a head with no parent walks that whole history).
        case historyTooLongToCompare(steps: Int)
        /// `all-since-last` was asked to start from a commit the repository does not have.
        case lastVerifiedCommitMissing(CommitID)
        /// `all-since-last` found the commit in the history of the last verified one: the branch was moved
        /// back (a force-push to an older commit), which would undo what was applied since.
        case historyRewound(CommitID)
        /// `all-since-last`: the head is a copy of `original`, a commit in the history of the last verified
        /// commit `last`, with its signature header written otherwise (a fresh id, the same signed bytes).
        case replayed(original: CommitID, last: CommitID)
        /// Verification itself failed (gpg could not run, the repository could not be read).
        case verificationFailed(String)
    }

    /// The commit refused.
    public let commit: CommitID
    public let reason: Reason
    /// The key's fingerprint (`SHA256:…`, or the OpenPGP fingerprint or key id), when known.
    public let fingerprint: String?
    /// For a commit found by `all-since-last` below the head: the head being verified and the last
    /// verified commit the walk started from.
    public let head: CommitID?
    public let since: CommitID?

    public init(commit: CommitID, reason: Reason, fingerprint: String? = nil, head: CommitID? = nil, since: CommitID? = nil) {
        self.commit = commit
        self.reason = reason
        self.fingerprint = fingerprint
        self.head = head
        self.since = since
    }

    /// True when the repository (or the trusted keys) must change before the commit can be acted on: a
    /// stalled failure, not retried until a new commit arrives. False only when verification could not
    /// run (`verificationFailed`), which may succeed on the next attempt.
    public var isStalled: Bool {
        if case .verificationFailed = reason { return false }
        return true
    }

    /// A short stable label for metrics and JSON (`unsigned`, `unknown-key`, …).
    public var code: String {
        switch reason {
        case .unsigned: return "unsigned"
        case .unknownKey: return "unknown-key"
        case .keyNotYetValid: return "key-not-yet-valid"
        case .keyExpired: return "key-expired"
        case .principalMismatch: return "principal-mismatch"
        case .namespaceNotAllowed, .wrongNamespace: return "wrong-namespace"
        case .badSignature: return "bad-signature"
        case .openPGPKeyExpired: return "key-expired"
        case .openPGPSignatureExpired: return "signature-expired"
        case .openPGPKeyRevoked: return "key-revoked"
        case .unsupported: return "unsupported"
        case .malformed: return "malformed-signature"
        case .tooManyCommits, .historyTooLongToCompare: return "too-many-commits"
        case .lastVerifiedCommitMissing: return "last-verified-commit-missing"
        case .historyRewound, .replayed: return "history-rewound"
        case .verificationFailed: return "verification-failed"
        }
    }

    public var description: String {
        GitSourceError.escapingControlCharacters(message)
    }

    private var message: String {
        var where_ = "commit \(commit.hex)"
        if let head, head != commit {
            where_ += " (in the history of head \(head.short)\(since.map { " since the last verified commit \($0.short)" } ?? ""))"
        }
        let key = fingerprint.map { " (key \($0))" } ?? ""
        switch reason {
        case .unsigned:
            return "\(where_) refused: not signed; only commits signed by a key in --trusted-signers or --trusted-gpg-keys are acted on"
        case let .unknownKey(method, keyType, hint):
            let what = [method == .ssh ? "SSH" : "OpenPGP", keyType].compactMap { $0 }.joined(separator: " ")
            return "\(where_) refused: signed by an untrusted \(what) key\(key); \(hint)"
        case let .keyNotYetValid(validAfter, commitTime, line):
            return "\(where_) refused: key not yet valid: the commit is dated \(SignerTime.format(commitTime)), before its valid-after \(SignerTime.format(validAfter)) (allowed_signers line \(line))\(key)"
        case let .keyExpired(validBefore, commitTime, line):
            return "\(where_) refused: key expired: the commit is dated \(SignerTime.format(commitTime)), after its valid-before \(SignerTime.format(validBefore)) (allowed_signers line \(line))\(key)"
        case let .principalMismatch(email, principals, line):
            return "\(where_) refused: committer email \(email.isEmpty ? "(none)" : email) is not among the key's principals \(AllowedSigners.shown(principals)) (allowed_signers line \(line))\(key)"
        case let .namespaceNotAllowed(namespace, allowed, line):
            return "\(where_) refused: the key may sign only in namespaces \"\(allowed)\", not \"\(namespace)\" (allowed_signers line \(line))\(key)"
        case let .wrongNamespace(namespace):
            return "\(where_) refused: the SSH signature is for namespace \"\(AllowedSigners.shown(namespace))\", not \"git\"; it was not made by git commit -S\(key)"
        case .badSignature:
            return "\(where_) refused: bad signature: it does not match the commit's content, which was changed after signing or forged\(key)"
        case .openPGPKeyExpired:
            return "\(where_) refused: the OpenPGP key has expired\(key)"
        case .openPGPSignatureExpired:
            return "\(where_) refused: the OpenPGP signature has expired\(key)"
        case .openPGPKeyRevoked:
            return "\(where_) refused: the OpenPGP key is revoked\(key)"
        case let .unsupported(what):
            return "\(where_) refused: \(what)\(key)"
        case let .malformed(what):
            return "\(where_) refused: \(what)\(key)"
        case let .tooManyCommits(limit):
            return "\(where_) refused: more than \(limit) commits since the last verified commit\(since.map { " \($0.short)" } ?? ""); verify-mode all-since-last checks at most \(limit) at a time: "
                + "once they are reviewed, remove applied-commits.json from the state directory and restart run (or run once with run --once --verify-mode head), and the next head is verified alone"
        case let .historyTooLongToCompare(steps):
            return "\(where_) refused: it cannot be told from a copy of a commit in the history of the last verified commit\(since.map { " \($0.short)" } ?? "") "
                + "within \(steps) steps of the history walk (a head with no parent is compared with that whole history): "
                + "once it is reviewed, remove applied-commits.json from the state directory and restart run (or run once with run --once --verify-mode head)"
        case let .lastVerifiedCommitMissing(missing):
            return "\(where_) refused: the last verified commit \(missing.hex) is not in the repository (history rewritten?), so the commits since it cannot be told apart: "
                + "once the new history is reviewed, remove applied-commits.json from the state directory and restart run, and the next head is verified alone"
        case let .historyRewound(last):
            return "\(where_) refused: it is an older commit in the history of the last verified commit \(last.hex): the branch was moved back, "
                + "which would undo what was applied since (an old signed commit replayed is still signed); to go back, commit a revert, "
                + "or remove applied-commits.json from the state directory and restart run to accept it"
        case let .replayed(original, last):
            return "\(where_) refused: it is a copy of \(original.hex), in the history of the last verified commit \(last.hex), with its "
                + "signature header written otherwise: an old signed commit replayed under a new id, which would undo what was applied since; "
                + "to go back, commit a revert"
        case let .verificationFailed(what):
            return "\(where_): the signature could not be verified: \(what)"
        }
    }
}

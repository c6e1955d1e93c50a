import CGPGME
import Foundation

/// Verifies commits against one policy: SSH signatures in process, OpenPGP ones through a private
/// GnuPG keyring made on first need and kept for the rest of this verifier's commits (one import per
/// verification, not per commit). Not thread-safe; one per call.
final class CommitVerifier {
    let policy: SignaturePolicy
    /// The private keyring, once an OpenPGP signature needed one.
    private(set) var keyring: GPGMEKeyring?

    init(policy: SignaturePolicy) {
        self.policy = policy
    }

    /// The verdict on one commit. `head` and `since` only add context to a refusal found by a walk.
    func verify(_ commit: SignedCommit, head: CommitID? = nil, since: CommitID? = nil) throws(SignatureRefusal) -> SignatureVerification {
        func refuse(_ reason: SignatureRefusal.Reason, _ fingerprint: String? = nil) -> SignatureRefusal {
            SignatureRefusal(commit: commit.id, reason: reason, fingerprint: fingerprint, head: head, since: since)
        }
        guard let signature = commit.signature else { throw refuse(.unsigned) }
        guard !commit.holdsNUL else {
            throw refuse(.malformed("the commit object holds a NUL byte, after which libgit2 stops the bytes it checks the signature over and git does not: git calls such a commit unsigned"))
        }
        guard !commit.committerAmbiguous else {
            throw refuse(.malformed("the committer is named more than once (two emails on its line, or two committer lines), of which libgit2 and git read different ones: a key's principals are matched against one, git shows the other"))
        }
        guard commit.signatureInHeaders else {
            throw refuse(.malformed("the signature is in the commit's message, not among its headers, where git looks for it: git calls such a commit unsigned"))
        }
        if signature.starts(with: Data(SSHSignature.beginMarker.utf8)) {
            return try verifySSH(commit, signature: signature, refuse: refuse)
        }
        if signature.starts(with: Data("-----BEGIN PGP SIGNATURE-----".utf8)) || signature.starts(with: Data("-----BEGIN PGP MESSAGE-----".utf8)) {
            return try verifyOpenPGP(commit, signature: signature, refuse: refuse)
        }
        if signature.starts(with: Data("-----BEGIN SIGNED MESSAGE-----".utf8)) {
            throw refuse(.unsupported("signed with X.509 (gpgsm), which WriftSync does not verify; sign with an SSH or OpenPGP key"))
        }
        throw refuse(.malformed("the signature is in no format WriftSync knows (SSH or OpenPGP)"))
    }

    private func verifySSH(
        _ commit: SignedCommit, signature armored: Data, refuse: (SignatureRefusal.Reason, String?) -> SignatureRefusal
    ) throws(SignatureRefusal) -> SignatureVerification {
        let signature: SSHSignature
        do {
            signature = try SSHSignature(armored: armored)
        } catch {
            switch error {
            case let .unsupportedKey(type):
                throw refuse(.unsupported("signed with an SSH \(AllowedSigners.shown(type)) key; WriftSync verifies ed25519 and ECDSA keys"), nil)
            case let .malformed(reason):
                throw refuse(.malformed("malformed SSH signature: \(reason)"), nil)
            }
        }
        let key = signature.publicKey
        let fingerprint = key.fingerprint
        guard let signers = policy.allowedSigners else {
            throw refuse(.unknownKey(method: .ssh, keyType: key.algorithm.displayName, hint: "SSH signatures are trusted only with --trusted-signers, and none was given"), fingerprint)
        }
        guard signature.namespace == "git" else { throw refuse(.wrongNamespace(signature.namespace), fingerprint) }
        let evaluation = signers.evaluate(key: key, namespace: signature.namespace, email: commit.committerEmail, time: commit.committerTime)
        let untrusted = refuse(.unknownKey(method: .ssh, keyType: key.algorithm.displayName, hint: "to trust it, add its public key to \(signers.path)"), fingerprint)
        // An unknown key is refused before its signature is even checked: nothing it says matters.
        if case .unknownKey = evaluation { throw untrusted }
        let valid: Bool
        do {
            valid = try signature.verify(message: Array(commit.signedData))
        } catch {
            throw refuse(.malformed(error.description), fingerprint)
        }
        guard valid else { throw refuse(.badSignature, fingerprint) }
        switch evaluation {
        case .trusted:
            return SignatureVerification(commit: commit.id, method: .ssh, keyType: key.algorithm.displayName, fingerprint: fingerprint, signer: commit.committerEmail)
        case .unknownKey:
            throw untrusted
        case let .principalMismatch(entry):
            throw refuse(.principalMismatch(email: commit.committerEmail, principals: entry.principals, line: entry.line), fingerprint)
        case let .namespaceNotAllowed(entry):
            throw refuse(.namespaceNotAllowed(namespace: signature.namespace, allowed: entry.namespaces ?? "", line: entry.line), fingerprint)
        case let .notYetValid(entry):
            throw refuse(.keyNotYetValid(validAfter: entry.validAfter ?? .distantPast, commitTime: commit.committerTime, line: entry.line), fingerprint)
        case let .expired(entry):
            throw refuse(.keyExpired(validBefore: entry.validBefore ?? .distantFuture, commitTime: commit.committerTime, line: entry.line), fingerprint)
        }
    }

    private func verifyOpenPGP(
        _ commit: SignedCommit, signature: Data, refuse: (SignatureRefusal.Reason, String?) -> SignatureRefusal
    ) throws(SignatureRefusal) -> SignatureVerification {
        // Before gpg, which would verify any number of packets, for as long as that takes.
        if let problem = OpenPGPSignatureBlock.problem(signature) {
            throw refuse(.malformed("malformed OpenPGP signature: \(problem)"), nil)
        }
        // Nothing it could say would be trusted: without gpg (SSH-only set-ups need none), or with no room for its
        // keyring, that refusal was a failure to verify, retried for ever.
        guard policy.openPGPKeys != nil else {
            throw refuse(.unknownKey(method: .openpgp, keyType: nil, hint: "OpenPGP signatures are trusted only with --trusted-gpg-keys, and none was given"), nil)
        }
        let statuses: [GPGMEKeyring.SignatureStatus]?
        do {
            statuses = try openKeyring().verify(signature: signature, signedData: commit.signedData)
        } catch {
            throw refuse(.verificationFailed(error.description), nil)
        }
        guard let statuses, !statuses.isEmpty else { throw refuse(.malformed("malformed OpenPGP signature: gpg could not read a signature from it"), nil) }
        var accepted: SignatureVerification?
        for status in statuses {
            let fingerprint = status.fingerprint.isEmpty ? nil : status.fingerprint
            let trusted = fingerprint.flatMap { policy.openPGPKeys?.key(signedBy: $0) }
            let shown = trusted?.fingerprint ?? fingerprint.map { policy.openPGPKeys?.displayFingerprint(for: $0) ?? $0 }
            let summary = status.summary
            switch status.code {
            case GPG_ERR_NO_ERROR.rawValue:
                break
            case GPG_ERR_NO_PUBKEY.rawValue:
                let hint = policy.openPGPKeys.map { "to trust it, add its public key to \($0.path)" } ?? ""
                throw refuse(.unknownKey(method: .openpgp, keyType: nil, hint: hint), shown)
            case GPG_ERR_BAD_SIGNATURE.rawValue:
                throw refuse(.badSignature, shown)
            case GPG_ERR_KEY_EXPIRED.rawValue:
                throw refuse(.openPGPKeyExpired, shown)
            case GPG_ERR_SIG_EXPIRED.rawValue:
                throw refuse(.openPGPSignatureExpired, shown)
            case GPG_ERR_CERT_REVOKED.rawValue:
                throw refuse(.openPGPKeyRevoked, shown)
            default:
                throw refuse(.unsupported("gpg did not accept the signature: \(GPGMEKeyring.message(gpgme_error_t(status.code)))"), shown)
            }
            // A good signature still counts only from a key of the file, neither revoked nor expired: the
            // keyring holds nothing else, but trust is decided by fingerprint, not by what gpg assumes.
            if summary & GPGME_SIGSUM_KEY_REVOKED.rawValue != 0 { throw refuse(.openPGPKeyRevoked, shown) }
            if summary & GPGME_SIGSUM_KEY_EXPIRED.rawValue != 0 { throw refuse(.openPGPKeyExpired, shown) }
            if summary & GPGME_SIGSUM_SIG_EXPIRED.rawValue != 0 { throw refuse(.openPGPSignatureExpired, shown) }
            if status.wrongKeyUsage { throw refuse(.unsupported("the OpenPGP key that signed is not allowed to sign"), shown) }
            guard let trusted, policy.openPGPKeys != nil else {
                throw refuse(.unknownKey(method: .openpgp, keyType: nil, hint: "to trust it, add its public key to --trusted-gpg-keys"), shown)
            }
            if trusted.revoked { throw refuse(.openPGPKeyRevoked, shown) }
            if trusted.expired { throw refuse(.openPGPKeyExpired, shown) }
            accepted = accepted ?? SignatureVerification(commit: commit.id, method: .openpgp, keyType: trusted.algorithm, fingerprint: trusted.fingerprint, signer: trusted.userID)
        }
        guard let accepted else { throw refuse(.malformed("malformed OpenPGP signature: gpg could not read a signature from it"), nil) }
        return accepted
    }

    /// The keyring with the trusted keys imported (empty when there are none, so that gpg still names the
    /// key that signed).
    private func openKeyring() throws(SignaturePolicyError) -> GPGMEKeyring {
        if let keyring { return keyring }
        let made = try GPGMEKeyring()
        if let keys = policy.openPGPKeys { _ = try made.importKeys(keys.armored) }
        keyring = made
        return made
    }
}

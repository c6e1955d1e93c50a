import Foundation

extension LocalRepository {
    /// Verifies that `commit` carries a valid signature by a key the policy trusts, and — with
    /// `policy.mode == .allSinceLast` and a `lastVerified` commit — that so does every commit reachable from
    /// `commit` but not from `lastVerified` (those brought in by merges too), oldest first; the first that
    /// fails is the refusal; a `commit` in the history of `lastVerified` (the branch moved back) is refused as
    /// `historyRewound`, and so is a `commit` that copies one of that history under a new id (the same signed bytes,
    /// the signature header written otherwise). Without `lastVerified`, or when it is `commit`, only `commit` is
    /// verified.
    ///
    /// Blocks (an OpenPGP signature runs gpg); call it off the cooperative pool, like the other git work.
    /// A refusal whose `isStalled` is true needs a change in the repository or the trusted keys; one whose
    /// `isStalled` is false (gpg could not run, the repository could not be read) may succeed on a retry.
    public func verify(commit: CommitID, policy: SignaturePolicy, since lastVerified: CommitID? = nil) throws(SignatureRefusal) -> SignatureVerification {
        func failed(_ error: any Error) -> SignatureRefusal {
            SignatureRefusal(commit: commit, reason: .verificationFailed(String(describing: error)))
        }
        let repository: GitRepository
        do {
            repository = try GitRepository.open(path)
        } catch {
            throw failed(error)
        }
        let verifier = CommitVerifier(policy: policy)
        let head = try Self.read(commit, in: repository)
        var range: [CommitID] = []
        var original: CommitID?
        if policy.mode == .allSinceLast, let lastVerified, lastVerified != commit {
            var comparing = false
            do {
                range = try CommitRange.commits(after: lastVerified, upTo: commit, in: repository, limit: policy.maxCommits, steps: policy.maxWalkSteps)
                // The walk tells a commit by its id; an old one copied under a new id is told by what it signs.
                if head.signature != nil {
                    comparing = true
                    original = try CommitRange.original(of: commit, signedData: head.signedData, since: lastVerified, in: repository, steps: policy.maxWalkSteps)
                }
            } catch {
                switch error {
                case .sinceMissing:
                    throw SignatureRefusal(commit: commit, reason: .lastVerifiedCommitMissing(lastVerified), since: lastVerified)
                case .tooMany:
                    let reason: SignatureRefusal.Reason = comparing
                        ? .historyTooLongToCompare(steps: policy.maxWalkSteps) : .tooManyCommits(limit: policy.maxCommits)
                    throw SignatureRefusal(commit: commit, reason: reason, since: lastVerified)
                case .headBehind:
                    // Every commit there is signed, so only this stops an old signed commit pushed back over newer ones.
                    throw SignatureRefusal(commit: commit, reason: .historyRewound(lastVerified), since: lastVerified)
                case let .tooLarge(id, kind, size, limit):
                    // For good, like an oversized commit read for its signature: the repository must change.
                    throw SignatureRefusal(
                        commit: kind == "commit" ? CommitID(trusted: id) : commit,
                        reason: .malformed("the \(kind) object \(id) is \(size) bytes, over the \(limit)-byte limit for \(kind == "object" ? "such an object" : "a \(kind)")"),
                        head: kind == "commit" && id != commit.hex ? commit : nil, since: lastVerified
                    )
                case let .git(error):
                    throw failed(error)
                }
            }
            if let original {
                throw SignatureRefusal(commit: commit, reason: .replayed(original: original, last: lastVerified), since: lastVerified)
            }
        }
        for id in range {
            let signed = try Self.read(id, in: repository, head: commit, since: lastVerified)
            _ = try verifier.verify(signed, head: commit, since: lastVerified)
        }
        let verified = try verifier.verify(head)
        return SignatureVerification(
            commit: verified.commit, method: verified.method, keyType: verified.keyType, fingerprint: verified.fingerprint,
            signer: verified.signer, verifiedCommits: range.count + 1
        )
    }

    /// A commit to verify; an oversized object is refused for good, any other read failure may be retried.
    private static func read(_ id: CommitID, in repository: GitRepository, head: CommitID? = nil, since: CommitID? = nil) throws(SignatureRefusal) -> SignedCommit {
        do {
            return try SignedCommit.read(id, in: repository)
        } catch GitSourceError.objectTooLarge(_, let size, let limit) {
            throw SignatureRefusal(commit: id, reason: .malformed("the commit object is \(size) bytes, over the \(limit)-byte limit for a commit"), head: head, since: since)
        } catch {
            throw SignatureRefusal(commit: id, reason: .verificationFailed(String(describing: error)), head: head, since: since)
        }
    }
}

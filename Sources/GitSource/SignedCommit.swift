import CLibGit2
import Foundation

/// What verifying one commit needs from it: its signature (the `gpgsig` header), the bytes that
/// signature covers (the commit object without that header), and its committer's email and date.
struct SignedCommit {
    /// The largest commit object read for verification; real ones are a few KiB, and this keeps a
    /// hostile one from costing more than a bounded read.
    static let maxObjectSize = 8 << 20

    let id: CommitID
    /// The signature block as stored, or nil for an unsigned commit.
    let signature: Data?
    /// The commit object without its signature header: what was signed.
    let signedData: Data
    let committerEmail: String
    /// The committer date: the time git checks a key's validity window at (`-Overify-time`).
    let committerTime: Date
    /// Whether the commit object holds a NUL byte, which makes `signedData` differ from what git signs (see
    /// ``GitRepository/signedObjectLayout(_:)``). Only looked for in signed commits.
    var holdsNUL = false
    /// Whether the signature stands among the commit's headers, where git looks for it (see
    /// ``GitRepository/signedObjectLayout(_:)``). Only looked for in signed commits.
    var signatureInHeaders = true
    /// Whether the committer line names more than one email (see ``GitRepository/signedObjectLayout(_:)``). Only
    /// looked for in signed commits.
    var committerAmbiguous = false

    /// Reads `id` from `repository` (libgit2 errors, and an oversized object, throw `GitSourceError`).
    static func read(_ id: CommitID, in repository: GitRepository) throws -> SignedCommit {
        let commit = try repository.lookUpBoundedCommit(id)
        defer { git_commit_free(commit) }
        let committer = git_commit_committer(commit)
        let email = committer?.pointee.email.map { String(cString: $0) } ?? ""
        let time = Date(timeIntervalSince1970: TimeInterval(committer?.pointee.when.time ?? 0))

        var signature = git_buf(), signed = git_buf()
        defer {
            git_buf_dispose(&signature)
            git_buf_dispose(&signed)
        }
        var oid = git_oid()
        try LibGit2.check("git_oid_fromstr", git_oid_fromstr(&oid, id.hex))
        let code = git_commit_extract_signature(&signature, &signed, repository.pointer, &oid, nil)
        if code == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return SignedCommit(id: id, signature: nil, signedData: Data(), committerEmail: email, committerTime: time)
        }
        try LibGit2.check("git_commit_extract_signature", code)
        let layout = try repository.signedObjectLayout(id)
        return SignedCommit(
            id: id,
            signature: signature.ptr.map { Data(bytes: $0, count: signature.size) } ?? Data(),
            signedData: signed.ptr.map { Data(bytes: $0, count: signed.size) } ?? Data(),
            committerEmail: email,
            committerTime: time,
            holdsNUL: layout.holdsNUL,
            signatureInHeaders: layout.signatureInHeaders,
            committerAmbiguous: layout.committerAmbiguous
        )
    }
}

import CLibGit2
import Foundation

extension GitRepository {
    /// Looks up commit `id` after checking from its object header that it is a commit no larger than a signed
    /// commit may be (8 MiB), so that a hostile object is refused before libgit2 parses it. The caller frees
    /// the commit (`git_commit_free`).
    func lookUpBoundedCommit(_ id: CommitID) throws -> OpaquePointer? {
        var oid = git_oid()
        try LibGit2.check("git_oid_fromstr", git_oid_fromstr(&oid, id.hex))
        guard try boundedHeader(&oid) == GIT_OBJECT_COMMIT else {
            throw GitSourceError.libgit2(function: "git_odb_read_header", code: -1, message: "\(id.hex) is not a commit")
        }
        var commit: OpaquePointer?
        try LibGit2.check("git_commit_lookup", git_commit_lookup(&commit, pointer, &oid))
        return commit
    }

    /// The largest tree object read: about 300,000 entries. libgit2 inflates and parses a tree whole, so a
    /// tree pushed with millions of entries would cost its size several times over in memory.
    static let maxTreeObjectSize = 16 << 20
    /// Annotated tags followed to their commit; git itself never nests them this deep.
    static let maxTagDepth = 16

    /// The type of object `oid` from its header, after checking its size against the bound for that type
    /// (commits and tags as a signed commit may be, 8 MiB; trees ``maxTreeObjectSize``): libgit2 reads an
    /// object whole before looking at its type, and a 3 GiB commit message packs into 3 MB.
    func boundedHeader(_ oid: inout git_oid) throws -> git_object_t {
        var odb: OpaquePointer?
        try LibGit2.check("git_repository_odb", git_repository_odb(&odb, pointer))
        defer { git_odb_free(odb) }
        var size = 0
        var type = GIT_OBJECT_INVALID
        let code = git_odb_read_header(&size, &type, odb, &oid)
        if code == GIT_ENOTFOUND.rawValue {
            // A ref to an object the mirror does not hold names nothing, as libgit2's peel said before.
            git_error_clear()
            return GIT_OBJECT_INVALID
        }
        try LibGit2.check("git_odb_read_header", code)
        let limit: Int
        switch type {
        case GIT_OBJECT_COMMIT, GIT_OBJECT_TAG: limit = SignedCommit.maxObjectSize
        case GIT_OBJECT_TREE: limit = Self.maxTreeObjectSize
        default: return type
        }
        guard size <= limit else {
            let kind = type == GIT_OBJECT_COMMIT ? "commit" : type == GIT_OBJECT_TAG ? "tag" : "tree"
            throw GitSourceError.objectTooLarge(what: "\(kind) \(oid.hex)", size: size, limit: limit)
        }
        return type
    }

    /// The commit `oid` names, following annotated tags, or nil when it names no commit (a tree, a blob, a
    /// tag of one). Every object on the way is checked from its header before it is read.
    func peeledCommit(_ start: git_oid) throws -> CommitID? {
        var oid = start
        for _ in 0..<Self.maxTagDepth {
            switch try boundedHeader(&oid) {
            case GIT_OBJECT_COMMIT:
                return CommitID(trusted: oid.hex)
            case GIT_OBJECT_TAG:
                var tag: OpaquePointer?
                try LibGit2.check("git_tag_lookup", git_tag_lookup(&tag, pointer, &oid))
                defer { git_tag_free(tag) }
                oid = git_tag_target_id(tag).pointee
            default:
                return nil
            }
        }
        throw GitSourceError.libgit2(function: "git_tag_target_id", code: -1, message: "tags nested more than \(Self.maxTagDepth) deep at \(start.hex)")
    }

    /// Tree `oid`, checked from its header first. The caller frees it with `git_tree_free`.
    func lookUpBoundedTree(_ id: UnsafePointer<git_oid>) throws -> OpaquePointer {
        var oid = id.pointee
        guard try boundedHeader(&oid) == GIT_OBJECT_TREE else {
            throw GitSourceError.libgit2(function: "git_odb_read_header", code: -1, message: "\(oid.hex) is not a tree")
        }
        var tree: OpaquePointer?
        try LibGit2.check("git_tree_lookup", git_tree_lookup(&tree, pointer, &oid))
        return tree!
    }

    /// What git would see differently from libgit2 in a signed commit's object, read raw:
    /// - `holdsNUL`: libgit2 ends the bytes it says were signed at the first NUL after the signature header, where
    ///   git does not: the same signature then verifies over a commit git itself calls unsigned (a fresh id for
    ///   any signed commit, with anything after the NUL);
    /// - `signatureInHeaders`: whether a `gpgsig` header stands among the headers (before the first empty line).
    ///   libgit2 looks for one through the whole object, message included, where git looks only among the
    ///   headers: a signature moved into the message verified, over the bytes of the commit it was taken from.
    /// - `committerAmbiguous`: whether a `committer` header holds more than one `<` or `>`, or there is more than
    ///   one. libgit2 takes the email between the last pair, git between the first: a key listed for one address
    ///   vouched for a commit git shows as another's.
    func signedObjectLayout(_ id: CommitID) throws -> (holdsNUL: Bool, signatureInHeaders: Bool, committerAmbiguous: Bool) {
        var oid = git_oid()
        try LibGit2.check("git_oid_fromstr", git_oid_fromstr(&oid, id.hex))
        var odb: OpaquePointer?
        try LibGit2.check("git_repository_odb", git_repository_odb(&odb, pointer))
        defer { git_odb_free(odb) }
        var object: OpaquePointer?
        try LibGit2.check("git_odb_read", git_odb_read(&object, odb, &oid))
        defer { git_odb_object_free(object) }
        guard let data = git_odb_object_data(object) else { return (false, false, false) }
        let bytes = UnsafeRawBufferPointer(start: data, count: git_odb_object_size(object))
        let holdsNUL = bytes.contains(0)
        let newline = UInt8(ascii: "\n")
        func starts(_ prefix: String, at start: Int) -> Bool {
            let header = Array(prefix.utf8)
            return bytes.count - start >= header.count && header.indices.allSatisfy { bytes[start + $0] == header[$0] }
        }
        var (signatureInHeaders, committerAmbiguous, committers) = (false, false, 0)
        var lineStart = 0
        while lineStart < bytes.count, bytes[lineStart] != newline {
            let end = bytes[lineStart...].firstIndex(of: newline) ?? bytes.count
            if starts("gpgsig ", at: lineStart) { signatureInHeaders = true }
            if starts("committer ", at: lineStart) {
                let line = bytes[lineStart..<end]
                committers += 1
                // Any of them: the last one read must not clear what an earlier one set.
                committerAmbiguous = committerAmbiguous || committers > 1
                    || line.count { $0 == UInt8(ascii: "<") } > 1 || line.count { $0 == UInt8(ascii: ">") } > 1
            }
            lineStart = end + 1
        }
        return (holdsNUL, signatureInHeaders, committerAmbiguous)
    }
}

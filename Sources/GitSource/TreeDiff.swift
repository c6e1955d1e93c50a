import CLibGit2
import Foundation

/// Which paths changed between two commits, limited to one directory.
///
/// Not `git_diff_tree_to_tree`: it reads every tree it meets whole, whatever its size, and follows any
/// depth. Here each tree is checked from its header first (``GitRepository/lookUpBoundedTree(_:)``), trees
/// are followed at most ``ReadLimits/maxDirectoryDepth`` levels below the directory, as a read of it is, at
/// most ``maxChanges`` paths are listed and at most ``maxEntries`` tree entries looked at (trees that differ
/// only in ways not listed, or that name one subtree many times, would otherwise cost work without listing
/// anything). What changed is what libgit2's diff reports without rename or type-change detection: a path
/// whose kind changed (a file becoming a link or a directory) is deleted and added; a file whose mode alone
/// changed is modified. Names are compared as git stores them, byte for byte.
enum TreeDiff {
    /// The most paths one diff lists before it is refused as too large (`tooManyFiles`).
    static let maxChanges = 100_000
    /// The most tree entries one diff looks at, both sides together (`tooManyFiles`): two trees at the 16 MiB
    /// bound hold about 1,000,000.
    static let maxEntries = 2_000_000

    static func changes(
        in repository: GitRepository, from old: CommitID, to new: CommitID, directory: String, maxChanges: Int = maxChanges, maxEntries: Int = maxEntries
    ) throws -> TreeChanges {
        var walk = Walk(repository: repository, directory: directory, maxChanges: maxChanges, maxEntries: maxEntries)
        let oldTree = try walk.directoryTree(of: old)
        let newTree = try walk.directoryTree(of: new)
        try walk.compare(old: oldTree, new: newTree, path: directory, depth: 0)
        return walk.changes
    }

    private struct Entry {
        let id: git_oid
        /// The mode as stored (`100664` stays itself), compared as libgit2's diff compares it.
        let mode: UInt32
        var isTree: Bool { kind == GIT_FILEMODE_TREE.rawValue }
        /// Files of either mode are one kind; links, submodules and trees each another (git's `S_IFMT`).
        var kind: UInt32 { mode & 0o170000 }
    }

    private struct Walk {
        let repository: GitRepository
        let directory: String
        let maxChanges: Int
        let maxEntries: Int
        var changes = TreeChanges()
        var listed = 0
        var looked = 0

        init(repository: GitRepository, directory: String, maxChanges: Int, maxEntries: Int) {
            self.repository = repository
            self.directory = directory
            self.maxChanges = maxChanges
            self.maxEntries = maxEntries
        }

        /// The tree at the directory in `commit`, or nil when the commit has no directory there.
        func directoryTree(of commit: CommitID) throws -> git_oid? {
            var tree = try repository.tree(of: commit)
            defer { git_tree_free(tree) }
            var id = git_tree_id(tree).pointee
            for name in directory.split(separator: "/").map(String.init) {
                guard let entry = git_tree_entry_byname(tree, name), git_tree_entry_filemode(entry) == GIT_FILEMODE_TREE else { return nil }
                id = git_tree_entry_id(entry).pointee
                let subtree = try repository.lookUpBoundedTree(&id)
                git_tree_free(tree)
                tree = subtree
            }
            return id
        }

        /// Lists what differs between two trees (either may be absent) below `path`. Recurses once per level,
        /// at most ``ReadLimits/maxDirectoryDepth`` deep.
        mutating func compare(old: git_oid?, new: git_oid?, path: String, depth: Int) throws {
            if let old, let new, same(old, new) { return }
            var oldEntries: [[UInt8]: Entry] = [:], newEntries: [[UInt8]: Entry] = [:]
            if let old { oldEntries = try entries(old) }
            if let new { newEntries = try entries(new) }
            for name in Set(oldEntries.keys).union(newEntries.keys).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                let text = String(decoding: name, as: UTF8.self)
                let child = path.isEmpty ? text : "\(path)/\(text)"
                switch (oldEntries[name], newEntries[name]) {
                case let (old?, new?):
                    if same(old.id, new.id) && old.mode == new.mode { continue }
                    if old.isTree && new.isTree {
                        try descend(old: old.id, new: new.id, path: child, depth: depth)
                    } else if old.kind == new.kind {
                        try list(child, in: \.modified)
                    } else {
                        try remove(old, child, depth: depth)
                        try add(new, child, depth: depth)
                    }
                case let (old?, nil):
                    try remove(old, child, depth: depth)
                case let (nil, new?):
                    try add(new, child, depth: depth)
                case (nil, nil):
                    continue
                }
            }
        }

        private mutating func remove(_ entry: Entry, _ path: String, depth: Int) throws {
            if entry.isTree { try descend(old: entry.id, new: nil, path: path, depth: depth) } else { try list(path, in: \.deleted) }
        }

        private mutating func add(_ entry: Entry, _ path: String, depth: Int) throws {
            if entry.isTree { try descend(old: nil, new: entry.id, path: path, depth: depth) } else { try list(path, in: \.added) }
        }

        private mutating func descend(old: git_oid?, new: git_oid?, path: String, depth: Int) throws {
            guard depth < ReadLimits.maxDirectoryDepth else {
                throw GitSourceError.tooDeep(path: path, limit: ReadLimits.maxDirectoryDepth)
            }
            try compare(old: old, new: new, path: path, depth: depth + 1)
        }

        private mutating func list(_ path: String, in kind: WritableKeyPath<TreeChanges, [String]>) throws {
            guard listed < maxChanges else {
                throw GitSourceError.tooManyFiles(path: directory, count: listed + 1, limit: maxChanges)
            }
            listed += 1
            changes[keyPath: kind].append(path)
        }

        private func same(_ a: git_oid, _ b: git_oid) -> Bool {
            var a = a, b = b
            return git_oid_equal(&a, &b) != 0
        }

        /// A tree's entries by their name's bytes (two names that differ only in their bytes, invalid UTF-8 or
        /// another Unicode normalisation, stay two), the tree checked from its header before it is read and its
        /// entries counted against ``maxEntries`` before they are.
        private mutating func entries(_ id: git_oid) throws -> [[UInt8]: Entry] {
            var id = id
            let tree = try repository.lookUpBoundedTree(&id)
            defer { git_tree_free(tree) }
            let count = git_tree_entrycount(tree)
            looked += count
            guard looked <= maxEntries else {
                throw GitSourceError.tooManyFiles(path: directory, count: looked, limit: maxEntries)
            }
            var entries: [[UInt8]: Entry] = [:]
            entries.reserveCapacity(count)
            for index in 0..<count {
                guard let entry = git_tree_entry_byindex(tree, index), let name = git_tree_entry_name(entry) else { continue }
                let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self), count: strlen(name)))
                entries[bytes] = Entry(id: git_tree_entry_id(entry).pointee, mode: git_tree_entry_filemode_raw(entry).rawValue)
            }
            return entries
        }
    }
}

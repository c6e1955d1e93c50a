import GitSource

extension GitOptions {
    /// Refuses a local `--repo` that is a folder inside a repository rather than its root, naming the root
    /// and the `--path` that reaches the same declarations from it.
    func checkLocalRepository(_ spec: RepositorySpec) throws {
        guard spec.transport == .localPath, let enclosing = EnclosingRepository.of(spec.url) else { return }
        let below = path.split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(separator: "/")
        throw GitSourceError.insideRepository(
            path: spec.url, root: enclosing.root, directory: below.isEmpty ? enclosing.prefix : "\(enclosing.prefix)/\(below)"
        )
    }
}

import Yams

extension DeclarationLoader {
    /// The `model:` of every document of a declaration file, without validating anything else: what a plan
    /// needs to name the models a commit stopped declaring. The file passes the checks of a full load first
    /// (encoding, nesting, node count), so a hostile file costs as little here as there; a file that fails
    /// them, or does not parse, names no model.
    public func modelNames(path: String, bytes: [UInt8]) -> [String] {
        let reader = NodeReader(file: path, maxNodes: limits.maxNodes, maxDepth: limits.maxDepth)
        let remaining = FileCost(bytes: limits.maxTotalBytes, nodes: limits.maxTotalNodes)
        guard let (documents, _) = parse(path: path, bytes: bytes, remaining: remaining, reader: reader) else { return [] }
        return documents.compactMap { document in
            guard case let .mapping(mapping) = document else { return nil }
            for (key, value) in mapping where key.scalar?.string == "model" {
                guard case let .scalar(scalar) = value, NodeReader.kind(value) == .str else { return nil }
                return scalar.string
            }
            return nil
        }
    }
}

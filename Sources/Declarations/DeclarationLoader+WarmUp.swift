extension DeclarationLoader {
    /// A small declaration, parsed once at start-up.
    private static let warmUpDeclaration = Array("""
        model: warm-up/model
        versions:
          - container_image_digest: "sha256:0000000000000000000000000000000000000000000000000000000000000000"
            release_notes: "Warm-up"
            schemas:
              prediction:
                input: {type: object, properties: {text: {type: string}}, required: [text]}
                output: {type: object}

        """.utf8)

    /// Parses a small declaration and throws it away, so that the parser's first-use costs are paid before
    /// the first real file: the YAML resolver compiles its regular expressions (ICU) on first use, and the
    /// parser's generic types are instantiated. Meant for a background thread at start-up, while arguments
    /// are parsed: those costs were 2–3 ms before an apply's first listing.
    public static func warmUp() {
        _ = DeclarationLoader().load([DeclarationFile(path: "warm-up.yaml", data: warmUpDeclaration)], readFile: { _ in [] })
    }
}

extension DeclarationLoader {
    /// A small declaration, parsed once at start-up.
    private static let warmUpDeclaration = Array("""
        model: warm-up/model
        prune: true
        keep: [1]
        smoke_defaults: {max_seconds: 60}
        versions:
          - container_image_digest: "sha256:0000000000000000000000000000000000000000000000000000000000000000"
            release_notes: "Warm-up"
            schemas:
              prediction:
                input:
                  type: object
                  properties:
                    text: {type: string, description: "Text", enum: [a, b]}
                    n: {type: integer, minimum: 1, maximum: 4096, default: 16}
                    t: {type: number, minimum: 0, maximum: 2.5, default: 0.7}
                    flag: {type: boolean, default: false}
                    tags: {type: array, items: {type: string}, maxItems: 8}
                  required: [text]
                output: {type: object, properties: {label: {type: string}, score: {type: number}}}
            compatibilities: {openai_chat_completions: true}
            configuration: {hardware_identifier: cpu-1x, variable_names: [TOKEN]}
            smoke:
              - input: {text: a, n: 2, t: 0.5, flag: true}
                max_seconds: 30

        """.utf8)

    /// Parses a small declaration and throws it away, so that the parser's first-use costs are paid before
    /// the first real file: the parser's generic types are instantiated and its code paged in. Meant for a
    /// background thread at start-up, while arguments are parsed: those costs were 2–3 ms before an apply's
    /// first listing. The declaration uses every kind of scalar and the keys a declaration commonly holds, so
    /// that a real file's first parse finds their code and types ready. (Numbers no longer reach a regular
    /// expression — see ``YAMLNumberSyntax`` — which took ICU's set-up, most of this, off start-up.)
    public static func warmUp() {
        _ = DeclarationLoader().load([DeclarationFile(path: "warm-up.yaml", data: warmUpDeclaration)], readFile: { _ in [] })
    }
}

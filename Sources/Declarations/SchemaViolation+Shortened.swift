import JSONSchema

extension SchemaViolation {
    /// `path: message` with the path shortened (a key in it may be as long as the file): the message quotes
    /// values shortened already.
    var shortened: String {
        "\(instancePath.description.shortened()): \(message)"
    }
}

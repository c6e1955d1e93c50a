extension ModelVersionDetails {
    /// The details as an answer's body: the JSON `JSONEncoder` writes for them (fields that are `nil` left
    /// out), written directly (see `JSONWriter`: equal as JSON, with sorted object keys). The emulator answers
    /// every create and every details request with it: through `JSONEncoder` that was a tenth of its CPU in
    /// an apply, on the same two cores as the client.
    ///
    /// - Throws: When a schema holds a number JSON cannot carry (as `JSONEncoder` does).
    public func jsonBody() throws -> [UInt8] {
        var writer = JSONWriter()
        writer.raw("{")
        writer.key("number")
        writer.integer(number)
        writer.raw(",")
        writer.key("release_notes")
        writer.string(releaseNotes)
        writer.raw(",")
        writer.key("created_at")
        writer.string(createdAt)
        if let containerImageDigest {
            writer.raw(",")
            writer.key("container_image_digest")
            writer.string(containerImageDigest)
        }
        writer.raw(",")
        writer.key("schemas")
        try writer.schemas(schemas)
        writer.raw(",")
        writer.key("compatibilities")
        writer.compatibilities(compatibilities)
        if let size {
            writer.raw(",")
            writer.key("size")
            writer.integer(size)
        }
        if let configuration {
            writer.raw(",")
            writer.key("configuration")
            writer.configuration(configuration)
        }
        writer.raw("}")
        return writer.bytes
    }
}

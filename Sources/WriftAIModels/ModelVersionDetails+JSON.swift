extension ModelVersionDetails {
    /// The details as an answer's body: the JSON `JSONEncoder` writes for them (fields that are `nil` left
    /// out), written directly (see `JSONWriter`: equal as JSON, with sorted object keys). The emulator answers
    /// every create and every details request with it: through `JSONEncoder` that was a tenth of its CPU in
    /// an apply, on the same two cores as the client.
    ///
    /// - Throws: When a schema holds a number JSON cannot carry (as `JSONEncoder` does).
    public func jsonBody() throws -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.member("number", number)
        writer.member("release_notes", releaseNotes)
        writer.member("created_at", createdAt)
        if let containerImageDigest { writer.member("container_image_digest", containerImageDigest) }
        writer.member("schemas")
        try writer.schemas(schemas)
        writer.member("compatibilities")
        writer.compatibilities(compatibilities)
        if let size { writer.member("size", size) }
        if let configuration {
            writer.member("configuration")
            writer.configuration(configuration)
        }
        writer.endObject()
        return writer.bytes
    }
}

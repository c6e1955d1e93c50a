extension CreateVersionRequest {
    /// The request as the body of `POST …/versions`: the JSON `JSONEncoder` writes for it, written directly
    /// (see `JSONWriter`: equal as JSON, with sorted object keys).
    ///
    /// - Throws: When a schema holds a number JSON cannot carry (as `JSONEncoder` does).
    public func jsonBody() throws -> [UInt8] {
        var writer = JSONWriter()
        writer.raw("{")
        writer.key("release_notes")
        writer.string(releaseNotes)
        writer.raw(",")
        writer.key("container_image_digest")
        writer.string(containerImageDigest)
        writer.raw(",")
        writer.key("schemas")
        try writer.schemas(schemas)
        if let compatibilities {
            writer.raw(",")
            writer.key("compatibilities")
            writer.compatibilities(compatibilities)
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

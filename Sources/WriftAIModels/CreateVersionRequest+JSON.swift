extension CreateVersionRequest {
    /// The request as the body of `POST …/versions`: the JSON `JSONEncoder` writes for it, written directly
    /// (see `JSONWriter`: equal as JSON, with sorted object keys).
    ///
    /// - Throws: When a schema holds a number JSON cannot carry (as `JSONEncoder` does).
    public func jsonBody() throws -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.member("release_notes", releaseNotes)
        writer.member("container_image_digest", containerImageDigest)
        writer.member("schemas")
        try writer.schemas(schemas)
        if let compatibilities {
            writer.member("compatibilities")
            writer.compatibilities(compatibilities)
        }
        if let configuration {
            writer.member("configuration")
            writer.configuration(configuration)
        }
        writer.endObject()
        return writer.bytes
    }
}

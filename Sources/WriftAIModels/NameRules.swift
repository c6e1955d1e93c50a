/// The API's rules for names and digests, shared by the client, the emulator and the declarations so that
/// all three accept exactly the same values.
public enum NameRules {
    /// The pattern of user and model names, as the API quotes it in validation messages.
    public static let namePattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
    /// The pattern of container image digests.
    public static let digestPattern = "^sha256:[a-f0-9]{64}$"

    /// Whether `name` matches ``namePattern``.
    public static func isValidName(_ name: some StringProtocol) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard let first = scalars.first, scalars.count <= 100, isAlphanumeric(first) else { return false }
        return scalars.allSatisfy { isAlphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    /// Whether `text` is `OWNER/NAME` with both parts valid names.
    public static func isValidModel(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { isValidName($0) }
    }

    /// Whether `digest` matches ``digestPattern`` (lowercase hex only).
    public static func isValidDigest(_ digest: String) -> Bool {
        guard digest.hasPrefix("sha256:") else { return false }
        let hex = digest.unicodeScalars.dropFirst("sha256:".count)
        return hex.count == 64 && hex.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}

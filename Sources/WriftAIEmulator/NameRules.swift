/// The rules for names of users and models, shared by validation and start-up arguments.
enum NameRules {
    /// The pattern, as quoted in validation messages.
    static let namePattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"

    /// Whether `name` matches ``namePattern``.
    static func isValidName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard let first = scalars.first, scalars.count <= 100, isAlphanumeric(first) else { return false }
        return scalars.allSatisfy { isAlphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    /// Whether `digest` is `sha256:` followed by 64 lowercase hexadecimal digits.
    static func isValidDigest(_ digest: String) -> Bool {
        guard digest.hasPrefix("sha256:") else { return false }
        let hex = digest.unicodeScalars.dropFirst("sha256:".count)
        return hex.count == 64 && hex.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }

    static let digestPattern = "^sha256:[a-f0-9]{64}$"

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}

/// One problem in the declarations, at a place in a file.
public struct Diagnostic: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// `file:line:column: message`, as compilers print it (editors and CI annotations read this form).
    public var description: String { "\(location): \(message)" }

    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.location, lhs.message) < (rhs.location, rhs.message)
    }
}

/// Every problem found in the declarations; nothing may be planned or applied while there is one.
public struct DeclarationErrors: Error, Sendable, CustomStringConvertible {
    /// Sorted by file, line and column.
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted()
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

/// Why no value could be generated for a schema.
public struct GenerationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What stood in the way, e.g. `/properties/score: the minimum 5 is above the maximum 1`.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

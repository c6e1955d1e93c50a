/// An answer as it came off the wire: status, headers and the whole body.
struct RawAnswer: Sendable {
    /// The answer is larger than a WriftAI answer may be.
    struct TooLarge: Error, CustomStringConvertible {
        let limit: Int
        let announced: Int?
        var description: String {
            if let announced {
                return "the answer announces \(announced) bytes, more than the \(limit) bytes a WriftAI answer may have"
            }
            return "the answer exceeds the \(limit) bytes a WriftAI answer may have"
        }
    }

    var status: Int
    /// Names in lowercase (folded once, as they arrive), values as sent.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first value of the header `name` (lowercase), whatever case the server wrote it in.
    func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }
}

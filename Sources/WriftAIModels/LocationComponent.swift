/// One step of a validation issue's location: a field name or an array index.
public enum LocationComponent: Codable, Sendable, Hashable, CustomStringConvertible,
    ExpressibleByStringLiteral, ExpressibleByIntegerLiteral
{
    /// A field name, or the part of the request (`body`, `query`, `path`).
    case key(String)
    /// A position in an array.
    case index(Int)

    /// Creates a field name.
    public init(stringLiteral value: String) { self = .key(value) }

    /// Creates an array index.
    public init(integerLiteral value: Int) { self = .index(value) }

    /// Decodes a string or an integer.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let index = try? container.decode(Int.self) {
            self = .index(index)
        } else {
            self = .key(try container.decode(String.self))
        }
    }

    /// Encodes a string or an integer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .key(let key): try container.encode(key)
        case .index(let index): try container.encode(index)
        }
    }

    /// The key, or the index in decimal.
    public var description: String {
        switch self {
        case .key(let key): key
        case .index(let index): String(index)
        }
    }
}

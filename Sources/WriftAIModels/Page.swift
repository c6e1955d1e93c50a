/// One page of a cursor-paginated list.
public struct Page<Item: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    /// The items of this page, in the list's order.
    public var items: [Item]
    /// The cursor of the following page, or `nil` on the last page.
    public var nextCursor: String?
    /// The cursor of the preceding page, or `nil` on the first page.
    public var previousCursor: String?

    /// Creates a page.
    public init(items: [Item], nextCursor: String?, previousCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
        self.previousCursor = previousCursor
    }

    /// Decodes a page; a missing cursor decodes as `nil`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.items = try container.decode([Item].self, forKey: .items)
        self.nextCursor = try container.decodeIfPresent(String.self, forKey: .nextCursor)
        self.previousCursor = try container.decodeIfPresent(String.self, forKey: .previousCursor)
    }

    /// Encodes a page, writing missing cursors as `null` like the API does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
        try container.encode(previousCursor, forKey: .previousCursor)
    }

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
        case previousCursor = "previous_cursor"
    }
}

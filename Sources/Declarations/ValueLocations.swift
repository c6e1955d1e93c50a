import JSONSchema

/// Where the parts of a JSON value written in YAML are, so that a problem deep inside (`/messages/0/role`)
/// is reported at its own line and column.
///
/// A tree shaped like the value, each part holding only its own key: the memory grows with the value, not
/// with its keys times their depth. (Each part's whole pointer text was stored before, so a key was copied
/// once per part below it: a smoke input of one 100 KB key over a list of 8,000 items took 825 MB.)
public struct ValueLocations: Sendable, Equatable {
    /// Where the value itself starts.
    public var root: SourceLocation
    private var parts: Part?

    /// Where one part of the value starts, and where each of its items or members does.
    struct Part: Sendable, Equatable {
        var location: SourceLocation
        var items: [Part] = []
        var members: [String: Part] = [:]
    }

    /// Locations that know only where the value starts: every part is placed there.
    public init(root: SourceLocation) {
        self.root = root
    }

    init(_ parts: Part) {
        root = parts.location
        self.parts = parts
    }

    /// Where the part at `pointer` is, or its nearest enclosing part that is recorded.
    public func location(of pointer: JSONPointer) -> SourceLocation {
        guard var part = parts else { return root }
        for component in pointer.components {
            let next: Part?
            switch component {
            case let .index(index):
                next = part.items.indices.contains(index) ? part.items[index] : nil
            case let .key(key):
                // A pointer parsed from text keeps `0` as a key; on a list it is an index.
                next = part.members[key] ?? Int(key).flatMap { part.items.indices.contains($0) ? part.items[$0] : nil }
            }
            guard let next else { break }
            part = next
        }
        return part.location
    }
}

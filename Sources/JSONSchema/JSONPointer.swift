import Foundation

/// A JSON Pointer (RFC 6901): the place of a value inside a JSON document, e.g. `/items/0/score`.
///
/// The empty pointer names the whole document; it prints as `(root)` in messages, since an empty string
/// before a colon reads as a mistake.
public struct JSONPointer: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// One step: an object member's name or an array index.
    public enum Component: Sendable, Hashable {
        /// A member of an object.
        case key(String)
        /// A position in an array, from 0.
        case index(Int)

        /// The component as it appears in a pointer, `~` and `/` escaped as `~0` and `~1`.
        var escaped: String {
            switch self {
            case .key(let key):
                guard key.contains("~") || key.contains("/") else { return key }
                return key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
            case .index(let index):
                return String(index)
            }
        }
    }

    /// The steps from the root, outermost first.
    public var components: [Component]

    /// The pointer to the whole document.
    public static let root = JSONPointer(components: [])

    /// Creates a pointer from its steps.
    public init(components: [Component]) {
        self.components = components
    }

    /// Parses the text of a pointer, such as `/$defs/score` (`""` is the root).
    ///
    /// Components are kept as keys: whether `0` names an index depends on the value it is applied to.
    /// Returns `nil` when the text does not start with `/` or holds an escape other than `~0` and `~1`.
    public init?(parsing text: String) {
        guard !text.isEmpty else {
            self.init(components: [])
            return
        }
        guard text.hasPrefix("/") else { return nil }
        var components: [Component] = []
        for part in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var key = ""
            var iterator = part.makeIterator()
            while let character = iterator.next() {
                guard character == "~" else {
                    key.append(character)
                    continue
                }
                switch iterator.next() {
                case "0": key.append("~")
                case "1": key.append("/")
                default: return nil
                }
            }
            components.append(.key(key))
        }
        self.init(components: components)
    }

    /// The pointer one step further down.
    public func appending(_ component: Component) -> JSONPointer {
        JSONPointer(components: components + [component])
    }

    /// Whether this pointer is `other` or lies inside it.
    public func hasPrefix(_ other: JSONPointer) -> Bool {
        components.starts(with: other.components)
    }

    /// The RFC 6901 text, e.g. `/items/0/score`; `""` for the root.
    public var text: String {
        components.map { "/" + $0.escaped }.joined()
    }

    /// The pointer's text, or `(root)` for the whole document.
    public var description: String {
        components.isEmpty ? "(root)" : text
    }

    /// Orders pointers by their text.
    public static func < (lhs: JSONPointer, rhs: JSONPointer) -> Bool {
        lhs.text < rhs.text
    }
}

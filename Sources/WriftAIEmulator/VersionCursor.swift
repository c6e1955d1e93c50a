import Foundation

/// A position in a model's version list, newest first, as carried by an opaque cursor.
///
/// A cursor names an exclusive version-number boundary and a direction rather than an offset, so a page
/// fetched with it is unaffected by versions created or deleted since the cursor was issued.
public struct VersionCursor: Sendable, Equatable {
    /// Which way a cursor leads.
    public enum Direction: String, Sendable {
        /// Towards older versions: numbers below the boundary.
        case older = "o"
        /// Towards newer versions: numbers above the boundary.
        case newer = "n"
    }

    /// The direction.
    public var direction: Direction
    /// The exclusive boundary number.
    public var boundary: Int

    /// Creates a cursor.
    public init(direction: Direction, boundary: Int) {
        self.direction = direction
        self.boundary = boundary
    }

    /// The opaque string form: URL-safe base64 of `v1:<direction>:<boundary>`.
    public var encoded: String {
        Data("v1:\(direction.rawValue):\(boundary)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Parses a cursor string; `nil` if it is not one this emulator issued.
    public init?(encoded: String) {
        var base64 = encoded
            .replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        guard base64.count <= 64 else { return nil }
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            return nil
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1",
            let direction = Direction(rawValue: String(parts[1])),
            let boundary = Int(parts[2]), boundary >= 0
        else { return nil }
        self.init(direction: direction, boundary: boundary)
    }
}

import Foundation
import Hummingbird
import WriftAIModels

/// Reads request bodies as JSON.
enum JSONBody {
    /// Request bodies larger than this are refused with 413.
    static let maximumSize = 1 << 20

    static func bytes(of request: Request) async throws -> [UInt8] {
        let buffer = try await request.body.collect(upTo: maximumSize)
        return Array(buffer.readableBytesView)
    }

    static func decode(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONValue.decode(json: bytes) { try JSONDecoder().decode(JSONValue.self, from: Data($0)) }
    }
}

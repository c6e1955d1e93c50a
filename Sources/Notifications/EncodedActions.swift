import Foundation
import Synchronization
import WriftAIModels

/// Actions already encoded for a history record, by value.
///
/// An `apply` encodes each change's action as it completes, while the next requests are out, so that its
/// record is written at the end without encoding every action then (600 actions took 5 ms with
/// `JSONEncoder`, all of it between the last answer and the exit). Equal actions encode equally, so a
/// record takes an entry for any action equal to one added, and encodes the others itself.
public final class EncodedActions: Sendable {
    private let encoded = Mutex<[ReconcileEvent.Action: [UInt8]]>([:])

    /// An empty memo.
    public init() {}

    /// Encodes `action` as a record line holds it.
    public func add(_ action: ReconcileEvent.Action) {
        guard let bytes = Self.written(action) ?? (try? EventJSON.encoder.encode(action)).map(Array.init) else { return }
        encoded.withLock { $0[action] = bytes }
    }

    /// `action` as `EventJSON.encoder` encodes it, byte for byte (sorted keys, `nil` fields left out, `/` as
    /// is), written directly: through `Encoder` containers each action took as long as a tenth of a create's
    /// answer, on a core the apply needs. `nil` when a text has anything `JSONEncoder` might escape (a
    /// quote, a backslash, a control character, anything past ASCII): that action is encoded by it instead.
    static func written(_ action: ReconcileEvent.Action) -> [UInt8]? {
        let texts = [action.action.rawValue, action.digest, action.error ?? "", action.model, action.outcome.rawValue]
        guard texts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") } })
        else { return nil }
        var writer = JSONWriter(capacity: 160)
        writer.beginObject()
        writer.member("action", action.action.rawValue)
        writer.member("digest", action.digest)
        if let error = action.error { writer.member("error", error) }
        writer.member("model", action.model)
        if let number = action.number { writer.member("number", number) }
        writer.member("outcome", action.outcome.rawValue)
        writer.endObject()
        return writer.bytes
    }

    /// The encoding of `action`, if one equal to it was added.
    func bytes(for action: ReconcileEvent.Action) -> [UInt8]? {
        encoded.withLock { $0[action] }
    }

    /// How many distinct actions are held.
    public var count: Int {
        encoded.withLock { $0.count }
    }
}

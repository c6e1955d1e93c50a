import Foundation
import Synchronization

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
        guard let data = try? EventJSON.encoder.encode(action) else { return }
        let bytes = Array(data)
        encoded.withLock { $0[action] = bytes }
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

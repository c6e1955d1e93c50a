import Foundation

/// A directory under the system's temporary directory, deleted when the value goes away.
public final class TemporaryDirectory: Sendable {
    /// Its absolute path.
    public let path: String

    /// A fresh directory named `wriftsync-<label>-<random>`.
    public init(_ label: String) throws {
        path = try Shell.temporaryDirectory(label)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

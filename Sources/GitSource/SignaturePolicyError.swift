import Foundation

/// Why `--trusted-signers` or `--trusted-gpg-keys` cannot be used. Raised when the policy is loaded, at
/// start, before any fetch; each says which file and what to change.
public enum SignaturePolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// One problem on one line of a file (line 0: the file as a whole).
    public struct LineProblem: Equatable, Sendable {
        public let line: Int
        public let message: String

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    /// The file could not be read.
    case unreadable(flag: String, path: String, reason: String)
    /// The file is empty.
    case empty(flag: String, path: String)
    /// The file is larger than any real one.
    case tooLarge(flag: String, path: String, size: Int, limit: Int)
    /// The allowed_signers file has problems, each as `path:line: message`.
    case invalidAllowedSigners(path: String, problems: [LineProblem])
    /// The OpenPGP keys file holds no usable public key, or something that must not be there.
    case invalidOpenPGPKeys(path: String, reason: String)
    /// GPGME or gpg could not be used at all.
    case openPGPUnavailable(reason: String)

    /// One line per problem.
    public var description: String {
        switch self {
        case let .unreadable(flag, path, reason):
            return "\(flag) \(path): cannot be read: \(reason)"
        case let .empty(flag, path):
            return "\(flag) \(path): the file is empty; it must list the keys trusted to sign commits"
        case let .tooLarge(flag, path, size, limit):
            return "\(flag) \(path): \(size) bytes, over the \(limit)-byte limit for a file of trusted keys"
        case let .invalidAllowedSigners(path, problems):
            var lines = problems.prefix(AllowedSigners.maxProblemsListed).map { problem in
                problem.line == 0 ? "\(path): \(problem.message)" : "\(path):\(problem.line): \(problem.message)"
            }
            if problems.count > AllowedSigners.maxProblemsListed {
                lines.append("\(path): … and \(problems.count - AllowedSigners.maxProblemsListed) more problems")
            }
            return lines.joined(separator: "\n")
        case let .invalidOpenPGPKeys(path, reason):
            return "--trusted-gpg-keys \(path): \(reason)"
        case let .openPGPUnavailable(reason):
            return "OpenPGP signatures cannot be verified: \(reason)"
        }
    }

    /// The bytes of a trusted-keys file, refusing a missing, unreadable, empty or oversized one.
    static func readFile(_ path: String, flag: String, limit: Int) throws(SignaturePolicyError) -> Data {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw .unreadable(flag: flag, path: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        guard (attributes[.type] as? FileAttributeType) != .typeDirectory else {
            throw .unreadable(flag: flag, path: path, reason: "is a directory")
        }
        if let size = (attributes[.size] as? NSNumber)?.intValue, size > limit {
            throw .tooLarge(flag: flag, path: path, size: size, limit: limit)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadable(flag: flag, path: path, reason: "permission denied")
        }
        defer { try? handle.close() }
        // One byte past the limit tells a file that grew since it was measured.
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw .unreadable(flag: flag, path: path, reason: "\(error.localizedDescription)")
        }
        guard data.count <= limit else { throw .tooLarge(flag: flag, path: path, size: data.count, limit: limit) }
        guard !data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else {
            throw .empty(flag: flag, path: path)
        }
        return data
    }
}

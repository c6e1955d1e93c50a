import SystemCrypto
import Foundation

/// An SSH public key that may sign commits: ed25519, or ECDSA on NIST P-256, P-384 or P-521. Parsed
/// strictly from its wire encoding (the base64 of an allowed_signers line, or the key inside an SSHSIG);
/// the point of an ECDSA key is checked to lie on its curve.
struct SSHPublicKey: Hashable, Sendable {
    enum Algorithm: String, Sendable, CaseIterable {
        case ed25519 = "ssh-ed25519"
        case ecdsaP256 = "ecdsa-sha2-nistp256"
        case ecdsaP384 = "ecdsa-sha2-nistp384"
        case ecdsaP521 = "ecdsa-sha2-nistp521"

        /// How the key type is shown: `ed25519`, `ecdsa-nistp256`, …
        var displayName: String {
            switch self {
            case .ed25519: return "ed25519"
            case .ecdsaP256: return "ecdsa-nistp256"
            case .ecdsaP384: return "ecdsa-nistp384"
            case .ecdsaP521: return "ecdsa-nistp521"
            }
        }

        /// The curve name an ECDSA key repeats inside its encoding.
        fileprivate var curve: String? {
            switch self {
            case .ed25519: return nil
            case .ecdsaP256: return "nistp256"
            case .ecdsaP384: return "nistp384"
            case .ecdsaP521: return "nistp521"
            }
        }

        /// The ECDSA curve, as libcrypto takes it.
        fileprivate var ecdsaCurve: ECDSAPublicKey.Curve? {
            switch self {
            case .ed25519: return nil
            case .ecdsaP256: return .p256
            case .ecdsaP384: return .p384
            case .ecdsaP521: return .p521
            }
        }

        /// Bytes of one coordinate (r and s of a signature are at most this long).
        fileprivate var coordinateSize: Int {
            ecdsaCurve?.coordinateByteCount ?? 32
        }
    }

    /// Why a key cannot be used.
    enum Problem: Error, Equatable, CustomStringConvertible {
        /// A key type OpenSSH knows but WriftSync does not verify (RSA, DSA, security keys, certificates).
        case unsupported(type: String)
        case malformed(String)

        var description: String {
            switch self {
            case let .unsupported(type):
                return "key type \(type) is not supported; sign with an ed25519 or ECDSA (nistp256, nistp384, nistp521) key"
            case let .malformed(reason):
                return "malformed public key: \(reason)"
            }
        }
    }

    let algorithm: Algorithm
    /// The whole wire encoding: what two keys are compared by, and what the fingerprint hashes.
    let blob: [UInt8]
    /// The key itself: 32 bytes for ed25519, the uncompressed SEC1 point for ECDSA.
    private let keyBytes: [UInt8]

    /// OpenSSH's `SHA256:` fingerprint, as `ssh-keygen -l` prints it.
    var fingerprint: String { Hashing.sshFingerprint(sha256: Hashing.sha256(Data(blob))) }

    /// Parses a key's wire encoding; nothing may follow the key.
    init(blob: [UInt8]) throws(Problem) {
        var reader = SSHWireReader(blob)
        do {
            let type = try reader.readText("key type")
            guard let algorithm = Algorithm(rawValue: type) else { throw Problem.unsupported(type: type) }
            switch algorithm {
            case .ed25519:
                let key = try reader.readString("ed25519 key")
                guard key.count == 32 else { throw Problem.malformed("ed25519 key is \(key.count) bytes, not 32") }
                keyBytes = key
            case .ecdsaP256, .ecdsaP384, .ecdsaP521:
                let curve = try reader.readText("curve")
                guard curve == algorithm.curve else { throw Problem.malformed("curve \(curve) in a \(type) key") }
                let point = try reader.readString("public point")
                guard point.count == 1 + 2 * algorithm.coordinateSize, point.first == 0x04 else {
                    throw Problem.malformed("the public point is not an uncompressed \(curve) point")
                }
                guard Self.isOnCurve(point, algorithm) else { throw Problem.malformed("the public point is not on \(curve)") }
                keyBytes = point
            }
            try reader.expectEnd("public key")
            self.algorithm = algorithm
            self.blob = blob
        } catch let problem as Problem {
            throw problem
        } catch let malformed as SSHWireReader.Malformed {
            throw .malformed(malformed.description)
        } catch {
            throw .malformed("\(error)")
        }
    }

    private static func isOnCurve(_ point: [UInt8], _ algorithm: Algorithm) -> Bool {
        guard let curve = algorithm.ecdsaCurve else { return false }
        return (try? ECDSAPublicKey(curve: curve, x963Representation: point)) != nil
    }

    /// Checks an SSH signature blob (`string algorithm, string signature`) over `message`. The algorithm
    /// must be this key's; ECDSA hashes with the curve's hash (SHA-256, -384, -512), as SSH does.
    func verify(signatureBlob: [UInt8], message: [UInt8]) throws(Problem) -> Bool {
        var reader = SSHWireReader(signatureBlob)
        do {
            let name = try reader.readText("signature algorithm")
            guard name == algorithm.rawValue else {
                throw Problem.malformed("a \(name) signature from a \(algorithm.rawValue) key")
            }
            let signature = try reader.readString("signature")
            try reader.expectEnd("signature")
            switch algorithm {
            case .ed25519:
                guard signature.count == 64 else { throw Problem.malformed("ed25519 signature is \(signature.count) bytes, not 64") }
                let key = try Ed25519PublicKey(rawRepresentation: keyBytes)
                return key.isValidSignature(signature, for: message)
            case .ecdsaP256, .ecdsaP384, .ecdsaP521:
                var inner = SSHWireReader(signature)
                let size = algorithm.coordinateSize
                let r = try inner.readPositiveMPInt("ECDSA r", maxBytes: size)
                let s = try inner.readPositiveMPInt("ECDSA s", maxBytes: size)
                try inner.expectEnd("ECDSA signature")
                let raw = Self.padded(r, to: size) + Self.padded(s, to: size)
                guard let curve = algorithm.ecdsaCurve else { return false }
                return try ECDSAPublicKey(curve: curve, x963Representation: keyBytes).isValidSignature(rawRepresentation: raw, for: message)
            }
        } catch let problem as Problem {
            throw problem
        } catch let malformed as SSHWireReader.Malformed {
            throw .malformed(malformed.description)
        } catch {
            // libcrypto refusing the key's bytes means the signature is not valid.
            return false
        }
    }

    private static func padded(_ magnitude: [UInt8], to size: Int) -> [UInt8] {
        [UInt8](repeating: 0, count: size - magnitude.count) + magnitude
    }
}

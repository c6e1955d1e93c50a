import Crypto
import Foundation
@testable import GitSource
import WriftSyncTesting

/// SSH keys and SSHSIG signatures made in process, for the table-driven parser tests: fixed keys, so a
/// failing case reads the same every run, and signatures whose encoding a test can bend.
enum SSHTestKeys {
    static var ed25519: Curve25519.Signing.PrivateKey { try! .init(rawRepresentation: Data((1...32).map { UInt8($0) })) }
    static var otherEd25519: Curve25519.Signing.PrivateKey { try! .init(rawRepresentation: Data((33...64).map { UInt8($0) })) }
    static var p256: P256.Signing.PrivateKey { try! .init(rawRepresentation: Data((1...32).map { UInt8($0) })) }

    static func blob(_ key: Curve25519.Signing.PublicKey) -> [UInt8] {
        var writer = SSHWireWriter()
        writer.write(text: "ssh-ed25519")
        writer.write(string: Array(key.rawRepresentation))
        return writer.bytes
    }

    static func blob(_ key: P256.Signing.PublicKey) -> [UInt8] {
        var writer = SSHWireWriter()
        writer.write(text: "ecdsa-sha2-nistp256")
        writer.write(text: "nistp256")
        writer.write(string: Array(key.x963Representation))
        return writer.bytes
    }

    /// A key blob of a type WriftSync does not verify (the RSA layout: e, n).
    static let rsaBlob: [UInt8] = {
        var writer = SSHWireWriter()
        writer.write(text: "ssh-rsa")
        writer.write(string: [0x01, 0x00, 0x01])
        writer.write(string: [0x00] + [UInt8](repeating: 0xC5, count: 256))
        return writer.bytes
    }()

    /// `keytype base64` as in an allowed_signers line.
    static func line(_ blob: [UInt8]) -> String {
        let type = blob.count > 4 ? String(decoding: blob[4..<(4 + Int(blob[3]))], as: UTF8.self) : ""
        return "\(type) \(Data(blob).base64EncodedString())"
    }

    static var ed25519Line: String { line(blob(ed25519.publicKey)) }

    /// What an SSHSIG signs for `message`.
    static func signedData(_ message: [UInt8], namespace: String = "git", hash: String = "sha512") -> [UInt8] {
        var writer = SSHWireWriter()
        writer.write(raw: Array("SSHSIG".utf8))
        writer.write(text: namespace)
        writer.write(string: [UInt8]())
        writer.write(text: hash)
        writer.write(string: hash == "sha256" ? Array(SHA256.hash(data: message)) : Array(SHA512.hash(data: message)))
        return writer.bytes
    }

    /// An SSHSIG blob around a key blob and a signature blob.
    static func sshsig(key: [UInt8], signature: [UInt8], namespace: String = "git", hash: String = "sha512", version: UInt32 = 1) -> [UInt8] {
        var writer = SSHWireWriter()
        writer.write(raw: Array("SSHSIG".utf8))
        writer.write(uint32: version)
        writer.write(string: key)
        writer.write(text: namespace)
        writer.write(string: [UInt8]())
        writer.write(text: hash)
        writer.write(string: signature)
        return writer.bytes
    }

    static func ed25519Signature(_ message: [UInt8], key: Curve25519.Signing.PrivateKey = ed25519, namespace: String = "git", hash: String = "sha512") -> [UInt8] {
        var signature = SSHWireWriter()
        signature.write(text: "ssh-ed25519")
        signature.write(string: Array(try! key.signature(for: signedData(message, namespace: namespace, hash: hash))))
        return sshsig(key: blob(key.publicKey), signature: signature.bytes, namespace: namespace, hash: hash)
    }

    /// A P-256 SSHSIG whose r and s are encoded by `encode` (by default, as mpints should be).
    static func p256Signature(_ message: [UInt8], encode: ([UInt8]) -> [UInt8] = mpint) -> [UInt8] {
        let raw = Array(try! p256.signature(for: signedData(message)).rawRepresentation)
        var inner = SSHWireWriter()
        inner.write(string: encode(Array(raw[0..<32])))
        inner.write(string: encode(Array(raw[32..<64])))
        var signature = SSHWireWriter()
        signature.write(text: "ecdsa-sha2-nistp256")
        signature.write(string: inner.bytes)
        return sshsig(key: blob(p256.publicKey), signature: signature.bytes)
    }

    /// A non-negative big-endian magnitude as a minimal mpint.
    static func mpint(_ magnitude: [UInt8]) -> [UInt8] {
        let trimmed = Array(magnitude.drop { $0 == 0 })
        guard let first = trimmed.first else { return [] }
        return first & 0x80 != 0 ? [0] + trimmed : trimmed
    }

    static func armor(_ blob: [UInt8]) -> Data {
        let base64 = Data(blob).base64EncodedString()
        var lines = [SSHSignature.beginMarker]
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(70)))
            rest = rest.dropFirst(70)
        }
        lines.append(SSHSignature.endMarker)
        return Data(lines.joined(separator: "\n").utf8)
    }
}

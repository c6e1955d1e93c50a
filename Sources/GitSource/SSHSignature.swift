import SystemCrypto
import Foundation

/// An SSHSIG signature (OpenSSH's PROTOCOL.sshsig), as `git commit -S` with `gpg.format=ssh` writes it
/// into the commit's `gpgsig` header: armoured Base64 between `-----BEGIN SSH SIGNATURE-----` and
/// `-----END SSH SIGNATURE-----`, holding
///
///     byte[6] "SSHSIG"  uint32 version (1)  string publickey  string namespace  string reserved
///     string hash_algorithm  string signature
///
/// Parsed strictly and within bounds: the armour is at most `maxArmoredSize` bytes, every length is
/// checked before use, nothing may trail the last field. Verification is done here, in process.
struct SSHSignature: Sendable {
    /// The largest armoured signature accepted. A real one is about 300 bytes (ed25519) to 500 (P-521).
    static let maxArmoredSize = 16 * 1024
    static let beginMarker = "-----BEGIN SSH SIGNATURE-----"
    static let endMarker = "-----END SSH SIGNATURE-----"

    /// The hash of the message inside the signed data.
    enum HashAlgorithm: String, Sendable {
        case sha256, sha512

        func digest(_ message: [UInt8]) -> [UInt8] {
            switch self {
            case .sha256: return HashFunction.sha256.hash(message)
            case .sha512: return HashFunction.sha512.hash(message)
            }
        }
    }

    /// Why the signature cannot even be checked.
    enum Problem: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case unsupportedKey(type: String)

        var description: String {
            switch self {
            case let .malformed(reason): return "malformed SSH signature: \(reason)"
            case let .unsupportedKey(type): return SSHPublicKey.Problem.unsupported(type: type).description
            }
        }
    }

    let publicKey: SSHPublicKey
    let namespace: String
    let reserved: [UInt8]
    let hashAlgorithm: HashAlgorithm
    /// The signature proper: `string algorithm, string bytes`.
    let signatureBlob: [UInt8]

    /// Parses the armoured form.
    init(armored: Data) throws(Problem) {
        try self.init(blob: Self.dearmor(armored))
    }

    /// Parses the binary form (the armour's Base64, decoded).
    init(blob: [UInt8]) throws(Problem) {
        var reader = SSHWireReader(blob)
        do {
            let magic = try reader.readBytes(6, "magic")
            guard magic == Array("SSHSIG".utf8) else { throw Problem.malformed("does not start with SSHSIG") }
            let version = try reader.readUInt32("version")
            guard version == 1 else { throw Problem.malformed("version \(version), only 1 is known") }
            let keyBlob = try reader.readString("public key")
            namespace = try reader.readText("namespace")
            reserved = try reader.readString("reserved")
            let hash = try reader.readText("hash algorithm")
            guard let hashAlgorithm = HashAlgorithm(rawValue: hash) else {
                throw Problem.malformed("hash algorithm \(hash), not sha256 or sha512")
            }
            self.hashAlgorithm = hashAlgorithm
            signatureBlob = try reader.readString("signature")
            try reader.expectEnd("SSHSIG")
            do {
                publicKey = try SSHPublicKey(blob: keyBlob)
            } catch let problem {
                switch problem {
                case let .unsupported(type): throw Problem.unsupportedKey(type: type)
                case let .malformed(reason): throw Problem.malformed(reason)
                }
            }
        } catch let problem as Problem {
            throw problem
        } catch let malformed as SSHWireReader.Malformed {
            throw .malformed(malformed.description)
        } catch {
            throw .malformed("\(error)")
        }
    }

    /// The Base64 between the markers, decoded. Line breaks (LF or CRLF) may split the Base64 anywhere; any
    /// other character outside the alphabet, a missing marker, or text after the end marker is refused.
    static func dearmor(_ armored: Data) throws(Problem) -> [UInt8] {
        guard armored.count <= maxArmoredSize else {
            throw .malformed("\(armored.count) bytes, over the \(maxArmoredSize)-byte limit")
        }
        guard let text = String(data: armored, encoding: .utf8) else { throw .malformed("not UTF-8") }
        // Split on scalars: as Characters, "\r\n" is one and would not split on "\n".
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            Substring(line.last == "\r" ? line.dropLast() : line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard lines.first == Substring(beginMarker) else { throw .malformed("missing \(beginMarker)") }
        guard lines.count >= 3, lines.last == Substring(endMarker) else { throw .malformed("missing \(endMarker)") }
        let body = lines.dropFirst().dropLast().joined()
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".utf8)
        guard body.utf8.allSatisfy(alphabet.contains) else { throw .malformed("not Base64 between the markers") }
        guard let decoded = Data(base64Encoded: body) else { throw .malformed("invalid Base64") }
        return Array(decoded)
    }

    /// The bytes the key signed for `message`: the same preamble with the message's hash in place of the
    /// key and signature. The reserved field is signed empty, as OpenSSH verifies it.
    func signedData(for message: [UInt8]) -> [UInt8] {
        var writer = SSHWireWriter()
        writer.write(raw: Array("SSHSIG".utf8))
        writer.write(text: namespace)
        writer.write(string: [UInt8]())
        writer.write(text: hashAlgorithm.rawValue)
        writer.write(string: hashAlgorithm.digest(message))
        return writer.bytes
    }

    /// True when the signature is the key's over `message`; false for a signature that does not verify
    /// (the bytes were changed, or another key signed). A malformed signature blob throws.
    func verify(message: [UInt8]) throws(Problem) -> Bool {
        do {
            return try publicKey.verify(signatureBlob: signatureBlob, message: signedData(for: message))
        } catch {
            switch error {
            case let .unsupported(type): throw .unsupportedKey(type: type)
            case let .malformed(reason): throw .malformed(reason)
            }
        }
    }
}

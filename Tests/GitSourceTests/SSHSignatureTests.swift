import Crypto
import Foundation
import Testing
@testable import GitSource
import WriftSyncTesting

/// The SSHSIG parser and verifier: real signatures from `ssh-keygen -Y sign`, and hostile inputs (every
/// truncation, huge lengths, trailing bytes, bent encodings), none of which may crash or verify.
@Suite(.onOwnThreads) struct SSHSignatureTests {
    /// One row of a table: what the input is, its bytes, and what the refusal must say.
    struct Case: Sendable, CustomTestStringConvertible {
        let what: String
        let bytes: [UInt8]
        let reason: String
        init(_ what: String, _ bytes: [UInt8], _ reason: String) {
            self.what = what
            self.bytes = bytes
            self.reason = reason
        }
        var testDescription: String { what }
    }

    let message = Array("tree 0123\nauthor A <a@b> 1 +0000\n\nmessage\n".utf8)

    @Test(arguments: [("ed25519", nil), ("ecdsa", 256), ("ecdsa", 384), ("ecdsa", 521)] as [(String, Int?)])
    func verifiesWhatSSHKeygenSigns(type: String, bits: Int?) throws {
        let key = try SSHSigningKey(type, bits: bits)
        let armored = try key.sign(Data(message))
        let signature = try SSHSignature(armored: armored)
        #expect(signature.namespace == "git")
        #expect(signature.hashAlgorithm == .sha512)
        #expect(signature.publicKey.fingerprint == (try key.fingerprint))
        #expect(try signature.verify(message: message))
        #expect(try !signature.verify(message: message + [0x0A]))
        #expect(try !signature.verify(message: Array(message.dropLast())))
    }

    @Test func verifiesSHA256SignaturesAndReadsOtherNamespaces() throws {
        let key = try SSHSigningKey()
        let file = key.directory.path + "/m"
        try Data(message).write(to: URL(fileURLWithPath: file))
        try Shell.run(["ssh-keygen", "-q", "-Y", "sign", "-n", "file", "-O", "hashalg=sha256", "-f", key.privateKey, file])
        let signature = try SSHSignature(armored: Data(contentsOf: URL(fileURLWithPath: file + ".sig")))
        #expect(signature.hashAlgorithm == .sha256)
        #expect(signature.namespace == "file")
        #expect(try signature.verify(message: message))
    }

    @Test func signaturesMadeInProcessAreAcceptedBySSHKeygenToo() throws {
        // Cross-checks the test builder (and so the layout the parser expects) against OpenSSH itself.
        let directory = try TemporaryDirectory("sshsig")
        try Data(message).write(to: URL(fileURLWithPath: directory.path + "/m"))
        for blob in [SSHTestKeys.ed25519Signature(message), SSHTestKeys.p256Signature(message)] {
            try SSHTestKeys.armor(blob).write(to: URL(fileURLWithPath: directory.path + "/m.sig"))
            try Shell.run(["sh", "-c", "ssh-keygen -Y check-novalidate -n git -s m.sig < m"], in: directory.path)
            #expect(try SSHSignature(blob: blob).verify(message: message))
        }
    }

    @Test func anotherKeysSignatureDoesNotVerify() throws {
        // The signature of one key, presented under another: a forgery, not a malformed input.
        let good = try SSHSignature(blob: SSHTestKeys.ed25519Signature(message))
        let forged = try SSHSignature(blob: SSHTestKeys.sshsig(key: SSHTestKeys.blob(SSHTestKeys.otherEd25519.publicKey), signature: good.signatureBlob))
        #expect(try !forged.verify(message: message))
        // Signed for another namespace or hash than the one it claims.
        let file = try SSHSignature(blob: SSHTestKeys.ed25519Signature(message, namespace: "file"))
        let relabelled = try SSHSignature(blob: SSHTestKeys.sshsig(key: SSHTestKeys.blob(SSHTestKeys.ed25519.publicKey), signature: file.signatureBlob, namespace: "git"))
        #expect(try !relabelled.verify(message: message))
    }

    @Test func everyTruncationIsRefusedAsMalformed() throws {
        for blob in [SSHTestKeys.ed25519Signature(message), SSHTestKeys.p256Signature(message)] {
            for length in 0..<blob.count {
                do {
                    let parsed = try SSHSignature(blob: Array(blob.prefix(length)))
                    Issue.record("a \(length)-byte prefix of a \(blob.count)-byte signature parsed: \(parsed.namespace)")
                } catch {
                    guard case .malformed = error else { Issue.record("\(error)"); continue }
                }
            }
        }
    }

    /// Byte surgery on a valid ed25519 SSHSIG.
    static var hostile: [Case] {
        let valid = SSHTestKeys.ed25519Signature(Array("m".utf8))
        var hugeKeyLength = valid
        hugeKeyLength.replaceSubrange(10..<14, with: [0xFF, 0xFF, 0xFF, 0xFF])
        var hugeSignatureLength = valid
        // The signature's length is the last string's: 4 bytes before its (4 + 11 + 4 + 64)-byte body.
        hugeSignatureLength.replaceSubrange((valid.count - 87)..<(valid.count - 83), with: [0x7F, 0xFF, 0xFF, 0xFF])
        let sig = try! SSHSignature(blob: valid).signatureBlob
        var shortKey = SSHWireWriter()
        shortKey.write(text: "ssh-ed25519")
        shortKey.write(string: [UInt8](repeating: 7, count: 31))
        var wrongCurve = SSHWireWriter()
        wrongCurve.write(text: "ecdsa-sha2-nistp256")
        wrongCurve.write(text: "nistp384")
        wrongCurve.write(string: Array(SSHTestKeys.p256.publicKey.x963Representation))
        var offCurve = SSHWireWriter()
        offCurve.write(text: "ecdsa-sha2-nistp256")
        offCurve.write(text: "nistp256")
        offCurve.write(string: [0x04] + [UInt8](repeating: 0x11, count: 64))
        let key = SSHTestKeys.blob(SSHTestKeys.ed25519.publicKey)
        return [
            Case("empty", [], "magic"),
            Case("another magic", Array("SSHSIH".utf8) + valid.dropFirst(6), "does not start with SSHSIG"),
            Case("a key length of 4 GiB", hugeKeyLength, "public key: claims 4294967295 bytes"),
            Case("a signature length of 2 GiB", hugeSignatureLength, "signature: claims 2147483647 bytes"),
            Case("a trailing byte", valid + [0], "SSHSIG: 1 unexpected trailing bytes"),
            Case("version 2", SSHTestKeys.sshsig(key: key, signature: sig, version: 2), "version 2"),
            Case("hash md5", SSHTestKeys.sshsig(key: key, signature: sig, hash: "md5"), "hash algorithm md5"),
            Case("a namespace with a control character", SSHTestKeys.sshsig(key: key, signature: sig, namespace: "g\u{1B}it"), "namespace: not printable ASCII"),
            Case("an ed25519 key of 31 bytes", SSHTestKeys.sshsig(key: shortKey.bytes, signature: sig), "ed25519 key is 31 bytes"),
            Case("a key followed by junk", SSHTestKeys.sshsig(key: key + [1, 2, 3], signature: sig), "public key: 3 unexpected trailing bytes"),
            Case("a P-256 key claiming another curve", SSHTestKeys.sshsig(key: wrongCurve.bytes, signature: sig), "curve nistp384"),
            Case("a point off the curve", SSHTestKeys.sshsig(key: offCurve.bytes, signature: sig), "not on nistp256"),
        ]
    }

    @Test(arguments: hostile)
    func hostileSignaturesAreRefusedWithTheReason(_ item: Case) {
        do {
            let parsed = try SSHSignature(blob: item.bytes)
            Issue.record("\(item.what) parsed: \(parsed.namespace)")
        } catch {
            #expect(error.description.contains(item.reason), "\(item.what): \(error)")
        }
    }

    /// Signature blobs that parse as SSHSIG but cannot be checked.
    static var hostileSignatureBlobs: [Case] {
        var short = SSHWireWriter()
        short.write(text: "ssh-ed25519")
        short.write(string: [UInt8](repeating: 1, count: 63))
        var wrongAlgorithm = SSHWireWriter()
        wrongAlgorithm.write(text: "ecdsa-sha2-nistp256")
        wrongAlgorithm.write(string: [UInt8](repeating: 1, count: 64))
        var trailing = SSHWireWriter()
        trailing.write(text: "ssh-ed25519")
        trailing.write(string: [UInt8](repeating: 1, count: 64))
        trailing.write(raw: [9])
        return [
            Case("a 63-byte ed25519 signature", short.bytes, "ed25519 signature is 63 bytes"),
            Case("an ECDSA signature from an ed25519 key", wrongAlgorithm.bytes, "a ecdsa-sha2-nistp256 signature from a ssh-ed25519 key"),
            Case("a signature followed by junk", trailing.bytes, "signature: 1 unexpected trailing bytes"),
            Case("a truncated signature", Array(short.bytes.prefix(20)), "signature: claims 63 bytes"),
        ]
    }

    @Test(arguments: hostileSignatureBlobs)
    func hostileSignatureBlobsAreRefused(_ item: Case) throws {
        let parsed = try SSHSignature(blob: SSHTestKeys.sshsig(key: SSHTestKeys.blob(SSHTestKeys.ed25519.publicKey), signature: item.bytes))
        do {
            let valid = try parsed.verify(message: message)
            Issue.record("\(item.what) verified as \(valid)")
        } catch {
            #expect(error.description.contains(item.reason), "\(item.what): \(error)")
        }
    }

    /// How r and s of an ECDSA signature are encoded, and what that must give.
    struct Encoding: Sendable, CustomTestStringConvertible {
        let what: String
        let encode: @Sendable ([UInt8]) -> [UInt8]
        /// nil: the signature verifies.
        let reason: String?
        var testDescription: String { what }
    }

    /// Mpints that are negative, padded or too long are malformed, as OpenSSH has them.
    static let mpintEncodings: [Encoding] = [
        Encoding(what: "minimal", encode: { SSHTestKeys.mpint($0) }, reason: nil),
        Encoding(what: "an unneeded leading zero", encode: { [0, 0] + SSHTestKeys.mpint($0) }, reason: "leading zero byte"),
        Encoding(what: "negative", encode: { [0x80] + $0 }, reason: "negative"),
        Encoding(what: "33 bytes of magnitude", encode: { [0x01] + $0 }, reason: "33 bytes, over 32"),
    ]

    @Test(arguments: mpintEncodings)
    func ecdsaIntegersAreReadStrictly(_ item: Encoding) throws {
        let signature = try SSHSignature(blob: SSHTestKeys.p256Signature(message, encode: item.encode))
        do {
            let valid = try signature.verify(message: message)
            #expect(item.reason == nil, "\(item.what) verified as \(valid)")
            #expect(valid)
        } catch {
            #expect(item.reason.map { error.description.contains($0) } == true, "\(item.what): \(error)")
        }
    }

    @Test func anRSAKeyIsUnsupportedNotMalformed() throws {
        let key = try SSHSigningKey("rsa", bits: 2048)
        let armored = try key.sign(Data(message))
        do {
            _ = try SSHSignature(armored: armored)
            Issue.record("an RSA signature parsed")
        } catch {
            #expect(error == .unsupportedKey(type: "ssh-rsa"))
        }
        do {
            _ = try SSHSignature(blob: SSHTestKeys.sshsig(key: SSHTestKeys.rsaBlob, signature: []))
            Issue.record("an RSA key parsed")
        } catch {
            #expect(error == .unsupportedKey(type: "ssh-rsa"))
        }
    }

    /// Armour that is not an SSH signature's.
    static let armours: [Case] = [
        Case("no begin marker", Array(("U1NIU0lH\n-----END SSH SIGNATURE-----").utf8), "missing -----BEGIN SSH SIGNATURE-----"),
        Case("no end marker", Array(("-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n").utf8), "missing -----END SSH SIGNATURE-----"),
        Case("text after the end", Array(("-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\nmore").utf8), "missing -----END SSH SIGNATURE-----"),
        Case("not Base64", Array(("-----BEGIN SSH SIGNATURE-----\nU1NI U0lH\n-----END SSH SIGNATURE-----").utf8), "not Base64"),
        Case("bad padding", Array(("-----BEGIN SSH SIGNATURE-----\nU1NIU0l=H\n-----END SSH SIGNATURE-----").utf8), "invalid Base64"),
        Case("a PGP block", Array(("-----BEGIN PGP SIGNATURE-----\n\niQ==\n-----END PGP SIGNATURE-----").utf8), "missing -----BEGIN SSH SIGNATURE-----"),
        Case("20 KiB of armour", Array(("-----BEGIN SSH SIGNATURE-----\n" + String(repeating: "QUFB\n", count: 4096) + "-----END SSH SIGNATURE-----").utf8), "over the 16384-byte limit"),
    ]

    @Test(arguments: armours)
    func malformedArmourIsRefused(_ item: Case) {
        do {
            _ = try SSHSignature(armored: Data(item.bytes))
            Issue.record("\(item.what) parsed")
        } catch {
            #expect(error.description.contains(item.reason), "\(item.what): \(error)")
        }
    }

    @Test func armourMayUseCRLFAndEndWithANewline() throws {
        let blob = SSHTestKeys.ed25519Signature(message)
        let crlf = String(decoding: SSHTestKeys.armor(blob), as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
        #expect(try SSHSignature(armored: Data(crlf.utf8)).verify(message: message))
    }
}

import Crypto
import Foundation
import SystemCrypto
import Testing

/// Signatures made by swift-crypto (BoringSSL), verified by the system's libcrypto: every valid one
/// accepted, every altered one refused.
struct PublicKeyTests {
    static let messages: [[UInt8]] = [[], Array("a commit's signed payload\n".utf8), Array(repeating: 0x5a, count: 10_000)]

    @Test func ed25519SignaturesVerifyAndAlteredOnesDoNot() throws {
        for message in Self.messages {
            let privateKey = Curve25519.Signing.PrivateKey()
            let signature = Array(try privateKey.signature(for: message))
            let key = try Ed25519PublicKey(rawRepresentation: Array(privateKey.publicKey.rawRepresentation))
            #expect(key.isValidSignature(signature, for: message))

            var alteredSignature = signature
            alteredSignature[10] ^= 0x01
            #expect(!key.isValidSignature(alteredSignature, for: message))
            #expect(!key.isValidSignature(signature, for: message + [0]))
            #expect(!key.isValidSignature(Array(signature.prefix(63)), for: message))
            let other = try Ed25519PublicKey(rawRepresentation: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))
            #expect(!other.isValidSignature(signature, for: message))
        }
    }

    @Test func anEd25519KeyIs32Bytes() {
        #expect(throws: PublicKeyError.self) { try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: PublicKeyError.self) { try Ed25519PublicKey(rawRepresentation: []) }
    }

    /// One swift-crypto key and signature per curve: (curve, public point, raw r‖s, message) for each message.
    static func ecdsaSamples(_ curve: ECDSAPublicKey.Curve) throws -> [(point: [UInt8], signature: [UInt8], message: [UInt8], other: [UInt8])] {
        try messages.map { message in
            switch curve {
            case .p256:
                let key = P256.Signing.PrivateKey()
                return (Array(key.publicKey.x963Representation), Array(try key.signature(for: message).rawRepresentation), message,
                        Array(P256.Signing.PrivateKey().publicKey.x963Representation))
            case .p384:
                let key = P384.Signing.PrivateKey()
                return (Array(key.publicKey.x963Representation), Array(try key.signature(for: message).rawRepresentation), message,
                        Array(P384.Signing.PrivateKey().publicKey.x963Representation))
            case .p521:
                let key = P521.Signing.PrivateKey()
                return (Array(key.publicKey.x963Representation), Array(try key.signature(for: message).rawRepresentation), message,
                        Array(P521.Signing.PrivateKey().publicKey.x963Representation))
            }
        }
    }

    @Test(arguments: ECDSAPublicKey.Curve.allCases)
    func ecdsaSignaturesVerifyWithTheCurvesHashAndAlteredOnesDoNot(_ curve: ECDSAPublicKey.Curve) throws {
        for sample in try Self.ecdsaSamples(curve) {
            let key = try ECDSAPublicKey(curve: curve, x963Representation: sample.point)
            #expect(key.isValidSignature(rawRepresentation: sample.signature, for: sample.message))

            var alteredR = sample.signature
            alteredR[curve.coordinateByteCount - 1] ^= 0x01
            #expect(!key.isValidSignature(rawRepresentation: alteredR, for: sample.message))
            var alteredS = sample.signature
            alteredS[2 * curve.coordinateByteCount - 1] ^= 0x01
            #expect(!key.isValidSignature(rawRepresentation: alteredS, for: sample.message))
            #expect(!key.isValidSignature(rawRepresentation: sample.signature, for: sample.message + [0]))
            #expect(!key.isValidSignature(rawRepresentation: Array(sample.signature.dropLast()), for: sample.message))
            let zero = [UInt8](repeating: 0, count: 2 * curve.coordinateByteCount)
            #expect(!key.isValidSignature(rawRepresentation: zero, for: sample.message))
            let other = try ECDSAPublicKey(curve: curve, x963Representation: sample.other)
            #expect(!other.isValidSignature(rawRepresentation: sample.signature, for: sample.message))
        }
    }

    @Test(arguments: ECDSAPublicKey.Curve.allCases)
    func anECDSAKeyMustBeAnUncompressedPointOnItsCurve(_ curve: ECDSAPublicKey.Curve) throws {
        let point = try #require(try Self.ecdsaSamples(curve).first).point
        var offCurve = point
        offCurve[offCurve.count - 1] ^= 0x01
        #expect(throws: PublicKeyError.self) { try ECDSAPublicKey(curve: curve, x963Representation: offCurve) }
        var compressedPrefix = point
        compressedPrefix[0] = 0x02
        #expect(throws: PublicKeyError.self) { try ECDSAPublicKey(curve: curve, x963Representation: compressedPrefix) }
        #expect(throws: PublicKeyError.self) { try ECDSAPublicKey(curve: curve, x963Representation: Array(point.dropLast())) }
        let otherCurve: ECDSAPublicKey.Curve = curve == .p256 ? .p384 : .p256
        #expect(throws: PublicKeyError.self) { try ECDSAPublicKey(curve: otherCurve, x963Representation: point) }
    }
}

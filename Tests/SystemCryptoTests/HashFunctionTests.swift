import Crypto
import Foundation
import SystemCrypto
import Testing

/// swift-crypto has a `HashFunction` of its own.
typealias LibHash = SystemCrypto.HashFunction

/// The system libcrypto's hashes and HMACs against published vectors, and against swift-crypto on random input.
struct HashFunctionTests {
    static func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// FIPS 180-4's "abc" examples.
    @Test(arguments: [
        (LibHash.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (.sha384, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
        (.sha512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
    ])
    func hashesTheStandardsExample(_ function: LibHash, _ expected: String) {
        #expect(Self.hex(function.hash(Data("abc".utf8))) == expected)
        #expect(function.hash(Data("abc".utf8)).count == function.byteCount)
    }

    /// RFC 4231 test case 2 (HMAC-SHA256) and RFC 2202 test case 2 (HMAC-SHA1).
    @Test(arguments: [
        (LibHash.sha256, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (.sha1, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
    ])
    func authenticatesTheRFCExample(_ function: LibHash, _ expected: String) {
        let code = function.authenticationCode(for: Data("what do ya want for nothing?".utf8), key: Data("Jefe".utf8))
        #expect(Self.hex(code) == expected)
    }

    @Test func agreesWithSwiftCryptoOnRandomInputIncludingEmptyOnes() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 55, 56, 63, 64, 65, 127, 128, 129, 1000, 100_000] {
            let message = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let key = (0..<(length % 150)).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            #expect(LibHash.sha1.hash(message) == Array(Insecure.SHA1.hash(data: message)))
            #expect(LibHash.sha256.hash(message) == Array(SHA256.hash(data: message)))
            #expect(LibHash.sha384.hash(message) == Array(SHA384.hash(data: message)))
            #expect(LibHash.sha512.hash(message) == Array(SHA512.hash(data: message)))
            let symmetric = SymmetricKey(data: key)
            #expect(LibHash.sha256.authenticationCode(for: message, key: key) == Array(HMAC<SHA256>.authenticationCode(for: message, using: symmetric)))
            #expect(LibHash.sha1.authenticationCode(for: message, key: key) == Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: symmetric)))
        }
    }

    /// A `DataProtocol` of several regions hashes as its bytes in order.
    @Test func hashesEveryRegionOfDiscontiguousData() {
        var data = DispatchData.empty
        let parts = [Array("the first region, ".utf8), Array("then a second".utf8), Array(", and a third".utf8)]
        for part in parts {
            part.withUnsafeBytes { data.append($0) }
        }
        #expect(data.regions.count == 3)
        #expect(LibHash.sha256.hash(data) == Array(SHA256.hash(data: parts.flatMap { $0 })))
    }

    @Test func checksAnAuthenticationCodeWhole() {
        let key = Array("secret".utf8)
        let message = Array("the body".utf8)
        let code = LibHash.sha256.authenticationCode(for: message, key: key)
        #expect(LibHash.sha256.isValidAuthenticationCode(code, for: message, key: key))
        var altered = code
        altered[31] ^= 1
        #expect(!LibHash.sha256.isValidAuthenticationCode(altered, for: message, key: key))
        #expect(!LibHash.sha256.isValidAuthenticationCode(code.prefix(16), for: message, key: key))
        #expect(!LibHash.sha256.isValidAuthenticationCode([UInt8](), for: message, key: key))
        #expect(!LibHash.sha256.isValidAuthenticationCode(code, for: message + [0], key: key))
        #expect(!LibHash.sha256.isValidAuthenticationCode(code, for: message, key: Array("secreT".utf8)))
    }
}

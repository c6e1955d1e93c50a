import Foundation
import SystemCrypto
import Testing

/// Bytes as lowercase hexadecimal, as digests and signatures are shown and compared (webhook signatures, the
/// pacing file's name, version fingerprints kept in the details cache: the text must never change).
struct HexTests {
    @Test(arguments: [
        ([], ""),
        ([0x00], "00"),
        ([0x0F, 0xA0, 0xFF], "0fa0ff"),
        ([0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF], "0123456789abcdef"),
    ] as [([UInt8], String)])
    func writesTwoLowercaseDigitsAByte(_ bytes: [UInt8], _ expected: String) {
        #expect(Hex.lowercase(bytes) == expected)
        #expect(Hex.lowercase(bytes[...]) == expected, "any sequence of bytes")
    }

    @Test func isWhatPrintfWritesForEveryByte() {
        let every = (0...255).map(UInt8.init)
        #expect(Hex.lowercase(every) == every.map { String(format: "%02x", $0) }.joined())
        let random = (0..<257).map { _ in UInt8.random(in: 0...255) }
        #expect(Hex.lowercase(random) == random.map { String(format: "%02x", $0) }.joined())
    }
}

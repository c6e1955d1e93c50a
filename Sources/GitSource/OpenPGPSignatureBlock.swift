import Foundation

/// The shape of an armoured OpenPGP signature, checked before gpg sees it.
///
/// gpg verifies whatever packets it is given, one after the other, with no limit: a commit header holding one
/// compressed packet of 100,000 copies of a signature (55 KB, made with any key) kept it busy for 150 s of CPU,
/// and the time grows faster than the count. A commit's detached signature is a few signature packets and
/// nothing else, so anything else is refused here: more than ``maxArmoredSize`` bytes, any packet but a
/// signature (compressed data, literal data, keys), lengths gpg would have to guess, more than
/// ``maxSignatures`` signatures. gpg still decides whether they are good.
enum OpenPGPSignatureBlock {
    /// The longest armour read (an RSA-4096 signature is under 1 KiB armoured), as for SSH signatures.
    static let maxArmoredSize = 16 * 1024
    /// The most signature packets in one block.
    static let maxSignatures = 4

    /// Why `armored` is not a detached signature of one to ``maxSignatures`` signature packets; `nil` when it is.
    static func problem(_ armored: Data) -> String? {
        guard armored.count <= maxArmoredSize else {
            return "\(armored.count) bytes, over the \(maxArmoredSize)-byte limit"
        }
        guard let text = String(data: armored, encoding: .utf8) else { return "the armour is not text" }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard let blank = lines.firstIndex(where: \.isEmpty) else { return "the armour has no blank line before its data" }
        var base64 = ""
        var index = blank + 1
        while index < lines.count, !lines[index].hasPrefix("="), !lines[index].hasPrefix("-----") {
            base64 += lines[index]
            index += 1
        }
        if index < lines.count, lines[index].hasPrefix("=") { index += 1 }
        guard index < lines.count, lines[index].hasPrefix("-----END PGP ") else { return "the armour does not end with its END line" }
        // gpg reads every armoured block it is given, one after the other: only the first would have been checked.
        guard lines[(index + 1)...].allSatisfy({ $0.allSatisfy(\.isWhitespace) }) else {
            return "more than one armoured block, or text after the END line"
        }
        guard let packets = Data(base64Encoded: base64) else { return "the armour's data is not Base64" }
        return problem(packets: [UInt8](packets))
    }

    /// Why `bytes` are not one to ``maxSignatures`` signature packets (RFC 4880, section 4.2); `nil` when they are.
    static func problem(packets bytes: [UInt8]) -> String? {
        var offset = 0
        var count = 0
        /// The big-endian number in the `width` bytes at `at`, if they are there.
        func number(at: Int, width: Int) -> Int? {
            guard at + width <= bytes.count else { return nil }
            return bytes[at..<(at + width)].reduce(0) { $0 << 8 | Int($1) }
        }
        while offset < bytes.count {
            let header = bytes[offset]
            guard header & 0x80 != 0 else { return "not OpenPGP packets" }
            let tag: UInt8
            let length: Int?
            let headerSize: Int
            if header & 0x40 != 0 {
                tag = header & 0x3F
                switch number(at: offset + 1, width: 1) {
                case let first? where first < 192:
                    (length, headerSize) = (first, 2)
                case let first? where first < 224:
                    (length, headerSize) = (number(at: offset + 2, width: 1).map { ((first - 192) << 8) + $0 + 192 }, 3)
                case 255?:
                    (length, headerSize) = (number(at: offset + 2, width: 4), 6)
                case nil:
                    return "a packet is cut short"
                default:
                    return "a packet of partial lengths, which no signature has"
                }
            } else {
                tag = (header >> 2) & 0x0F
                switch header & 0x03 {
                case 0: (length, headerSize) = (number(at: offset + 1, width: 1), 2)
                case 1: (length, headerSize) = (number(at: offset + 1, width: 2), 3)
                case 2: (length, headerSize) = (number(at: offset + 1, width: 4), 5)
                default: return "a packet of indeterminate length, which no signature has"
                }
            }
            guard tag == 2 else {
                return "packet \(count + 1) is \(name(tag)) (tag \(tag)), not a signature: a commit's signature holds signature packets only"
            }
            guard let length, length <= bytes.count - offset - headerSize else { return "a packet is cut short" }
            offset += headerSize + length
            count += 1
            guard count <= maxSignatures else { return "more than \(maxSignatures) signatures" }
        }
        return count == 0 ? "no signature in it" : nil
    }

    private static func name(_ tag: UInt8) -> String {
        switch tag {
        case 1: "an encrypted session key"
        case 4: "a one-pass signature"
        case 5, 7: "a secret key"
        case 6, 14: "a public key"
        case 8: "compressed data"
        case 9, 18: "encrypted data"
        case 11: "literal data"
        case 13: "a user id"
        default: "another kind of packet"
        }
    }
}

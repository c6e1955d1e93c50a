import Foundation

/// Reads the SSH wire format (RFC 4251 §5: `uint32`, `string`, `mpint`) from untrusted bytes. Every length
/// is checked against the bytes that remain before anything is sliced, so a hostile length (up to 4 GiB)
/// costs nothing: nothing is ever allocated from a length the input claims.
struct SSHWireReader {
    /// Why the bytes are not valid SSH wire format.
    struct Malformed: Error, Equatable, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    init(_ data: Data) {
        self.bytes = Array(data)
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { remaining == 0 }

    mutating func readBytes(_ count: Int, _ field: String) throws(Malformed) -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw Malformed("\(field): needs \(count) bytes, \(remaining) left")
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func readUInt32(_ field: String) throws(Malformed) -> UInt32 {
        let raw = try readBytes(4, field)
        return raw.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// A `string`: a 32-bit length, then that many bytes.
    mutating func readString(_ field: String) throws(Malformed) -> [UInt8] {
        let length = try readUInt32(field + " length")
        guard Int(length) <= remaining else {
            throw Malformed("\(field): claims \(length) bytes, \(remaining) left")
        }
        return try readBytes(Int(length), field)
    }

    /// A `string` holding text (names, namespaces): ASCII without NUL, as OpenSSH's `get_cstring` requires.
    mutating func readText(_ field: String, maxLength: Int = 256) throws(Malformed) -> String {
        let raw = try readString(field)
        guard raw.count <= maxLength else { throw Malformed("\(field): \(raw.count) bytes, over \(maxLength)") }
        guard raw.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw Malformed("\(field): not printable ASCII")
        }
        return String(decoding: raw, as: UTF8.self)
    }

    /// An `mpint` known to be non-negative, as its big-endian magnitude without leading zeros. Negative
    /// values and non-minimal encodings (a leading zero byte the sign does not need) are refused, as
    /// OpenSSH refuses them.
    mutating func readPositiveMPInt(_ field: String, maxBytes: Int) throws(Malformed) -> [UInt8] {
        let raw = try readString(field)
        guard let first = raw.first else { return [] }
        guard first & 0x80 == 0 else { throw Malformed("\(field): negative") }
        var magnitude = raw[...]
        if first == 0 {
            guard raw.count > 1, raw[1] & 0x80 != 0 else { throw Malformed("\(field): leading zero byte") }
            magnitude = raw.dropFirst()
        }
        guard magnitude.count <= maxBytes else { throw Malformed("\(field): \(magnitude.count) bytes, over \(maxBytes)") }
        return Array(magnitude)
    }

    /// Refuses bytes left over after the last field.
    func expectEnd(_ what: String) throws(Malformed) {
        guard isAtEnd else { throw Malformed("\(what): \(remaining) unexpected trailing bytes") }
    }
}

/// Writes the SSH wire format; only for data WriftSync builds itself (the bytes an SSHSIG signs).
struct SSHWireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func write(raw: some Sequence<UInt8>) {
        bytes.append(contentsOf: raw)
    }

    mutating func write(uint32 value: UInt32) {
        bytes.append(contentsOf: [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
    }

    mutating func write(string: some Collection<UInt8>) {
        write(uint32: UInt32(string.count))
        bytes.append(contentsOf: string)
    }

    mutating func write(text: String) {
        write(string: Array(text.utf8))
    }
}

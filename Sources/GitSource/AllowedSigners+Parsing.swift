import Foundation

extension AllowedSigners {
    /// The largest file read: a signer takes about 100 bytes, so this is room for thousands.
    public static let maxFileSize = 1 << 20
    /// Problems listed before the rest are only counted.
    static let maxProblemsListed = 50

    /// Reads and checks the file at `path` (`--trusted-signers`). Every problem is reported as
    /// `path:line: message`; a file without any signer line is refused too.
    public init(contentsOf path: String, timeZone: TimeZone = .current) throws(SignaturePolicyError) {
        let data = try SignaturePolicyError.readFile(path, flag: "--trusted-signers", limit: Self.maxFileSize)
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalidAllowedSigners(path: path, problems: [.init(line: 0, message: "is not UTF-8 text")])
        }
        try self.init(path: path, text: text, timeZone: timeZone)
    }

    /// Parses the text of an allowed_signers file; `path` only names it in messages. Times without a `Z`
    /// are read in `timeZone`, as ssh-keygen reads them in the system's.
    init(path: String, text: String, timeZone: TimeZone = .current) throws(SignaturePolicyError) {
        var entries: [Entry] = []
        var problems: [SignaturePolicyError.LineProblem] = []
        // Split on bytes: as Characters, "\r\n" is one and would not split on "\n".
        for (index, rawLine) in Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine
            do {
                if let entry = try Self.parse(line: Array(line), number: index + 1, timeZone: timeZone) {
                    entries.append(entry)
                }
            } catch {
                problems.append(.init(line: index + 1, message: error.message))
            }
        }
        if problems.isEmpty && entries.isEmpty {
            problems.append(.init(line: 0, message: "holds no signer (only blank lines and comments); add a line `principals keytype key`, e.g. from a signer's ~/.ssh/id_ed25519.pub"))
        }
        guard problems.isEmpty else { throw .invalidAllowedSigners(path: path, problems: problems) }
        self.init(path: path, entries: entries)
    }

    /// Why one line is refused.
    struct LineError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// Key type names OpenSSH knows that WriftSync does not verify: named so the error can say so instead
    /// of calling them unknown options.
    private static let unsupportedKeyTypes: Set<String> = [
        "ssh-rsa", "ssh-dss", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ]

    private static func isKeyTypeName(_ token: String) -> Bool {
        SSHPublicKey.Algorithm(rawValue: token) != nil || unsupportedKeyTypes.contains(token) || token.hasSuffix("-cert-v01@openssh.com")
    }

    /// One line: nil for a blank line or a comment.
    static func parse(line bytes: [UInt8], number: Int, timeZone: TimeZone) throws(LineError) -> Entry? {
        var scanner = Scanner(bytes)
        scanner.skipSpace()
        guard let first = scanner.peek, first != UInt8(ascii: "#") else { return nil }

        let principals: String
        if first == UInt8(ascii: "\"") {
            scanner.advance()
            guard let closing = scanner.upTo(UInt8(ascii: "\"")) else { throw LineError("the principals' opening quote is never closed") }
            principals = closing
            scanner.advance()
            guard scanner.atSpaceOrEnd else { throw LineError("a space must follow the quoted principals") }
        } else {
            principals = scanner.token()
        }
        guard !principals.isEmpty, !principals.split(separator: ",").isEmpty else { throw LineError("no principals before the key") }
        scanner.skipSpace()

        var options = Options()
        var token = scanner.optionsToken()
        guard let firstToken = token else { throw LineError("no key after the principals") }
        if !isKeyTypeName(firstToken) {
            guard firstToken.contains("=") || firstToken.contains(",") || Options.isKnown(firstToken) else {
                throw LineError("'\(Self.shown(firstToken))' is neither a key type (ssh-ed25519, ecdsa-sha2-nistp256, …) nor an option (namespaces, valid-after, valid-before)")
            }
            options = try Options.parse(firstToken, timeZone: timeZone)
            scanner.skipSpace()
            token = scanner.optionsToken()
        }
        guard let type = token, !type.isEmpty else { throw LineError("no key type after the options") }
        scanner.skipSpace()
        let encoded = scanner.token()
        guard !encoded.isEmpty else { throw LineError("no Base64 key after the key type \(Self.shown(type))") }
        // What follows is the key's comment: anything goes.
        guard let blob = Data(base64Encoded: encoded) else { throw LineError("the key after \(Self.shown(type)) is not valid Base64") }
        let key: SSHPublicKey
        do {
            key = try SSHPublicKey(blob: Array(blob))
        } catch {
            switch error {
            case let .unsupported(keyType):
                throw LineError("key type \(Self.shown(keyType)) is not supported; WriftSync verifies ed25519 and ECDSA (nistp256, nistp384, nistp521) signing keys")
            case let .malformed(reason):
                throw LineError("invalid \(Self.shown(type)) key: \(reason)")
            }
        }
        guard key.algorithm.rawValue == type else {
            throw LineError("the line says \(Self.shown(type)) but the key is \(key.algorithm.rawValue)")
        }
        return Entry(line: number, principals: principals, namespaces: options.namespaces,
                     validAfter: options.validAfter, validBefore: options.validBefore, key: key)
    }

    /// At most 60 characters of what the line held, control characters escaped.
    static func shown(_ text: String) -> String {
        let cut = text.count > 60 ? String(text.prefix(60)) + "…" : text
        return GitSourceError.escapingControlCharacters(cut)
    }

    /// The options field: comma-separated `name` or `name="value"`, names case-insensitive (as sshd reads
    /// authorized_keys options).
    struct Options {
        var namespaces: String?
        var validAfter: Date?
        var validBefore: Date?

        static let names = ["namespaces", "valid-after", "valid-before", "cert-authority"]

        static func isKnown(_ token: String) -> Bool {
            names.contains(token.lowercased())
        }

        static func parse(_ field: String, timeZone: TimeZone) throws(LineError) -> Options {
            var options = Options()
            for option in try split(field) {
                let name: String, rawValue: String?
                if let equals = option.firstIndex(of: "=") {
                    name = option[..<equals].lowercased()
                    rawValue = String(option[option.index(after: equals)...])
                } else {
                    name = option.lowercased()
                    rawValue = nil
                }
                switch name {
                case "cert-authority":
                    throw LineError("cert-authority is not supported: WriftSync trusts signing keys themselves, not SSH certificates; list each signer's public key instead of the CA's")
                case "namespaces", "valid-after", "valid-before":
                    guard let rawValue else { throw LineError("\(name) needs a value, as in \(name)=\"\(example(name))\"") }
                    let value = try unquote(rawValue, name: name)
                    switch name {
                    case "namespaces":
                        guard options.namespaces == nil else { throw LineError("more than one namespaces option") }
                        guard !value.isEmpty else { throw LineError("namespaces is empty; use namespaces=\"git\"") }
                        options.namespaces = value
                    case "valid-after":
                        guard options.validAfter == nil else { throw LineError("more than one valid-after option") }
                        guard let date = SignerTime.parse(value, timeZone: timeZone) else { throw LineError(SignerTime.invalid(name, value)) }
                        options.validAfter = date
                    default:
                        guard options.validBefore == nil else { throw LineError("more than one valid-before option") }
                        guard let date = SignerTime.parse(value, timeZone: timeZone) else { throw LineError(SignerTime.invalid(name, value)) }
                        options.validBefore = date
                    }
                case "":
                    throw LineError("an empty option (two commas, or a comma at the end)")
                default:
                    throw LineError("unknown option '\(shown(name))'; the options are namespaces, valid-after and valid-before")
                }
            }
            if let after = options.validAfter, let before = options.validBefore, before <= after {
                throw LineError("valid-before (\(SignerTime.format(before))) is not after valid-after (\(SignerTime.format(after)))")
            }
            return options
        }

        private static func example(_ name: String) -> String {
            name == "namespaces" ? "git" : "20250101"
        }

        /// Splits on commas outside double quotes.
        private static func split(_ field: String) throws(LineError) -> [String] {
            var parts: [String] = [], current = "", quoted = false, escaped = false
            for character in field {
                if escaped { current.append(character); escaped = false; continue }
                if quoted && character == "\\" { current.append(character); escaped = true; continue }
                if character == "\"" { quoted.toggle() }
                if character == "," && !quoted {
                    parts.append(current)
                    current = ""
                } else {
                    current.append(character)
                }
            }
            guard !quoted else { throw LineError("a quote in the options is never closed") }
            parts.append(current)
            return parts
        }

        /// `"value"` with `\"` standing for a quote; ssh requires the quotes.
        private static func unquote(_ raw: String, name: String) throws(LineError) -> String {
            guard raw.count >= 2, raw.first == "\"", raw.last == "\"" else {
                throw LineError("the value of \(name) must be in double quotes, as in \(name)=\"\(example(name))\"")
            }
            return String(raw.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
        }
    }

    /// Walks one line's bytes.
    struct Scanner {
        private let bytes: [UInt8]
        private var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
        var atSpaceOrEnd: Bool { peek.map(Self.isSpace) ?? true }

        static func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

        mutating func advance() { index += 1 }

        mutating func skipSpace() {
            while let byte = peek, Self.isSpace(byte) { index += 1 }
        }

        /// Up to the next space or tab.
        mutating func token() -> String {
            let start = index
            while let byte = peek, !Self.isSpace(byte) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// Up to (not including) `delimiter`, or nil when it never comes.
        mutating func upTo(_ delimiter: UInt8) -> String? {
            guard let end = bytes[index...].firstIndex(of: delimiter) else { return nil }
            defer { index = end }
            return String(decoding: bytes[index..<end], as: UTF8.self)
        }

        /// Up to the next space or tab outside double quotes (options may quote spaces); nil at the end.
        mutating func optionsToken() -> String? {
            guard peek != nil else { return nil }
            let start = index
            var quoted = false
            while let byte = peek {
                if byte == UInt8(ascii: "\\"), quoted, index + 1 < bytes.count { index += 2; continue }
                if byte == UInt8(ascii: "\"") { quoted.toggle() }
                if Self.isSpace(byte) && !quoted { break }
                index += 1
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }
}

/// The times of `valid-after` and `valid-before`: `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, in the
/// given time zone unless followed by `Z` (or `UTC`), as ssh-keygen reads them.
enum SignerTime {
    static func parse(_ text: String, timeZone: TimeZone) -> Date? {
        var digits = Substring(text)
        var zone = timeZone
        if digits.count > 1, digits.last == "Z" || digits.last == "z" {
            digits = digits.dropLast()
            zone = TimeZone(identifier: "UTC")!
        } else if digits.count > 3, digits.suffix(3).uppercased() == "UTC" {
            digits = digits.dropLast(3)
            zone = TimeZone(identifier: "UTC")!
        }
        guard [8, 12, 14].contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let numbers = Array(digits.utf8).map { Int($0 - UInt8(ascii: "0")) }
        func number(_ range: Range<Int>) -> Int { numbers[range].reduce(0) { $0 * 10 + $1 } }
        var components = DateComponents()
        components.year = number(0..<4)
        components.month = number(4..<6)
        components.day = number(6..<8)
        components.hour = digits.count >= 12 ? number(8..<10) : 0
        components.minute = digits.count >= 12 ? number(10..<12) : 0
        components.second = digits.count == 14 ? number(12..<14) : 0
        guard (1...12).contains(components.month!), (1...31).contains(components.day!), (0...23).contains(components.hour!),
              (0...59).contains(components.minute!), (0...60).contains(components.second!) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let date = calendar.date(from: components) else { return nil }
        // The calendar rolls 20250230 over to March; ssh would too, but a typo should not pass unseen.
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        guard back.year == components.year, back.month == components.month, back.day == components.day else { return nil }
        return date
    }

    static func invalid(_ name: String, _ value: String) -> String {
        "\(name)=\"\(AllowedSigners.shown(value))\" is not a time; use YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, with a Z for UTC (e.g. 20250101 or 20250101120000Z)"
    }

    /// ISO 8601 in UTC, for messages.
    static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}

import Foundation
import Testing
@testable import GitSource
import WriftSyncTesting

/// The allowed_signers parser (every problem as `file:line: message`) and what a file says about a
/// signature: principals, namespaces and validity windows, as ssh-keygen -Y verify has them.
@Suite struct AllowedSignersTests {
    static let key = SSHTestKeys.ed25519Line
    static let p256 = SSHTestKeys.line(SSHTestKeys.blob(SSHTestKeys.p256.publicKey))
    static let utc = TimeZone(identifier: "UTC")!

    func parse(_ lines: [String], timeZone: TimeZone = utc) throws(SignaturePolicyError) -> AllowedSigners {
        try AllowedSigners(path: "signers", text: lines.joined(separator: "\n"), timeZone: timeZone)
    }

    func problems(_ lines: [String]) -> String? {
        do {
            _ = try parse(lines)
            return nil
        } catch {
            return error.description
        }
    }

    static func date(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    @Test func readsTheLinesGitAndSSHKeygenAccept() throws {
        let signers = try parse([
            "# deploy keys",
            "",
            "deploy@acme.example \(Self.key) deploy key, 2025",
            "   \t",
            "\"ops@acme.example,*@ci.acme.example\" \(Self.p256)",
            "alice@acme.example namespaces=\"git\",valid-after=\"20240101\",VALID-BEFORE=\"20250101120000Z\" \(Self.key)\r",
            "\tbob@acme.example\tNamespaces=\"git,file\"\t\(Self.key)",
        ])
        #expect(signers.count == 4)
        let entries = signers.entries
        #expect(entries.map(\.line) == [3, 5, 6, 7])
        #expect(entries.map(\.principals) == ["deploy@acme.example", "ops@acme.example,*@ci.acme.example", "alice@acme.example", "bob@acme.example"])
        #expect(entries.map(\.key.algorithm) == [.ed25519, .ecdsaP256, .ed25519, .ed25519])
        #expect(entries[2].namespaces == "git")
        #expect(entries[2].validAfter == Self.date("2024-01-01T00:00:00Z"))
        #expect(entries[2].validBefore == Self.date("2025-01-01T12:00:00Z"))
        #expect(entries[3].namespaces == "git,file")
        #expect(entries[0].namespaces == nil && entries[0].validAfter == nil && entries[0].validBefore == nil)
    }

    /// One bad line each: the message the file's line must produce.
    static let invalidLines: [(String, String)] = [
        ("*@acme.example cert-authority \(key)", "signers:1: cert-authority is not supported: WriftSync trusts signing keys themselves, not SSH certificates; list each signer's public key instead of the CA's"),
        ("a@acme.example \(SSHTestKeys.line(SSHTestKeys.rsaBlob))", "signers:1: key type ssh-rsa is not supported; WriftSync verifies ed25519 and ECDSA (nistp256, nistp384, nistp521) signing keys"),
        ("a@acme.example foo=\"bar\" \(key)", "signers:1: unknown option 'foo'; the options are namespaces, valid-after and valid-before"),
        ("a@acme.example namespaces=git \(key)", "signers:1: the value of namespaces must be in double quotes, as in namespaces=\"git\""),
        ("a@acme.example valid-after=\"2024-01-01\" \(key)", "signers:1: valid-after=\"2024-01-01\" is not a time; use YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, with a Z for UTC (e.g. 20250101 or 20250101120000Z)"),
        ("a@acme.example valid-before=\"20250230\" \(key)", "signers:1: valid-before=\"20250230\" is not a time"),
        ("a@acme.example valid-after=\"20250101\",valid-before=\"20240101\" \(key)", "signers:1: valid-before (2024-01-01T00:00:00Z) is not after valid-after (2025-01-01T00:00:00Z)"),
        ("a@acme.example namespaces=\"git\",namespaces=\"file\" \(key)", "signers:1: more than one namespaces option"),
        ("a@acme.example valid-before \(key)", "signers:1: valid-before needs a value, as in valid-before=\"20250101\""),
        ("a@acme.example namespaces=\"git\",,valid-after=\"20240101\" \(key)", "signers:1: an empty option (two commas, or a comma at the end)"),
        ("a@acme.example namespaces=\"git \(key)", "signers:1: a quote in the options is never closed"),
        ("\"a@acme.example \(key)", "signers:1: the principals' opening quote is never closed"),
        ("a@acme.example ssh-ed25519 !!!notbase64", "signers:1: the key after ssh-ed25519 is not valid Base64"),
        ("a@acme.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==", "signers:1: invalid ssh-ed25519 key: ed25519 key: claims 32 bytes, 0 left"),
        ("a@acme.example ecdsa-sha2-nistp256 \(key.split(separator: " ")[1])", "signers:1: the line says ecdsa-sha2-nistp256 but the key is ssh-ed25519"),
        ("a@acme.example", "signers:1: no key after the principals"),
        ("a@acme.example ssh-ed25519", "signers:1: no Base64 key after the key type ssh-ed25519"),
        ("a@acme.example namespaces=\"git\"", "signers:1: no key type after the options"),
        ("a@acme.example ssh-foo AAAA", "signers:1: 'ssh-foo' is neither a key type (ssh-ed25519, ecdsa-sha2-nistp256, …) nor an option (namespaces, valid-after, valid-before)"),
        ("a@acme.example \u{1B}[31m \(key)", "signers:1: '\\u{1B}[31m' is neither a key type"),
    ]

    @Test(arguments: invalidLines)
    func refusesABadLineNamingIt(_ line: String, _ expected: String) {
        let message = problems([line])
        #expect(message?.hasPrefix(expected) == true, "\(message ?? "accepted")")
    }

    @Test func reportsEveryProblemWithItsLineNumber() {
        let message = problems([
            "# two bad lines among good ones",
            "deploy@acme.example \(Self.key)",
            "ops@acme.example cert-authority \(Self.key)",
            "",
            "ci@acme.example ssh-ed25519 ***",
        ])
        #expect(message == """
            signers:3: cert-authority is not supported: WriftSync trusts signing keys themselves, not SSH certificates; list each signer's public key instead of the CA's
            signers:5: the key after ssh-ed25519 is not valid Base64
            """)
    }

    @Test func aFileWithoutSignersIsRefused() {
        #expect(problems(["# nothing yet", "", "   "])?.hasPrefix("signers: holds no signer (only blank lines and comments)") == true)
    }

    @Test func theFileMustExistBeReadableAndNotEmpty() throws {
        let directory = try TemporaryDirectory("signers")
        let missing = directory.path + "/missing"
        #expect(throws: SignaturePolicyError.unreadable(flag: "--trusted-signers", path: missing, reason: "no such file")) { try AllowedSigners(contentsOf: missing) }
        #expect(throws: SignaturePolicyError.unreadable(flag: "--trusted-signers", path: directory.path, reason: "is a directory")) { try AllowedSigners(contentsOf: directory.path) }
        let empty = try writeFile([""], in: directory, name: "empty")
        #expect(throws: SignaturePolicyError.empty(flag: "--trusted-signers", path: empty)) { try AllowedSigners(contentsOf: empty) }
        let huge = directory.path + "/huge"
        try Data(repeating: UInt8(ascii: "#"), count: AllowedSigners.maxFileSize + 1).write(to: URL(fileURLWithPath: huge))
        #expect(throws: SignaturePolicyError.tooLarge(flag: "--trusted-signers", path: huge, size: AllowedSigners.maxFileSize + 1, limit: AllowedSigners.maxFileSize)) {
            try AllowedSigners(contentsOf: huge)
        }
        #expect(SignaturePolicyError.empty(flag: "--trusted-signers", path: empty).description == "--trusted-signers \(empty): the file is empty; it must list the keys trusted to sign commits")
    }

    /// valid-after and valid-before: (text, zone, the UTC instant it means; nil when refused).
    static let times: [(String, String, String?)] = [
        ("20240101", "UTC", "2024-01-01T00:00:00Z"),
        ("202401011230", "UTC", "2024-01-01T12:30:00Z"),
        ("20240101123045Z", "Europe/Paris", "2024-01-01T12:30:45Z"),
        ("20240101z", "Europe/Paris", "2024-01-01T00:00:00Z"),
        ("20240101UTC", "Europe/Paris", "2024-01-01T00:00:00Z"),
        ("20240101", "Europe/Paris", "2023-12-31T23:00:00Z"),
        ("20240701", "America/New_York", "2024-07-01T04:00:00Z"),
        ("20240229", "UTC", "2024-02-29T00:00:00Z"),
        ("20230229", "UTC", nil),
        ("2024010", "UTC", nil),
        ("2024010112", "UTC", nil),
        ("20241301", "UTC", nil),
        ("20240100", "UTC", nil),
        ("202401012460", "UTC", nil),
        ("2024-01-01", "UTC", nil),
        ("", "UTC", nil),
        ("Z", "UTC", nil),
        ("２０２４０１０１", "UTC", nil),
    ]

    @Test(arguments: times)
    func readsTimesAsSSHKeygenDoes(_ row: (String, String, String?)) {
        let (text, zone, expected) = row
        #expect(SignerTime.parse(text, timeZone: TimeZone(identifier: zone)!) == expected.map(Self.date), "\(text) in \(zone)")
    }

    /// What one file says about a signature: (email, namespace, commit time, expected verdict and line).
    static let evaluations: [(String, String, String, String)] = [
        ("deploy@acme.example", "git", "2024-06-01T00:00:00Z", "trusted 2"),
        ("runner-1@ci.acme.example", "git", "2024-06-01T00:00:00Z", "trusted 3"),
        ("bot@ci.acme.example", "git", "2024-06-01T00:00:00Z", "principalMismatch 2"),
        ("Deploy@acme.example", "git", "2024-06-01T00:00:00Z", "principalMismatch 2"),
        ("deploy@acme.example", "file", "2024-06-01T00:00:00Z", "namespaceNotAllowed 2"),
        ("old@acme.example", "git", "2023-12-31T23:59:59Z", "trusted 4"),
        ("old@acme.example", "git", "2024-01-01T00:00:00Z", "trusted 4"),
        ("old@acme.example", "git", "2024-01-01T00:00:01Z", "expired 4"),
        ("new@acme.example", "git", "2026-12-31T23:59:59Z", "notYetValid 5"),
        ("new@acme.example", "git", "2027-01-01T00:00:00Z", "trusted 5"),
        // Two lines for one principal: the second window covers what the first does not.
        ("rotated@acme.example", "git", "2024-06-01T00:00:00Z", "trusted 6"),
        ("rotated@acme.example", "git", "2025-06-01T00:00:00Z", "trusted 7"),
    ]

    @Test(arguments: evaluations)
    func evaluatesPrincipalsNamespacesAndWindows(_ row: (String, String, String, String)) throws {
        let (email, namespace, time, expected) = row
        let signers = try parse([
            "# one key, many lines",
            "deploy@acme.example namespaces=\"git\" \(Self.key)",
            "*@ci.acme.example,!bot@ci.acme.example \(Self.key)",
            "old@acme.example valid-before=\"20240101Z\" \(Self.key)",
            "new@acme.example valid-after=\"20270101Z\" \(Self.key)",
            "rotated@acme.example valid-before=\"20250101Z\" \(Self.key)",
            "rotated@acme.example valid-after=\"20250101Z\" \(Self.key)",
        ])
        let key = try SSHPublicKey(blob: SSHTestKeys.blob(SSHTestKeys.ed25519.publicKey))
        let verdict: String
        switch signers.evaluate(key: key, namespace: namespace, email: email, time: Self.date(time)) {
        case let .trusted(entry): verdict = "trusted \(entry.line)"
        case .unknownKey: verdict = "unknownKey"
        case let .principalMismatch(entry): verdict = "principalMismatch \(entry.line)"
        case let .namespaceNotAllowed(entry): verdict = "namespaceNotAllowed \(entry.line)"
        case let .notYetValid(entry): verdict = "notYetValid \(entry.line)"
        case let .expired(entry): verdict = "expired \(entry.line)"
        }
        #expect(verdict == expected, "\(email) \(namespace) \(time)")
        let stranger = try SSHPublicKey(blob: SSHTestKeys.blob(SSHTestKeys.otherEd25519.publicKey))
        if case .unknownKey = signers.evaluate(key: stranger, namespace: namespace, email: email, time: Self.date(time)) {} else {
            Issue.record("a key on no line must be unknown")
        }
    }

    /// ssh's pattern-lists: (list, name, matches).
    static let patterns: [(String, String, Bool)] = [
        ("a@x", "a@x", true),
        ("a@x", "A@x", false),
        ("*@x", "anyone@x", true),
        ("*@x", "a@y", false),
        ("?@x", "a@x", true),
        ("?@x", "ab@x", false),
        ("a@x,b@x", "b@x", true),
        ("*@x,!evil@x", "evil@x", false),
        ("!evil@x,*@x", "evil@x", false),
        ("!evil@x", "good@x", false),
        ("*", "", true),
        ("", "a@x", false),
        ("a*b*c", "aXbYbZc", true),
    ]

    @Test(arguments: patterns)
    func matchesPatternListsAsSSHDoes(_ row: (String, String, Bool)) {
        let (list, name, expected) = row
        #expect(SSHPattern.listMatches(list, name) == expected, "\(list) ~ \(name)")
    }
}

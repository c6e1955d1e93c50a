import Foundation
import Testing
@testable import WriftAI

/// Tokens are checked where they are read, named by where they came from and never shown (issue 20
/// point 9, issue 19 point 3).
@Suite("Access tokens")
struct TokenTests {
    static let secretPart = "Zq8tokenPART"

    @Test(
        "a token holding whitespace or a control character is refused, naming the variable and never the value",
        arguments: [
            ("\(secretPart)\nsecond-line", "a line break (LF) at character 13"),
            ("\(secretPart)\r\nmore", "a carriage return (CR) at character 13"),
            ("\(secretPart) tail", "a space at character 13"),
            ("\(secretPart)\ttab", "a tab at character 13"),
            ("\(secretPart)\u{7}bell", "U+0007 at character 13"),
            ("\(secretPart)\u{200B}zero-width", "U+200B at character 13"),
        ]
    )
    func refusedFromTheEnvironment(_ value: String, _ named: String) {
        #expect {
            try WriftAIClient.Configuration.fromEnvironment(["WRIFTAI_ACCESS_TOKEN": value])
        } throws: { error in
            let text = "\(error)" + String(reflecting: error)
            return text.contains("$WRIFTAI_ACCESS_TOKEN holds ") && text.contains(named) && !text.contains(Self.secretPart)
                && !text.contains("second-line") && !text.contains("tail")
        }
    }

    @Test("a token file may end with line breaks, a BOM and spaces around it, but not hold two lines")
    func tokenFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ name: String, _ content: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try content.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        for content in ["\(Self.secretPart)\n", "\(Self.secretPart)\r\n", "\u{FEFF}\(Self.secretPart)\n", "\n  \(Self.secretPart)  \n\n"] {
            let path = try write("good", content)
            #expect(try AccessToken(contentsOfFile: path).value == Self.secretPart)
        }
        let twoLines = try write("two-lines", "\(Self.secretPart)\nsecond\n")
        #expect {
            try AccessToken(contentsOfFile: twoLines)
        } throws: { error in
            "\(error)".contains("the token file \"\(twoLines)\" holds a line break (LF)") && !"\(error)".contains(Self.secretPart)
        }
        let bearer = try write("bearer", "Bearer \(Self.secretPart)\n")
        #expect {
            try AccessToken(contentsOfFile: bearer)
        } throws: { error in
            "\(error)".contains("starts with \"Bearer \": give the token alone") && !"\(error)".contains(Self.secretPart)
        }
        let empty = try write("empty", "\n\n")
        #expect {
            try AccessToken(contentsOfFile: empty)
        } throws: { error in
            "\(error)".contains("is empty")
        }
    }

    @Test("a token made without validation is still refused by the client, without showing it")
    func clientRefusesUnvalidatedTokens() {
        let configuration = WriftAIClient.Configuration(
            server: .init(baseURL: "http://127.0.0.1:9/v1"), token: AccessToken("\(Self.secretPart)\nx"))
        #expect {
            try WriftAIClient(configuration: configuration)
        } throws: { error in
            "\(error)".contains("the configured access token holds a line break") && !"\(error)".contains(Self.secretPart)
        }
    }

    @Test("without a token, requireToken names both ways to give one")
    func missingToken() throws {
        let configuration = try WriftAIClient.Configuration.fromEnvironment([:])
        #expect(configuration.token == nil)
        #expect {
            try configuration.requireToken()
        } throws: { error in
            "\(error)".contains("no WriftAI access token: set $WRIFTAI_ACCESS_TOKEN or pass --token-file FILE")
        }
        #expect(throws: Never.self) { try WriftAIClient.Configuration(token: AccessToken("abc-def")).requireToken() }
    }

    @Test("401 and 403 messages name both ways to give a token")
    func authorizationMessages() {
        let context = WriftAIError.Context(method: "GET", path: "/v1/models/alice/demo", status: 401, detail: "Invalid token")
        for error in [WriftAIError.unauthorized(context), .forbidden(context)] {
            #expect(error.description.contains("$WRIFTAI_ACCESS_TOKEN or --token-file FILE"))
        }
    }

    /// Foundation quotes a value it cannot decode in its message, which the diagnosis cuts at 200 characters:
    /// a token the server padded to straddle the cut was shown in part (its first dozen characters), since the
    /// redactor, running after the cut, no longer found it whole.
    @Test("a token straddling the cut of a decoding message is redacted before the cut")
    func tokenStraddlingTheCut() throws {
        let token = "alice-secret-token-4f2a9c81d7e6b305"
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        for padding in [120, 150, 170, 190] {
            let message = "Cannot initialize ModelVisibility from invalid String value \(String(repeating: "x", count: padding))\(token)"
            let error = DecodingError.dataCorrupted(.init(codingPath: [Key(stringValue: "visibility")], debugDescription: message))
            let reason = AnswerDiagnosis(body: [], error: error, redact: Redactor(token: AccessToken(token))).reason
            #expect(!reason.contains(String(token.prefix(8))), "padding \(padding): \(reason)")
        }
    }

    @Test(
        "the redactor removes the token raw, JSON-escaped and percent-encoded",
        arguments: [
            #"tok/en"with\slash+plus"#,
            "abc:def/ghi",
            "tøken-ünïcode",
        ]
    )
    func escapedForms(_ token: String) throws {
        let redact = Redactor(token: AccessToken(token))
        let json = String(decoding: try JSONEncoder().encode([token]), as: UTF8.self)
        var unreserved = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        unreserved.insert(charactersIn: "-._~")
        let percent = try #require(token.addingPercentEncoding(withAllowedCharacters: unreserved))
        let asciiJSON = Redactor.jsonEscaped(token)
        for text in [token, json, percent, percent.lowercased(), "cursor=\(percent)&x"] + asciiJSON {
            let cleaned = redact("echo: \(text) :end")
            #expect(cleaned.contains("<redacted>"), "\(text) → \(cleaned)")
            #expect(!cleaned.contains(token))
        }
    }
}

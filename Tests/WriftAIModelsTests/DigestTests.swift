import Foundation
import Testing
import WriftAIModels

@Suite("Digest and EscapedText")
struct DigestTests {
    static let hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

    static let canonicalCases: [(String, Bool)] = {
        let prefixed = "sha256:" + hex
        return [
            (prefixed, true),
            ("sha256:" + hex.uppercased(), false),
            (hex, false),
            (prefixed + " ", false),
            (" " + prefixed, false),
            (String(prefixed.dropLast()), false),
            (prefixed + "0", false),
            ("SHA256:" + hex, false),
            (String(prefixed.dropLast()) + "g", false),
            ("", false),
        ]
    }()

    @Test("answers of the API must be canonical already", arguments: canonicalCases)
    func validating(_ text: String, _ valid: Bool) {
        let digest = try? Digest(validating: text)
        #expect((digest != nil) == valid, "\(text)")
        if let digest { #expect(digest.value == text && digest.hex == Self.hex[...]) }
    }

    @Test("declarations may use uppercase, stored lowercase (as they always were); nothing else is forgiven")
    func normalizing() throws {
        #expect(try Digest(normalizing: "sha256:" + Self.hex.uppercased()).value == "sha256:" + Self.hex)
        #expect(try Digest(normalizing: "SHA256:" + Self.hex.uppercased()).value == "sha256:" + Self.hex)
        #expect(try Digest(normalizing: "sha256:" + Self.hex) == Digest(validating: "sha256:" + Self.hex))
        for text in [Self.hex, "sha256:" + Self.hex + " ", "sha256:xyz", "sha512:" + Self.hex] {
            #expect(throws: Digest.Invalid.self) { try Digest(normalizing: text) }
        }
    }

    @Test("an invalid digest's message shows the value escaped and cut, and the rule")
    func invalidMessage() {
        #expect {
            try Digest(validating: "sha256:\n" + String(repeating: "a", count: 200))
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix(#""sha256:\n"#) && text.contains("… (208 characters) is not a digest")
                && text.hasSuffix("it must match ^sha256:[a-f0-9]{64}$") && !text.contains("\n")
        }
    }

    /// JSON holding a `Digest` is WriftSync's own (a saved plan, a state file), which older builds may have
    /// written with a declaration's uppercase: it reads back normalised; anything else that is not a digest
    /// is refused. (API answers are wire strings, validated strictly by the client.)
    @Test("digests decode normalised from JSON, refuse what is not one, and encode as strings")
    func codable() throws {
        let good = try JSONDecoder().decode([Digest].self, from: Data("[\"sha256:\(Self.hex)\"]".utf8))
        #expect(good.first?.value == "sha256:" + Self.hex)
        #expect(String(decoding: try JSONEncoder().encode(good), as: UTF8.self) == "[\"sha256:\(Self.hex)\"]")
        let upper = try JSONDecoder().decode([Digest].self, from: Data("[\"sha256:\(Self.hex.uppercased())\"]".utf8))
        #expect(upper == good)
        for bad in ["sha256:\(Self.hex.dropLast())", "md5:\(Self.hex)", " sha256:\(Self.hex)", ""] {
            #expect(throws: DecodingError.self) {
                try JSONDecoder().decode([Digest].self, from: JSONEncoder().encode([bad]))
            }
        }
    }

    @Test(
        "untrusted text is shown on one line, escaped and cut",
        arguments: [
            ("plain", "plain", #""plain""#),
            ("a\nb\r\tc", #"a\nb\r\tc"#, #""a\nb\r\tc""#),
            ("quote\" back\\", "quote\" back\\", #""quote\" back\\""#),
            ("bell\u{7} rtl\u{202E} zw\u{200B}", #"bell\u{7} rtl\u{202e} zw\u{200b}"#, #""bell\u{7} rtl\u{202e} zw\u{200b}""#),
        ]
    )
    func escaping(_ text: String, _ escaped: String, _ quoted: String) {
        #expect(EscapedText.escaped(text) == escaped)
        #expect(EscapedText.quoted(text) == quoted)
    }

    @Test("a long value is cut with its length after the closing quote")
    func cutting() {
        let long = String(repeating: "x", count: 100)
        #expect(EscapedText.escaped(long, limit: 10) == "xxxxxxxxxx… (100 characters)")
        #expect(EscapedText.quoted(long, limit: 10) == "\"xxxxxxxxxx\"… (100 characters)")
    }
}

import WriftAIModels
import Testing
import WriftAI

@Suite("Identifiers")
struct IdentifierTests {
    @Test("owner/name parses into its parts")
    func modelID() throws {
        let id = try ModelID(parsing: "acme/sentiment-v2.1_x")
        #expect(id.owner == "acme")
        #expect(id.name == "sentiment-v2.1_x")
        #expect(id.description == "acme/sentiment-v2.1_x")
    }

    @Test(
        "invalid model identifiers are refused with the reason",
        arguments: [
            ("acme", "exactly one '/'"),
            ("acme/sentiment/x", "exactly one '/'"),
            ("/sentiment", "invalid owner"),
            ("acme/", "invalid name"),
            ("-acme/sentiment", "invalid owner"),
            ("acme/senti ment", "invalid name"),
            ("acme/" + String(repeating: "a", count: 101), "invalid name"),
        ]
    )
    func invalidModelID(_ text: String, _ reason: String) {
        #expect {
            try ModelID(parsing: text)
        } throws: { error in
            let error = error as? IdentifierError
            return error?.text == text && error?.description.contains(reason) == true
                && error?.description.contains("OWNER/NAME") == true
        }
    }

    @Test("owner/name:number parses into model and number")
    func versionID() throws {
        let id = try VersionID(parsing: "acme/sentiment:12")
        #expect(id.model == (try ModelID(parsing: "acme/sentiment")))
        #expect(id.number == 12)
        #expect(id.description == "acme/sentiment:12")
    }

    @Test(
        "invalid version identifiers are refused with the reason",
        arguments: [
            ("acme/sentiment", "missing ':NUMBER'"),
            ("acme/sentiment:", "is not a version number"),
            ("acme/sentiment:x1", "is not a version number"),
            ("acme/sentiment:-1", "is not a version number"),
            ("acme/sentiment:0", "1 or more"),
            ("acme:3", "exactly one '/'"),
        ]
    )
    func invalidVersionID(_ text: String, _ reason: String) {
        #expect {
            try VersionID(parsing: text)
        } throws: { error in
            let error = error as? IdentifierError
            return error?.text == text && error?.description.contains(reason) == true
                && error?.description.contains("OWNER/NAME:NUMBER") == true
        }
    }

    @Test("identifiers order by owner, name and number")
    func ordering() throws {
        let ids = try ["b/a:1", "a/b:10", "a/b:2"].map { try VersionID(parsing: $0) }
        #expect(ids.sorted().map(\.description) == ["a/b:2", "a/b:10", "b/a:1"])
    }
}

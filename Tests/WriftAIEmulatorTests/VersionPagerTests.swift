import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

@Suite("Cursors and pages")
struct VersionPagerTests {
    private static func versions(_ numbers: [Int]) -> [VersionRecord] {
        numbers.map { number in
            VersionRecord(
                number: number,
                releaseNotes: "",
                createdAt: "",
                containerImageDigest: digest(number),
                schemas: Schemas(prediction: PredictionSchemas(input: [:], output: [:])),
                compatibilities: Compatibilities(),
                size: 0,
                configuration: VersionConfiguration(hardwareIdentifier: "cpu", variableNames: [])
            )
        }
    }

    @Test(
        "cursors survive their opaque encoding",
        arguments: [
            VersionCursor(direction: .older, boundary: 0),
            VersionCursor(direction: .older, boundary: 17),
            VersionCursor(direction: .newer, boundary: 123_456_789),
        ]
    )
    func cursorRoundTrip(_ cursor: VersionCursor) {
        #expect(VersionCursor(encoded: cursor.encoded) == cursor)
        #expect(!cursor.encoded.contains("="))
    }

    @Test("strings the emulator did not issue are not cursors", arguments: ["", "garbage", "djE6eDox", "djE6bzotMQ", "%%%"])
    func invalidCursor(_ text: String) {
        #expect(VersionCursor(encoded: text) == nil)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var numbers: [Int]
        var cursor: VersionCursor?
        var items: [Int]
        var next: VersionCursor?
        var previous: VersionCursor?
        var testDescription: String { name }
    }

    @Test(
        "pages",
        arguments: [
            Case(name: "first page", numbers: Array(1...7), cursor: nil, items: [7, 6, 5],
                 next: .init(direction: .older, boundary: 5), previous: nil),
            Case(name: "middle page", numbers: Array(1...7), cursor: .init(direction: .older, boundary: 5),
                 items: [4, 3, 2], next: .init(direction: .older, boundary: 2), previous: .init(direction: .newer, boundary: 4)),
            Case(name: "last page", numbers: Array(1...7), cursor: .init(direction: .older, boundary: 2),
                 items: [1], next: nil, previous: .init(direction: .newer, boundary: 1)),
            Case(name: "back to the first page", numbers: Array(1...7), cursor: .init(direction: .newer, boundary: 4),
                 items: [7, 6, 5], next: .init(direction: .older, boundary: 5), previous: nil),
            Case(name: "back with gaps", numbers: [1, 2, 5, 9, 10, 11, 12], cursor: .init(direction: .newer, boundary: 2),
                 items: [10, 9, 5], next: .init(direction: .older, boundary: 5), previous: .init(direction: .newer, boundary: 10)),
            Case(name: "empty page past the end", numbers: [5, 6], cursor: .init(direction: .older, boundary: 5),
                 items: [], next: nil, previous: .init(direction: .newer, boundary: 4)),
            Case(name: "empty model", numbers: [], cursor: nil, items: [], next: nil, previous: nil),
        ]
    )
    func page(_ testCase: Case) {
        let page = VersionPager.page(of: Self.versions(testCase.numbers), cursor: testCase.cursor, pageSize: 3)
        #expect(page.items.map(\.number) == testCase.items)
        #expect(page.nextCursor == testCase.next)
        #expect(page.previousCursor == testCase.previous)
    }
}

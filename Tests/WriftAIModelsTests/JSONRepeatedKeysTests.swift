import Testing
import WriftAIModels

/// A key repeated within one object is found wherever it is, under any spelling of the same string; the same
/// key in different objects is not a repeat.
@Suite struct JSONRepeatedKeysTests {
    @Test(arguments: [
        (#"{"a":1,"a":2}"#, "a"),
        (#"{"a":1,"\u0061":2}"#, "a"),
        (#"{"items":[],"next_cursor":null,"previous_cursor":null,"next_cursor":"c2"}"#, "next_cursor"),
        (#"{"x":{"b":true,"c":[1,{"d":null,"d":"e"}]}}"#, "d"),
        (#"[{"a":1},{"a":2}]"#, nil),
        (#"{"a":{"a":{"a":1}}}"#, nil),
        (#"{"a":1,"b":2.5e3,"c":"\n","d":[true,false,null]}"#, nil),
        (#"{"a":1,"a":"#, "a"),
        (#"{"a":1,]"#, nil),
        // A number out of Double's range (which the decoder takes for a key it ignores) does not end the scan.
        (#"{"x":1e400,"next_cursor":null,"next_cursor":"c2"}"#, "next_cursor"),
        (#"{"x":-0.0e-400,"y":[1E+5,-7],"y":0}"#, "y"),
        ("", nil),
    ] as [(String, String?)])
    func repeatedKeys(_ json: String, _ repeated: String?) {
        #expect(JSONRepeatedKeys.first(in: Array(json.utf8)) == repeated)
    }

    /// Nesting past the depth looked into is not read (and cannot exhaust the stack); within it, a repeat is found
    /// at any depth.
    @Test func deepNestingIsNotFollowed() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(JSONRepeatedKeys.first(in: Array(deep.utf8)) == nil)
        let objects = String(repeating: #"{"a":"#, count: 511) + #"{"b":1,"b":2}"# + String(repeating: "}", count: 511)
        #expect(JSONRepeatedKeys.first(in: Array(objects.utf8)) == "b")
    }
}

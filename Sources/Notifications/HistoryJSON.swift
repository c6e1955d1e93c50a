import Foundation

/// `{"format_version":1,"records":[…]}`: what `wriftsync history --format json` prints and `GET /history`
/// serves, records oldest first.
public enum HistoryJSON {
    /// The document for `records`, pretty-printed with sorted keys, ending in a newline.
    public static func document(_ records: [HistoryRecord]) -> Data {
        struct Document: Encodable {
            let formatVersion = HistoryRecord.formatVersion
            let records: [HistoryRecord]
            enum CodingKeys: String, CodingKey {
                case formatVersion = "format_version"
                case records
            }
        }
        let encoder = EventJSON.encoder
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = (try? encoder.encode(Document(records: records))) ?? Data(#"{"format_version":1,"records":[]}"#.utf8)
        data.append(0x0A)
        return data
    }
}

import Foundation

/// One line of the printed table, and of `rows` in bench/results.json.
struct Row: Encodable {
    /// The issue's item (1–7).
    var item: Int
    var measurement: String
    /// WriftSync's figure.
    var value: String
    /// The lower bound or the reference it is compared with.
    var reference: String
    /// value ÷ reference (or the reverse where bigger is better), as printed.
    var ratio: String
    /// The target, when there is one ("= bound", "0", "≥ 0.9").
    var target: String
    /// Whether the target is met; nil where there is no target.
    var met: Bool?
}

/// Everything measured: the table rows and the raw figures.
final class Report {
    private(set) var rows: [Row] = []
    private(set) var figures: [String: Double] = [:]
    private(set) var notes: [String] = []

    func add(_ item: Int, _ measurement: String, value: String, reference: String = "", ratio: String = "", target: String = "", met: Bool? = nil) {
        let row = Row(item: item, measurement: measurement, value: value, reference: reference, ratio: ratio, target: target, met: met)
        rows.append(row)
        print("  [\(item)] \(measurement): \(value)\(reference.isEmpty ? "" : " vs \(reference)")\(ratio.isEmpty ? "" : " (\(ratio))")")
    }

    func record(_ key: String, _ value: Double) {
        figures[key] = value
    }

    func note(_ text: String) {
        notes.append(text)
    }

    /// The table as Markdown (what README's Performance section shows).
    func table() -> String {
        var lines = [
            "| # | measurement | WriftSync | bound / reference | ratio | target |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        // By item, in the order measured within an item.
        let ordered = rows.enumerated().sorted { ($0.element.item, $0.offset) < ($1.element.item, $1.offset) }.map(\.element)
        for row in ordered {
            let target = row.target.isEmpty ? "" : row.target + (row.met.map { $0 ? " ✓" : " ✗" } ?? "")
            lines.append("| \(row.item) | \(row.measurement) | \(row.value) | \(row.reference) | \(row.ratio) | \(target) |")
        }
        return lines.joined(separator: "\n")
    }

    struct Machine: Encodable {
        var cores: Int
        var memoryGiB: Double
        var date: String
        var swift: String
        var kernel: String
        enum CodingKeys: String, CodingKey {
            case cores
            case memoryGiB = "memory_gib"
            case date, swift, kernel
        }
    }

    private struct Document: Encodable {
        var formatVersion = 1
        var machine: Machine
        var measuredSeconds: Double
        var rows: [Row]
        var figures: [String: Double]
        var notes: [String]
        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version"
            case machine
            case measuredSeconds = "measured_seconds"
            case rows, figures, notes
        }
    }

    func write(to path: String, machine: Machine, measuredSeconds: Double) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Document(machine: machine, measuredSeconds: (measuredSeconds * 10).rounded() / 10, rows: rows, figures: figures, notes: notes))
        try (String(decoding: data, as: UTF8.self) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// Number formatting for the table.
enum Format {
    static func seconds(_ value: Double) -> String {
        if value < 1 { return "\(Int((value * 1000).rounded())) ms" }
        if value < 10 { return String(format: "%.2f s", value) }
        return String(format: "%.1f s", value)
    }

    static func count(_ value: Int) -> String {
        let digits = Array(String(value))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return result
    }

    static func ratio(_ value: Double) -> String {
        if value >= 100 { return String(format: "%.0f×", value) }
        if value >= 10 { return String(format: "%.1f×", value) }
        return String(format: "%.2f×", value)
    }

    static func mib(_ value: Double) -> String {
        String(format: "%.0f MiB", value)
    }

    static func rate(_ value: Double) -> String {
        String(format: "%.1f/s", value)
    }
}

/// Unbuffered lines on stdout, so progress shows as it happens also when make's output goes to a file.
func print(_ text: String = "") {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

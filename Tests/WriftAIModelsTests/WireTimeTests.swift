import Foundation
import Testing
import WriftAIModels

/// The hand-written readers and writer against Foundation's formatters, which are the reference.
@Suite("Wire times")
struct WireTimeTests {
    static func foundationHTTPDate(_ text: String) -> Double? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)?.timeIntervalSince1970
    }

    static func foundationHTTPDateString(_ time: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: Date(timeIntervalSince1970: time))
    }

    /// Times across leap years, century rules, month ends and both sides of 1970.
    static let times: [Double] = {
        var times: [Double] = [0, -1, 86_399, 86_400, 951_782_400, 951_868_799, 4_107_542_400, 1_796_046_182, -2_208_988_800, 253_402_300_799]
        // 2,000 spread over 1906–2223 by a step prime to the range: every second of the day and day of the year.
        for index in 0..<2_000 { times.append(Double((Int64(index) * 3_999_999_937) % 10_000_000_000) - 2_000_000_000) }
        return times
    }()

    @Test("an IMF-fixdate reads and is written as Foundation reads and writes it, for 2,010 times")
    func imfFixdateMatchesFoundation() {
        for time in Self.times {
            let text = Self.foundationHTTPDateString(time)
            #expect(WireTime.httpDate(text) == Self.foundationHTTPDate(text), "\(text)")
            #expect(WireTime.httpDate(text) == time, "\(text)")
            #expect(WireTime.httpDateString(time) == text, "written as Foundation writes it")
        }
    }

    @Test("ISO 8601 is written as ISO8601DateFormatter writes it and reads back, for 2,010 times")
    func iso8601MatchesFoundation() {
        let formatter = ISO8601DateFormatter()
        for time in Self.times + Self.times.map({ $0 + 0.75 }) {
            let written = WireTime.iso8601String(time)
            #expect(written == formatter.string(from: Date(timeIntervalSince1970: time)), "\(time)")
            #expect(WireTime.iso8601(written) == time.rounded(.down), "\(written)")
        }
    }

    @Test("times outside years 1583–9999 are written by Foundation, and nothing traps")
    func farTimes() {
        for time in [-40_000_000_000.0, 300_000_000_000, .infinity, -.infinity, .nan, 1e300] {
            _ = WireTime.httpDateString(time)
            _ = WireTime.iso8601String(time)
        }
        #expect(WireTime.httpDateString(-30_610_224_000) == Self.foundationHTTPDateString(-30_610_224_000))
        #expect(WireTime.httpDateString(-12_212_553_600) == Self.foundationHTTPDateString(-12_212_553_600))
        #expect(WireTime.httpDateString(253_402_300_799) == "Fri, 31 Dec 9999 23:59:59 GMT")
        // Read back the way Foundation reads them, Julian calendar before 1583 included.
        for time in [-30_610_224_000.0, -12_212_553_600, -12_212_553_601] {
            let written = Self.foundationHTTPDateString(time)
            #expect(WireTime.httpDate(written) == Self.foundationHTTPDate(written), "\(written)")
            let iso = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: time))
            #expect(WireTime.iso8601String(time) == iso)
            #expect(WireTime.iso8601(iso) == ISO8601DateFormatter().date(from: iso)?.timeIntervalSince1970, "\(iso)")
        }
    }

    static let iso8601Cases: [(String, Double?)] = [
        ("1994-11-06T08:49:37Z", 784_111_777),
        ("1994-11-06T08:49:37.250Z", 784_111_777.25),
        ("1994-11-06T08:49:37.123456Z", 784_111_777.123456),
        ("1994-11-06T09:49:37+01:00", 784_111_777),
        ("1994-11-06T07:19:37-01:30", 784_111_777),
        ("2000-02-29T00:00:00Z", 951_782_400),
        // Fields out of range are left to Foundation, which rolls them over, as before.
        ("2001-02-29T00:00:00Z", 983_404_800),
        ("1994-13-06T08:49:37Z", nil),
        ("1994-11-06T24:49:37Z", 784_169_377),
        ("1994-11-06T08:49:37", nil),
        ("1994-11-06T08:49:37.Z", nil),
        ("1994-11-06 08:49:37Z", nil),
        ("not a time", nil),
        ("", nil),
    ]

    @Test("ISO 8601 forms the API writes, and what is not one", arguments: iso8601Cases)
    func iso8601Forms(_ text: String, _ expected: Double?) {
        let parsed = WireTime.iso8601(text)
        if let expected, let parsed {
            #expect(abs(parsed - expected) < 1e-6, "\(text)")
        } else {
            #expect(parsed == expected, "\(text)")
        }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let reference = ISO8601DateFormatter().date(from: text) ?? fractional.date(from: text)
        #expect((reference == nil) == (parsed == nil), "Foundation and WireTime disagree on \(text)")
    }

    static let httpDateCases: [(String, Double?)] = [
        ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777),
        ("Sunday, 06-Nov-94 08:49:37 GMT", 784_111_777),
        ("Sun Nov  6 08:49:37 1994", 784_111_777),
        ("Sun, 06 Nov 1994 08:49:37 UTC", 784_111_777),
        ("Sun, 31 Nov 1994 08:49:37 GMT", nil),
        ("Sun, 06 Nov 1994 08:49 GMT", nil),
        ("tomorrow", nil),
    ]

    @Test("HTTP-dates: the preferred form by hand, the obsolete ones through Foundation", arguments: httpDateCases)
    func httpDateForms(_ text: String, _ expected: Double?) {
        #expect(WireTime.httpDate(text) == expected, "\(text)")
    }
}

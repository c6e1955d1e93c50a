import Foundation

/// Times as the API writes them: the `Date` header's HTTP-date and the ISO 8601 `created_at`.
///
/// Foundation's formatters build an ICU formatter each time one is made, and they are not safe to share
/// across tasks: made per answer, they were a sixth of an apply's CPU. The usual forms are read and written
/// here by hand; anything else goes to Foundation's formatters, which remain the reference (and the tests'
/// oracle).
public enum WireTime {
    /// The Unix time of an HTTP-date (RFC 9110 §5.6.7): the preferred IMF-fixdate
    /// (`Sun, 06 Nov 1994 08:49:37 GMT`) and the obsolete RFC 850 and asctime forms.
    public static func httpDate(_ text: String) -> Double? {
        if let fixed = imfFixdate(text) { return fixed }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        }
        return nil
    }

    /// The Unix time of an ISO 8601 date-time (`2026-11-30T13:39:32Z`, with or without fractional seconds,
    /// with `Z` or a `±hh:mm` offset); `nil` for anything else.
    public static func iso8601(_ text: String) -> Double? {
        if let parsed = internetDateTime(text) { return parsed }
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date.timeIntervalSince1970 }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)?.timeIntervalSince1970
    }

    /// Whether two `created_at` texts name the same instant, whatever the format or the fraction of a second
    /// each endpoint writes: equal texts, or ISO 8601 times less than a millisecond apart.
    public static func sameInstant(_ first: String, _ second: String) -> Bool {
        if first == second { return true }
        guard let a = iso8601(first), let b = iso8601(second) else { return false }
        return abs(a - b) < 0.001
    }

    /// One spelling for an ISO 8601 time whatever its precision or offset: UTC, to the nearest millisecond,
    /// three digits of fraction (`2026-11-30T13:39:32.120Z`); `nil` for a text that is not such a time.
    /// Times ``sameInstant(_:_:)`` calls the same have the same spelling unless they straddle the middle of a
    /// millisecond.
    public static func canonicalISO8601(_ text: String) -> String? {
        guard let time = iso8601(text), abs(time) < 1e13 else { return nil }
        let milliseconds = Int64((time * 1000).rounded())
        let (quotient, remainder) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let (seconds, fraction) = remainder < 0 ? (quotient - 1, remainder + 1000) : (quotient, remainder)
        let whole = iso8601String(Double(seconds))
        guard whole.hasSuffix("Z") else { return nil }
        let digits = String(fraction)
        return String(whole.dropLast()) + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// `time` as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form `Date` and `Retry-After` are
    /// written in; whole seconds.
    public static func httpDateString(_ time: Double) -> String {
        // Years 1583–9999 by hand (Gregorian, four digits; Foundation's calendar is Julian before 1582); anything
        // else, NaN and infinities included, through Foundation.
        guard time.isFinite, time >= -12_212_553_600, time < 253_402_300_800 else {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            return formatter.string(from: Date(timeIntervalSince1970: time.isFinite ? time : 0))
        }
        let seconds = Int64(time.rounded(.down))
        let (quotient, remainder) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (days, second) = remainder < 0 ? (quotient - 1, remainder + 86_400) : (quotient, remainder)
        let (year, month, day) = civil(fromDays: days)
        // 1970-01-01 was a Thursday.
        let weekday = Int(((days % 7) + 7 + 3) % 7)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let dayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(dayNames[weekday]), \(two(day)) \(monthNames[Int(month) - 1]) \(year) "
            + "\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60)) GMT"
    }

    /// `time` as `ISO8601DateFormatter` writes it by default: `2026-11-30T13:39:32Z`, whole seconds, UTC.
    public static func iso8601String(_ time: Double) -> String {
        guard time.isFinite, abs(time) < 1e13 else { return ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: time.isFinite ? time : 0)) }
        let seconds = Int64(time.rounded(.down))
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, second) = secondOfDay < 0 ? (days - 1, secondOfDay + 86_400) : (days, secondOfDay)
        let (year, month, dayOfMonth) = civil(fromDays: day)
        guard (1583...9999).contains(year) else { return ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: time)) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(year, 4); bytes.append(UInt8(ascii: "-"))
        digits(month, 2); bytes.append(UInt8(ascii: "-"))
        digits(dayOfMonth, 2); bytes.append(UInt8(ascii: "T"))
        digits(second / 3600, 2); bytes.append(UInt8(ascii: ":"))
        digits(second / 60 % 60, 2); bytes.append(UInt8(ascii: ":"))
        digits(second % 60, 2); bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - The usual forms, by hand

    private static let months: [[UInt8]] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].map { Array($0.utf8) }
    private static let weekdays: [[UInt8]] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map { Array($0.utf8) }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`, exactly (the weekday is not checked against the date, as
    /// Foundation's formatter does not either).
    static func imfFixdate(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count == 29, weekdays.contains(Array(bytes[0..<3])), bytes[3] == UInt8(ascii: ","), bytes[4] == UInt8(ascii: " "),
            bytes[7] == UInt8(ascii: " "), bytes[11] == UInt8(ascii: " "), bytes[16] == UInt8(ascii: " "),
            bytes[19] == UInt8(ascii: ":"), bytes[22] == UInt8(ascii: ":"), Array(bytes[25...]) == Array(" GMT".utf8),
            let monthIndex = months.firstIndex(of: Array(bytes[8..<11])),
            let day = number(bytes, 5, 2), let year = number(bytes, 12, 4),
            let hour = number(bytes, 17, 2), let minute = number(bytes, 20, 2), let second = number(bytes, 23, 2)
        else { return nil }
        return seconds(year: year, month: Int64(monthIndex + 1), day: day, hour: hour, minute: minute, second: second, fraction: 0, offset: 0)
    }

    /// `2026-11-30T13:39:32Z`, `2026-11-30T13:39:32.123456Z`, `2026-11-30T14:39:32+01:00`.
    static func internetDateTime(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2)
        else { return nil }
        var position = 19
        var fraction = 0.0
        if bytes[position] == UInt8(ascii: ".") {
            position += 1
            var scale = 0.1
            let start = position
            while position < bytes.count, let digit = digit(bytes[position]) {
                fraction += Double(digit) * scale
                scale /= 10
                position += 1
            }
            guard position > start else { return nil }
        }
        guard position < bytes.count else { return nil }
        let offset: Int64
        if bytes[position] == UInt8(ascii: "Z") {
            guard position + 1 == bytes.count else { return nil }
            offset = 0
        } else if bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
            guard position + 6 == bytes.count, bytes[position + 3] == UInt8(ascii: ":"),
                let hours = number(bytes, position + 1, 2), let minutes = number(bytes, position + 4, 2), hours < 24, minutes < 60
            else { return nil }
            offset = (bytes[position] == UInt8(ascii: "+") ? 1 : -1) * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        return seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second, fraction: fraction, offset: offset)
    }

    private static func digit(_ byte: UInt8) -> Int64? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int64(byte - UInt8(ascii: "0")) : nil
    }

    private static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int64? {
        var value: Int64 = 0
        for index in start..<(start + count) {
            guard let digit = digit(bytes[index]) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// Checks the fields as a calendar would and counts the seconds since 1970.
    private static func seconds(year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64, fraction: Double, offset: Int64) -> Double? {
        // Before 1583 Foundation's calendar is Julian: those are left to it.
        guard year >= 1583, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 60 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a count of days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    private static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

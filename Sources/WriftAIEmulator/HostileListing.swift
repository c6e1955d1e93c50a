import Foundation
import Hummingbird
import Synchronization
import WriftAIModels

/// The listing switches of ``EmulatorConfiguration/Hostile``: `GET …/versions` answers that a faithful API
/// never gives — spoiled digests, another model's items, a number left out once, a list lagging behind
/// writes, impossible numbers, an item repeated across pages, endless pages with fresh cursors, padding,
/// JSON nested too deep.
///
/// Answers are written as JSON text here, since some of them (a number of 2^63−1 or 1.5) cannot be
/// produced by encoding the API's types.
final class HostileListing: Sendable {
    /// The number of the first made-up version of an endless listing: JSON's largest exact integer.
    static let freshStart = 1 << 53
    private static let freshPrefix = "fresh."

    let configuration: EmulatorConfiguration
    private var hostile: EmulatorConfiguration.Hostile { configuration.hostile }
    /// How many listings have left out ``EmulatorConfiguration/Hostile/omitNumber``, per model.
    private let omissions = Mutex<[String: Int]>([:])

    init(configuration: EmulatorConfiguration) {
        self.configuration = configuration
    }

    /// The answer to listing `owner/name` (already authorized) with the raw `cursor` and `page_size`.
    /// `versions` reads a model's stored versions, ascending by number.
    func respond(
        owner: String,
        name: String,
        cursor rawCursor: String?,
        pageSize rawPageSize: String?,
        versions: (_ owner: String, _ name: String) async throws -> [VersionRecord]?
    ) async throws -> Response {
        let pageSize = min(max(rawPageSize.flatMap { Int($0) } ?? 25, 5), 50)
        if hostile.freshCursors {
            return try answer(freshPage(cursor: rawCursor, pageSize: pageSize))
        }
        let (cursor, _) = try RequestValidation.listQuery(cursor: rawCursor, pageSize: rawPageSize)
        let model = "\(owner)/\(name)"
        var source = (owner: owner, name: name)
        if let other = hostile.listOtherModel[model] {
            let parts = other.split(separator: "/", maxSplits: 1).map(String.init)
            if parts.count == 2 { source = (parts[0], parts[1]) }
        }
        guard var stored = try await versions(source.owner, source.name) else { throw APIError.modelNotFound }
        if hostile.listLagMilliseconds > 0 {
            let cutoff = configuration.clock.now().addingTimeInterval(-Double(hostile.listLagMilliseconds) / 1000)
            let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
            stored.removeAll { record in (try? Date(record.createdAt, strategy: format)).map { $0 > cutoff } ?? false }
        }
        let result = VersionPager.page(of: stored, cursor: cursor, pageSize: pageSize)
        var items = result.items
        if let omitted = hostile.omitNumber, items.contains(where: { $0.number == omitted }) {
            let omit = omissions.withLock { counts -> Bool in
                guard counts[model, default: 0] < hostile.omitTimes else { return false }
                counts[model, default: 0] += 1
                return true
            }
            if omit { items.removeAll { $0.number == omitted } }
        }
        if hostile.repeatItemAcrossPages, let cursor, cursor.direction == .older,
            let previousLast = stored.first(where: { $0.number == cursor.boundary })
        {
            // The boundary of an "older" cursor is the last item of the page before.
            items.insert(previousLast, at: 0)
        }
        var nextCursor = result.nextCursor?.encoded
        if configuration.faults.repeatCursor, let rawCursor, !rawCursor.isEmpty, nextCursor != nil {
            nextCursor = rawCursor
        }
        var rendered = items.map { record in
            Item(
                number: String(record.number),
                releaseNotes: record.releaseNotes,
                createdAt: record.createdAt,
                digest: configuration.faults.legacyList ? nil : spoiled(record.containerImageDigest)
            )
        }
        if let literal = hostile.listedNumber, cursor == nil, !rendered.isEmpty {
            rendered[0].number = literal
        }
        return try answer(Listing(items: rendered, nextCursor: nextCursor, previousCursor: result.previousCursor?.encoded))
    }

    /// One page of a listing that never ends: made-up, valid versions and a cursor never seen before.
    private func freshPage(cursor: String?, pageSize: Int) -> Listing {
        var page = 0
        if let cursor, cursor.hasPrefix(Self.freshPrefix) {
            page = Int(cursor.dropFirst(Self.freshPrefix.count).prefix { $0.isNumber }) ?? 0
        }
        // A cursor naming a page beyond 2^53 / pageSize (a client may send anything) stays on the last one.
        let first = Self.freshStart - min(max(page, 0), Self.freshStart / pageSize - 1) * pageSize
        let items = (0..<pageSize).map { offset in
            let number = first - offset
            let hex = String(number, radix: 16)
            return Item(
                number: String(number),
                releaseNotes: "made up",
                createdAt: "2026-01-01T00:00:00.000000Z",
                digest: "sha256:" + String(repeating: "0", count: 64 - hex.count) + hex
            )
        }
        let marker = "\(Self.freshPrefix)\(page + 1)."
        let next = marker + String(repeating: "x", count: max(0, hostile.cursorBytes - marker.count))
        return Listing(items: items, nextCursor: next, previousCursor: nil)
    }

    private func spoiled(_ digest: String) -> String {
        switch hostile.listedDigest {
        case nil: digest
        case .unprefixed: String(digest.dropFirst("sha256:".count))
        case .trailingSpace: digest + " "
        case .uppercase: "sha256:" + digest.dropFirst("sha256:".count).uppercased()
        }
    }

    /// The page as JSON text, padded or nested as configured.
    private func answer(_ listing: Listing) throws -> Response {
        var json = "{\"items\":"
        if hostile.deepJSON > 0 {
            json += String(repeating: "[", count: hostile.deepJSON) + String(repeating: "]", count: hostile.deepJSON)
        } else {
            json += "[" + listing.items.map(\.json).joined(separator: ",") + "]"
        }
        json += ",\"next_cursor\":" + Self.string(listing.nextCursor)
        json += ",\"previous_cursor\":" + Self.string(listing.previousCursor)
        if hostile.padBytes > 0 {
            json += ",\"padding\":\"" + String(repeating: " ", count: hostile.padBytes) + "\""
        }
        json += "}"
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: json))
        )
    }

    /// A JSON string literal, or `null`.
    static func string(_ text: String?) -> String {
        guard let text else { return "null" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    private struct Listing {
        var items: [Item]
        var nextCursor: String?
        var previousCursor: String?
    }

    /// A list item whose number is written as given (any JSON number literal).
    private struct Item {
        var number: String
        var releaseNotes: String
        var createdAt: String
        var digest: String?

        var json: String {
            "{\"number\":\(number),\"release_notes\":\(HostileListing.string(releaseNotes)),"
                + "\"created_at\":\(HostileListing.string(createdAt)),"
                + "\"container_image_digest\":\(HostileListing.string(digest))}"
        }
    }
}

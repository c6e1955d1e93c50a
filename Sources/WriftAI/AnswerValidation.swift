import WriftAIModels

/// The checks every answer about a model's versions passes before the client hands it out, so that what
/// the planner and the applier believe about the live state is at least possible:
/// - a version number is a whole number from 1 to 2^53 (JSON's exact integers), and within one listing
///   each number appears once;
/// - a digest is exactly `sha256:` and 64 lowercase hex digits, or absent (older servers list none);
/// - `created_at` is present, one line, at most 64 characters; release notes at most 1,024 characters;
/// - a version's details are for the number asked for, a create's answer for the digest sent (which it must
///   name: an answer without one could be about any version).
///
/// A failed check is ``WriftAIError/invalidAnswer(_:_:)`` naming the model, the field and the value.
struct AnswerValidation: Sendable {
    /// The largest version number accepted: 2^53, beyond which JSON numbers stop being exact.
    static let maxNumber = 1 << 53
    /// The longest `created_at` accepted; ISO 8601 timestamps are about 30 characters.
    static let maxCreatedAtLength = 64
    /// The longest release notes accepted, in characters: four times the API's own limit of 255, so
    /// that a padded answer cannot make a listing's items large.
    static let maxReleaseNotesLength = 1024

    /// The model the answer is about.
    let model: ModelID
    /// The request that got the answer.
    var context: WriftAIError.Context
    /// Runs on the server's values before they are cut short for a message.
    var redact = Redactor(token: nil)

    /// An invalid-answer error for `field`.
    func problem(_ field: String, _ value: String, _ rule: String) -> WriftAIError {
        .invalidAnswer(context, AnswerProblem(model: model.description, field: field, value: value, rule: rule))
    }

    /// A version number within 1…2^53.
    func checkNumber(_ number: Int, field: String) throws(WriftAIError) {
        guard number >= 1, number <= Self.maxNumber else {
            throw problem(field, String(number), "must be a whole number from 1 to 2^53 (version numbers are)")
        }
    }

    /// A digest that is valid, or absent when `required` is false.
    func checkDigest(_ digest: String?, field: String, required: Bool = false) throws(WriftAIError) {
        guard let digest else {
            if required { throw problem(field, "missing", "must be present") }
            return
        }
        guard NameRules.isValidDigest(digest) else {
            throw problem(field, EscapedText.quoted(redact(digest)), "must match \(NameRules.digestPattern)")
        }
    }

    /// The fields every version carries, in a list item or its details.
    func checkCommon(
        number: Int,
        digest: String?,
        createdAt: String,
        releaseNotes: String,
        field prefix: String
    ) throws(WriftAIError) {
        let dot = prefix.isEmpty ? "" : "."
        try checkNumber(number, field: prefix + dot + "number")
        try checkDigest(digest, field: prefix + dot + "container_image_digest")
        let createdAtField = prefix + dot + "created_at"
        guard !createdAt.isEmpty else { throw problem(createdAtField, "empty", "must be the version's creation time") }
        guard createdAt.unicodeScalars.count <= Self.maxCreatedAtLength,
            createdAt.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else {
            throw problem(
                createdAtField, EscapedText.quoted(redact(createdAt)),
                "must be a timestamp of at most \(Self.maxCreatedAtLength) visible characters")
        }
        guard releaseNotes.unicodeScalars.count <= Self.maxReleaseNotesLength else {
            throw problem(
                prefix + dot + "release_notes", EscapedText.quoted(redact(releaseNotes)),
                "must be at most \(Self.maxReleaseNotesLength) characters (the API allows 255)")
        }
    }

    /// One page of a listing: valid items, no number twice, a cursor of bounded length.
    func checkPage(_ page: Page<ModelVersion>, maxCursorLength: Int) throws(WriftAIError) {
        var numbers = Set<Int>()
        numbers.reserveCapacity(page.items.count)
        for (index, item) in page.items.enumerated() {
            let field = "items[\(index)]"
            try checkCommon(
                number: item.number, digest: item.containerImageDigest, createdAt: item.createdAt,
                releaseNotes: item.releaseNotes, field: field)
            guard numbers.insert(item.number).inserted else {
                throw problem(field + ".number", String(item.number), "must appear once in a listing, but this page lists it twice")
            }
        }
        for (name, cursor) in [("next_cursor", page.nextCursor), ("previous_cursor", page.previousCursor)] {
            if let cursor, cursor.utf8.count > maxCursorLength {
                throw problem(name, EscapedText.quoted(redact(cursor)), "must be at most \(maxCursorLength) bytes long")
            }
        }
    }

    /// A version's details, as `GET …/versions/{number}` answers them: for `number`, and valid.
    func checkDetails(_ details: ModelVersionDetails, number: Int) throws(WriftAIError) {
        try checkCommon(
            number: details.number, digest: details.containerImageDigest, createdAt: details.createdAt,
            releaseNotes: details.releaseNotes, field: "")
        guard details.number == number else {
            throw problem("number", String(details.number), "must be the number asked for (\(number))")
        }
    }

    /// A create's answer: a valid version, for the digest sent. One naming no digest is refused too: it could
    /// be about any version, and taken for the new one it let the plan's next delete remove the version it
    /// replaced. (Every server names a version's digest in its details; only older listings leave it out.)
    func checkCreated(_ details: ModelVersionDetails, digest: String) throws(WriftAIError) {
        try checkCommon(
            number: details.number, digest: details.containerImageDigest, createdAt: details.createdAt,
            releaseNotes: details.releaseNotes, field: "")
        guard let answered = details.containerImageDigest else {
            throw problem("container_image_digest", "absent", "must be the digest of the create request (\(digest))")
        }
        if (try? Digest(validating: answered)) != (try? Digest(normalizing: digest)) {
            throw problem(
                "container_image_digest", EscapedText.quoted(redact(answered)), "must be the digest of the create request (\(digest))")
        }
    }

    /// A model's answer: its latest version, when it has one, valid.
    func checkModel(_ model: Model) throws(WriftAIError) {
        guard let latest = model.latestVersion else { return }
        try checkCommon(
            number: latest.number, digest: latest.containerImageDigest, createdAt: latest.createdAt,
            releaseNotes: latest.releaseNotes, field: "latest_version")
    }
}

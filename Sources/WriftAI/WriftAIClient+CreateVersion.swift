import WriftAIModels

extension WriftAIClient {
    /// How many list items without a digest (older servers) are opened, newest first, when looking for
    /// a created version.
    static let legacyDigestLookups = 20

    /// Creates a version, never twice.
    ///
    /// A create is not retried blindly: when a send's outcome is unknown (a 5xx, a connection lost after
    /// the request may have reached the server, a timeout), the client waits out the retry policy's
    /// backoff, then lists the model's versions: if one has the request's digest, that is the result;
    /// only if none has it is the request sent again. A 429 is resent after the reset, since the server
    /// did not act on it.
    ///
    /// - Returns: The new version. When it was found by its digest, its details as
    ///   `GET …/versions/{number}` answers them (without `configuration`).
    /// - Throws: The last failure when the retry policy gives up and no version has the digest;
    ///   ``WriftAIError/createOutcomeUnknown(_:digest:reason:)`` when the check itself failed, so the
    ///   version may exist. Never resend after that error without listing first.
    public func createVersion(
        _ model: ModelID,
        _ request: CreateVersionRequest
    ) async throws(WriftAIError) -> ModelVersionDetails {
        try await createVersionReportingSends(model, request).details
    }

    /// ``createVersion(_:_:)``, also telling whether every send of it had a known outcome.
    public func createVersionReportingSends(
        _ model: ModelID,
        _ request: CreateVersionRequest
    ) async throws(WriftAIError) -> CreatedVersion {
        let endpoint = Endpoint.versions(model, method: .post)
        let body: [UInt8]
        do {
            body = try request.jsonBody()
        } catch {
            throw .configuration("cannot encode the request body: \(error)")
        }
        let digest = request.containerImageDigest
        var attempt = 1
        var inDoubt = false
        while true {
            let failure: WriftAIError
            do throws(WriftAIError) {
                let response = try await send(endpoint, body: body, attempt: attempt)
                do throws(WriftAIError) {
                    let details = try decode(ModelVersionDetails.self, from: response, endpoint: endpoint)
                    var check = validation(model, endpoint)
                    check.context.status = response.status
                    try check.checkCreated(details, digest: digest)
                    return CreatedVersion(details: details, noSendInDoubt: !inDoubt, answer: response.body)
                } catch {
                    // The version exists but its answer is unreadable or impossible: find it rather than
                    // fail (the listing and the details it finds are validated too).
                    if let found = try await findCreatedVersion(model, digest: digest, cause: error) {
                        return CreatedVersion(details: found, noSendInDoubt: false)
                    }
                    throw error
                }
            } catch {
                failure = error
            }
            let unknown = Self.outcomeIsUnknown(failure)
            if unknown { inDoubt = true }
            let wait: Duration
            do throws(WriftAIError) {
                wait = try retryWait(after: failure, attempt: attempt, endpoint: endpoint)
            } catch {
                // Out of retries: one last look tells the caller whether the version exists after all.
                if unknown, let found = try await findCreatedVersion(model, digest: digest, cause: failure) {
                    return CreatedVersion(details: found, noSendInDoubt: false)
                }
                throw error
            }
            try await pause(wait, context: failure.context)
            if unknown, let found = try await findSettledVersion(model, digest: digest, cause: failure) {
                logger.notice(
                    "a create whose answer was lost had succeeded",
                    metadata: ["model": "\(model)", "number": "\(found.number)", "digest": "\(digest)"]
                )
                return CreatedVersion(details: found, noSendInDoubt: false)
            }
            attempt += 1
        }
    }

    /// ``findCreatedVersion(_:digest:cause:)``, looking again for up to the retry policy's `createSettle` when
    /// the first look finds nothing: a listing may show a new version only some time after it was made, and
    /// sending the create again before it shows would make a second copy.
    /// A look that fails is not the end: a later one may still see the version; only when the last look
    /// fails is the outcome unknown.
    func findSettledVersion(_ model: ModelID, digest: String, cause: WriftAIError) async throws(WriftAIError) -> ModelVersionDetails? {
        if let found = try await findCreatedVersion(model, digest: digest, cause: cause) { return found }
        var lastFailure: WriftAIError?
        for wait in configuration.retry.settleWaits() {
            try await pause(wait, context: cause.context)
            do throws(WriftAIError) {
                if let found = try await findCreatedVersion(model, digest: digest, cause: cause) { return found }
                lastFailure = nil
            } catch {
                lastFailure = error
            }
        }
        if let lastFailure { throw lastFailure }
        return nil
    }

    /// Whether a failed create may have created the version. An overall deadline that passed may have cut
    /// the exchange short after the server acted.
    static func outcomeIsUnknown(_ error: WriftAIError) -> Bool {
        switch error {
        case .server, .transport, .timeout, .decoding, .invalidAnswer, .deadlineExceeded: true
        default: false
        }
    }

    /// The version of `model` whose image digest is `digest`, or `nil` if there is none.
    ///
    /// - Throws: ``WriftAIError/createOutcomeUnknown(_:digest:reason:)`` when the versions cannot be
    ///   listed, or (on servers whose list items lack digests) too many would have to be opened.
    func findCreatedVersion(
        _ model: ModelID,
        digest: String,
        cause: WriftAIError
    ) async throws(WriftAIError) -> ModelVersionDetails? {
        let context = cause.context ?? WriftAIError.Context(method: "POST", path: basePath + "/models/\(model)/versions")
        func unknown(_ reason: String) -> WriftAIError {
            redact(.createOutcomeUnknown(context, digest: digest, reason: reason))
        }
        var withoutDigest: [Int] = []
        var uncheckedWithoutDigest = 0
        var iterator = allVersions(model).makeAsyncIterator()
        do throws(WriftAIError) {
            while let version = try await iterator.next() {
                if let listed = version.containerImageDigest {
                    if listed == digest { return try await details(model, number: version.number, digest: digest) }
                } else if withoutDigest.count < Self.legacyDigestLookups {
                    withoutDigest.append(version.number)
                } else {
                    uncheckedWithoutDigest += 1
                }
            }
        } catch .createOutcomeUnknown(let context, let digest, let reason) {
            throw .createOutcomeUnknown(context, digest: digest, reason: reason)
        } catch {
            throw unknown("after \(cause.description), listing the versions to check failed: \(error)")
        }
        // Older servers list no digests: open the newest versions, where a new one would be.
        for number in withoutDigest {
            do throws(WriftAIError) {
                let details = try await version(model, number: number)
                if details.containerImageDigest == digest { return details }
            } catch .notFound {
                continue
            } catch {
                throw unknown("after \(cause.description), reading version \(number) to check failed: \(error)")
            }
        }
        if uncheckedWithoutDigest > 0 {
            throw unknown(
                "the server lists versions without digests and \(uncheckedWithoutDigest) versions beyond the "
                    + "newest \(Self.legacyDigestLookups) were not checked")
        }
        return nil
    }

    /// The details of a version found by its digest, which they must name too: the listing alone is not taken
    /// for it.
    private func details(_ model: ModelID, number: Int, digest: String) async throws(WriftAIError) -> ModelVersionDetails {
        let found: ModelVersionDetails
        do {
            found = try await version(model, number: number)
        } catch {
            throw redact(
                .createOutcomeUnknown(
                    WriftAIError.Context(method: "GET", path: basePath + "/models/\(model)/versions/\(number)"),
                    digest: digest,
                    reason: "the version was created as number \(number), but reading it failed: \(error)"
                ))
        }
        guard let named = found.containerImageDigest, (try? Digest(validating: named)) == (try? Digest(normalizing: digest)) else {
            throw redact(
                .createOutcomeUnknown(
                    WriftAIError.Context(method: "GET", path: basePath + "/models/\(model)/versions/\(number)"),
                    digest: digest,
                    reason: "the listing named number \(number) for the digest, but its details name "
                        + (found.containerImageDigest.map { "another (\(EscapedText.quoted(redact($0))))" } ?? "none")
                ))
        }
        return found
    }
}

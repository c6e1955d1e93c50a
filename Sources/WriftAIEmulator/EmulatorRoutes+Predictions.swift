import Hummingbird
import WriftAIModels

extension EmulatorRoutes {
    /// `POST /v1/predictions`: creates a prediction on `owner/name:N` (or the latest version of
    /// `owner/name`); 201 with the prediction. With `Validate-Input: true` the input is checked against
    /// the version's input schema first (422 listing every violation, nothing created); with
    /// `Prefer: wait[=SECONDS]` the answer is held until the prediction ends, or the time passes.
    @Sendable func createPrediction(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let user = try requireUser(context)
        let new = try RequestValidation.newPrediction(try await JSONBody.bytes(of: request))
        // Anyone may run a public model; another user's private model is not found.
        _ = try await authorizedModel(owner: new.owner, name: new.name, user: user, access: .read)
        let version: VersionRecord
        if let number = new.versionNumber {
            guard let found = try await storage.version(owner: new.owner, name: new.name, number: number) else {
                throw APIError.versionNotFound
            }
            version = found
        } else {
            guard let latest = try await storage.versions(owner: new.owner, name: new.name)?.last else {
                throw APIError.versionNotFound
            }
            version = latest
        }
        if request.headers[values: .validateInput].contains(where: { $0.lowercased() == "true" }) {
            let issues = await predictions.inputIssues(owner: new.owner, name: new.name, version: version, input: new.input)
            if !issues.isEmpty { throw APIError.validation(issues) }
        }
        let record = await predictions.create(owner: new.owner, name: new.name, version: version, user: user, input: new.input)

        var applied: String?
        if let preference = WaitPreference.parse(request.headers[values: .prefer]) {
            let limit: Double
            switch preference {
            case .untilDone:
                limit = predictions.settings.maxWaitSeconds
                applied = "wait"
            case .seconds(let seconds):
                limit = min(seconds, predictions.settings.maxWaitSeconds)
                applied = "wait=\(seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds))"
            }
            let hold = min(record.remaining(at: predictions.clock.instant()), .milliseconds(Int64(max(0, limit) * 1000)))
            if hold > .zero { try await predictions.clock.sleep(for: hold) }
        }
        var response = try JSONResponse.make(record.view(at: predictions.clock.instant()), status: .created)
        if let applied { response.headers[.preferenceApplied] = applied }
        return response
    }

    /// `GET /v1/predictions/{id}`: the prediction as it is now; 404 when it is unknown, forgotten, or
    /// another user's.
    @Sendable func getPrediction(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let user = try requireUser(context)
        let id = try context.parameters.require("id")
        guard let record = await predictions.prediction(id), record.user == user else {
            throw APIError.predictionNotFound
        }
        return try JSONResponse.make(record.view(at: predictions.clock.instant()))
    }
}

extension HTTPFields.Element.Name {
    /// `Prefer` (RFC 7240): `wait` or `wait=SECONDS` on a prediction create.
    static let prefer = Self("Prefer")!
    /// `Preference-Applied`: the wait preference the answer honoured.
    static let preferenceApplied = Self("Preference-Applied")!
    /// `Validate-Input: true` checks a prediction's input against the version's input schema.
    static let validateInput = Self("Validate-Input")!
}

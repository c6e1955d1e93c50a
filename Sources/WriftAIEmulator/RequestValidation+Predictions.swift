import WriftAIModels

extension RequestValidation {
    /// The parts of a create-prediction request.
    struct NewPrediction {
        var owner: String
        var name: String
        /// `nil` for the model's latest version.
        var versionNumber: Int?
        var input: JSONValue
    }

    /// The pattern of `model` in a create-prediction request, as 422 answers quote it.
    static let predictionModelPattern = "^OWNER/NAME(:NUMBER)?$"

    static func newPrediction(_ bytes: [UInt8]) throws -> NewPrediction {
        var validator = Validator()
        let body = try Validator.requireObjectBody(bytes)
        var reference: (owner: String, name: String, number: Int?)?
        if let model = validator.string(body["model"], at: ["body", "model"], required: true) {
            reference = parseModel(model)
            if reference == nil {
                validator.add(["body", "model"], "String should match pattern '\(predictionModelPattern)'", "string_pattern_mismatch")
            }
        }
        let input = validator.object(body["input"], at: ["body", "input"], required: true)
        _ = validator.bool(body["stream"], at: ["body", "stream"])
        _ = validator.object(body["webhook"], at: ["body", "webhook"], required: false)
        try validator.check()
        guard let reference, let input else {
            throw APIError.validation([ValidationIssue(loc: ["body"], msg: "Invalid request", type: "value_error")])
        }
        return NewPrediction(owner: reference.owner, name: reference.name, versionNumber: reference.number, input: .object(input))
    }

    /// `owner/name` or `owner/name:number`, with valid names and a number of 1 or more.
    static func parseModel(_ text: String) -> (owner: String, name: String, number: Int?)? {
        var model = Substring(text)
        var number: Int?
        if let colon = text.lastIndex(of: ":") {
            let digits = text[text.index(after: colon)...]
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let parsed = Int(digits), parsed >= 1 else {
                return nil
            }
            number = parsed
            model = text[..<colon]
        }
        let parts = model.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, NameRules.isValidName(parts[0]), NameRules.isValidName(parts[1]) else { return nil }
        return (String(parts[0]), String(parts[1]), number)
    }
}

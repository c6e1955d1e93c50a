import Foundation
import Hummingbird
import WriftAIModels

/// An error answer of the API, rendered as `{"detail": …}` JSON.
struct APIError: Error, HTTPResponseError {
    enum Detail {
        case message(String)
        case validation([ValidationIssue])
    }

    let status: HTTPResponse.Status
    let detail: Detail
    var headers: HTTPFields = [:]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response: Response
        switch detail {
        case .message(let message):
            response = try JSONResponse.make(ErrorResponse(detail: message), status: status)
        case .validation(let issues):
            response = try JSONResponse.make(ValidationErrorResponse(detail: issues), status: status)
        }
        response.headers.append(contentsOf: headers)
        return response
    }

    static let unauthorized = APIError(
        status: .unauthorized,
        detail: .message("Invalid or missing access token"),
        headers: [.wwwAuthenticate: "Bearer"]
    )
    static let modelNotFound = APIError(status: .notFound, detail: .message("Model not found"))
    static let versionNotFound = APIError(status: .notFound, detail: .message("Model version not found"))
    static let predictionNotFound = APIError(status: .notFound, detail: .message("Prediction not found"))
    static let forbidden = APIError(
        status: .forbidden,
        detail: .message("You do not have permission to modify this model")
    )
    static let modelExists = APIError(
        status: .conflict,
        detail: .message("A model with this name already exists")
    )

    static func validation(_ issues: [ValidationIssue]) -> APIError {
        APIError(status: .unprocessableContent, detail: .validation(issues))
    }
}

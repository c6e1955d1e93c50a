import WriftAIModels
import Foundation

/// One API operation's request line: method, route template and concrete path.
struct Endpoint: Sendable {
    /// The HTTP methods the API uses.
    enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
        case patch = "PATCH"
        case delete = "DELETE"
    }

    var method: Method
    /// The route template relative to the base URL, e.g. `/models/{owner}/{name}/versions`; the
    /// metrics' `route` dimension.
    var route: String
    /// The concrete path relative to the base URL, e.g. `/models/acme/sentiment/versions`.
    var path: String
    var query: [(String, String)] = []
    /// Request headers besides the ones every request carries (e.g. `Prefer`).
    var headers: [(name: String, value: String)] = []
    /// The model the request is about, named when its answer fails validation.
    var model: ModelID?

    /// The path with its percent-encoded query.
    var pathAndQuery: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
    }

    private static let queryValueAllowed: CharacterSet = {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+;#")
        return allowed
    }()

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: queryValueAllowed) ?? text
    }

    // Owner and name are validated by ``ModelID`` (letters, digits, `.`, `_`, `-`), so they need no escaping.

    static func model(_ model: ModelID) -> Endpoint {
        Endpoint(
            method: .get, route: "/models/{owner}/{name}", path: "/models/\(model.owner)/\(model.name)", model: model)
    }

    static func versions(_ model: ModelID, method: Method, query: [(String, String)] = []) -> Endpoint {
        Endpoint(
            method: method,
            route: "/models/{owner}/{name}/versions",
            path: "/models/\(model.owner)/\(model.name)/versions",
            query: query,
            model: model
        )
    }

    static func version(_ model: ModelID, number: Int, method: Method) -> Endpoint {
        Endpoint(
            method: method,
            route: "/models/{owner}/{name}/versions/{number}",
            path: "/models/\(model.owner)/\(model.name)/versions/\(number)",
            model: model
        )
    }

    static func configuration(_ model: ModelID, number: Int, method: Method) -> Endpoint {
        Endpoint(
            method: method,
            route: "/models/{owner}/{name}/versions/{number}/configuration",
            path: "/models/\(model.owner)/\(model.name)/versions/\(number)/configuration",
            model: model
        )
    }

    static func predictions(headers: [(name: String, value: String)]) -> Endpoint {
        Endpoint(method: .post, route: "/predictions", path: "/predictions", headers: headers)
    }

    // Prediction identifiers are validated by ``PredictionID`` (letters, digits, `.`, `_`, `-`).
    static func prediction(_ id: PredictionID) -> Endpoint {
        Endpoint(method: .get, route: "/predictions/{id}", path: "/predictions/\(id)")
    }
}

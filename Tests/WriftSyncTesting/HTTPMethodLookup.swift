import Hummingbird

/// The method named `name`, for table-driven tests that spell methods as strings.
public func httpMethod(_ name: String) -> HTTPRequest.Method {
    guard let method = HTTPRequest.Method(name) else {
        preconditionFailure("not an HTTP method: \(name)")
    }
    return method
}

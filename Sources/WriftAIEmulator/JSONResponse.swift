import Foundation
import Hummingbird
import WriftAIModels

/// Builds JSON answers.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return body(try encoder.encode(value), status: status)
    }

    /// A version's details, written directly (``ModelVersionDetails/jsonBody()``): every create and details
    /// request answers with them.
    static func make(_ details: ModelVersionDetails, status: HTTPResponse.Status = .ok) throws -> Response {
        body(try details.jsonBody(), status: status)
    }

    private static func body(_ bytes: some Sequence<UInt8>, status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}

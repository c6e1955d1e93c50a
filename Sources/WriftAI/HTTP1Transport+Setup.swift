import Foundation
import NIOSSL

extension HTTP1Transport {
    /// Why a client's TLS context could not be made.
    struct TLSSetupFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// The TLS context of a client's connections: the system's CA certificates, plus `caFile`'s (PEM) when
    /// given, HTTP/1.1 only.
    static func clientTLS(caFile: String?) throws(TLSSetupFailure) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.applicationProtocols = ["http/1.1"]
        if let caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw TLSSetupFailure(description: "cannot read the CA file \(caFile)")
            }
            configuration.additionalTrustRoots = [.file(caFile)]
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSetupFailure(description: "cannot set up TLS\(caFile.map { " with the CA file \($0)" } ?? ""): \(error)")
        }
    }

    /// Whether `target` may be written on a request line as is: printable ASCII, no space, no line break.
    static func isValidRequestTarget(_ target: String) -> Bool {
        target.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}

import Foundation

/// Recognises the error of binding a port another process holds, to say so in words (NIO reports it as
/// `bind(descriptor:ptr:bytes:): Address already in use (errno: 98)`).
enum BindFailure {
    static func isAddressInUse(_ error: any Error) -> Bool {
        let text = String(describing: error)
        return text.contains("(errno: \(EADDRINUSE))") || text.contains(String(cString: strerror(EADDRINUSE)))
    }
}

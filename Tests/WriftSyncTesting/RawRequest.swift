import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 request over a plain socket, for servers that may never answer (HummingbirdTesting's
/// client waits for an answer even past its timeout).
public enum RawRequest {
    /// Sends `GET path` to 127.0.0.1:`port` and waits up to `timeout` for the first byte of an answer.
    ///
    /// - Returns: Whether any byte arrived in time; the connection is closed either way.
    public static func answers(port: Int, path: String, token: String, timeout: Duration) async -> Bool {
        // A thread of its own: on Linux the dispatch queues' threads are the cooperative pool's.
        (try? await onOwnThread { answersBlocking(port: port, path: path, token: token, timeout: timeout) }) ?? false
    }

    /// A blocking TCP socket connected to 127.0.0.1:`port`, or `nil`; the caller closes it.
    ///
    /// - Parameter receiveBuffer: The socket's `SO_RCVBUF` in bytes, set before connecting (the window is
    ///   agreed then); `nil` leaves the kernel's default. A small one, never read, stalls a server's writes.
    public static func connectedSocket(port: Int, receiveBuffer: Int32? = nil) -> Int32? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        if var size = receiveBuffer,
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) != 0
        {
            close(descriptor)
            return nil
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    private static func answersBlocking(port: Int, path: String, token: String, timeout: Duration) -> Bool {
        guard let descriptor = connectedSocket(port: port) else { return false }
        defer { close(descriptor) }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\n\r\n"
        _ = request.withCString { send(descriptor, $0, strlen($0), 0) }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&poller, 1, milliseconds) == 1 else { return false }
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, 0) == 1
    }
}

import CLibGit2
import Foundation
import Testing
@testable import GitSource

/// The sockets WriftSync gives libgit2. libgit2's TLS stream frees the socket stream under it without closing it
/// when its own close fails, which it does after a fetch given up at its deadline (its `close_notify` cannot be
/// sent on a socket shut down): every such fetch leaked a descriptor until the process ran out.
@Suite struct SocketStreamTests {
    @Test func aStreamFreedWithoutACloseClosesItsSocket() throws {
        let listener = try SilentListener()
        _ = listener.acceptForever()
        var made: UnsafeMutablePointer<git_stream>?
        #expect(SocketStream.make(&made, "127.0.0.1", "\(listener.port)") == 0)
        let stream = try #require(made)
        #expect(stream.pointee.connect(stream) == 0)
        let socket = UnsafeMutableRawPointer(stream).assumingMemoryBound(to: wriftsync_socket_stream.self).pointee.s
        #expect(socket >= 0 && SocketStream.isRegistered(socket))
        stream.pointee.free(stream)
        #expect(!SocketStream.isRegistered(socket), "the socket was left open")
    }
}

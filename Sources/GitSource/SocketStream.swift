import CLibGit2
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The plain sockets libgit2 fetches over (HTTP, HTTPS under its TLS, git://, and SSH, which reads the socket
/// out of the stream), registered in place of libgit2's own so that a fetch given up at its deadline can be
/// stopped. libgit2 1.5 has no network timeouts: a server that holds a connection open without answering kept
/// the abandoned fetch thread blocked in `recv` forever, holding the mirror's lock, so every later fetch of that
/// repository failed with a lock timeout until a restart. ``abort(_:)`` shuts the thread's sockets down: its
/// reads end, libgit2 fails, and the thread lets go of its locks.
enum SocketStream {
    /// Sockets open, by the thread that opened them, and the threads whose fetch was given up.
    private struct Registry {
        var sockets: [Int32: pthread_t] = [:]
        var aborted: [pthread_t] = []
        /// The one host and port a thread may connect to, while it sends credentials up front.
        var only: [(thread: pthread_t, endpoint: Endpoint)] = []
        /// What a thread's sockets may still receive, all together, and whether they went past it.
        var budgets: [(thread: pthread_t, remaining: Int, exceeded: Bool)] = []

        func isAborted(_ thread: pthread_t) -> Bool { aborted.contains { pthread_equal($0, thread) != 0 } }
        func endpoint(of thread: pthread_t) -> Endpoint? { only.first { pthread_equal($0.thread, thread) != 0 }?.endpoint }
    }

    /// A host (compared without case) and a port.
    struct Endpoint: Sendable, CustomStringConvertible {
        let host: String
        let port: String

        func matches(host other: String, port otherPort: String) -> Bool {
            host.caseInsensitiveCompare(other) == .orderedSame && port == otherPort
        }

        var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    private static let registry = Mutex(Registry())

    /// Registers the stream with libgit2 (once, when libgit2 is initialised).
    static func register() -> Int32 {
        var registration = git_stream_registration()
        registration.version = 1
        registration.`init` = { out, host, port in SocketStream.make(out, host, port) }
        return git_stream_register(GIT_STREAM_STANDARD, &registration)
    }

    /// Stops every socket `thread` has open, and any it would open from now on, until ``finished(_:)``.
    static func abort(_ thread: pthread_t) {
        registry.withLock { registry in
            if !registry.isAborted(thread) { registry.aborted.append(thread) }
            // Under the lock: `close` unregisters under it too, so a number reused after a close is never hit.
            for (socket, owner) in registry.sockets where pthread_equal(owner, thread) != 0 {
                shutdown(socket, Int32(SHUT_RDWR))
            }
        }
    }

    /// Forgets that `thread` was aborted (its work has returned; the id may be reused by a new thread).
    static func finished(_ thread: pthread_t) {
        registry.withLock { $0.aborted.removeAll { pthread_equal($0, thread) != 0 } }
    }

    /// Runs `body` with the calling thread allowed to connect only to `endpoint`. libgit2 sends custom headers
    /// (the up-front `Authorization`) with every request, and even with redirects off it follows one to the
    /// same host on another port, or to a path: a port is another service, maybe another user's on a shared
    /// machine, and must not get the credentials.
    static func connectingOnly<T>(to endpoint: Endpoint, _ body: () throws -> T) rethrows -> T {
        let thread = pthread_self()
        registry.withLock { $0.only.append((thread, endpoint)) }
        defer { registry.withLock { $0.only.removeAll { pthread_equal($0.thread, thread) != 0 } } }
        return try body()
    }

    /// Runs `body` with the calling thread's sockets allowed to receive at most `bytes` together: past it a
    /// read fails, and so does libgit2. Everything counts — a ref advertisement, HTTP bodies libgit2 reads and
    /// drops, the pack — where libgit2's own progress counts the pack alone, and holds a ref advertisement in
    /// memory however long the server makes it (but for SSH, whose library reads the socket itself). Returns
    /// `body`'s result and whether the budget ran out.
    static func receivingAtMost<T>(_ bytes: Int, _ body: () throws -> T) rethrows -> (result: T, exceeded: Bool) {
        let thread = pthread_self()
        registry.withLock { $0.budgets.append((thread, bytes, false)) }
        defer {
            registry.withLock { registry in
                // This call's entry only: the last of the thread's, should calls ever nest.
                if let index = registry.budgets.lastIndex(where: { pthread_equal($0.thread, thread) != 0 }) { registry.budgets.remove(at: index) }
            }
        }
        let result = try body()
        let exceeded: Bool = registry.withLock { registry in
            guard let budget = registry.budgets.last(where: { pthread_equal($0.thread, thread) != 0 }) else { return false }
            return budget.exceeded
        }
        return (result, exceeded)
    }

    /// Charges `count` bytes received to the calling thread's budget, if it has one; false once it is spent.
    private static func charge(_ count: Int) -> Bool {
        let thread = pthread_self()
        return registry.withLock { registry in
            guard let index = registry.budgets.lastIndex(where: { pthread_equal($0.thread, thread) != 0 }) else { return true }
            registry.budgets[index].remaining -= count
            if registry.budgets[index].remaining < 0 { registry.budgets[index].exceeded = true }
            return !registry.budgets[index].exceeded
        }
    }

    /// Whether `socket` is open as one of these streams' (for tests: a stream freed without a close leaves none).
    static func isRegistered(_ socket: Int32) -> Bool {
        registry.withLock { $0.sockets[socket] != nil }
    }

    static func make(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_stream>?>?, _ host: UnsafePointer<CChar>?, _ port: UnsafePointer<CChar>?) -> Int32 {
        guard let out, let host, let port else { return -1 }
        let stream = UnsafeMutablePointer<wriftsync_socket_stream>.allocate(capacity: 1)
        stream.initialize(to: wriftsync_socket_stream())
        stream.pointee.host = strdup(host)
        stream.pointee.port = strdup(port)
        stream.pointee.s = -1
        stream.pointee.parent.version = 1
        stream.pointee.parent.connect = { stream in SocketStream.connect(SocketStream.own(stream)) }
        stream.pointee.parent.read = { stream, buffer, length in SocketStream.read(SocketStream.own(stream), buffer, length) }
        stream.pointee.parent.write = { stream, data, length, _ in SocketStream.write(SocketStream.own(stream), data, length) }
        stream.pointee.parent.close = { stream in SocketStream.close(SocketStream.own(stream)) }
        stream.pointee.parent.free = { stream in
            let own = SocketStream.own(stream)
            // libgit2's TLS stream skips closing the socket under it when its own close fails (its close_notify
            // cannot be sent once an aborted fetch's socket is shut down): closed here instead, never leaked.
            _ = SocketStream.close(own)
            free(own.pointee.host)
            free(own.pointee.port)
            own.deallocate()
        }
        out.pointee = UnsafeMutableRawPointer(stream).assumingMemoryBound(to: git_stream.self)
        return 0
    }

    private static func own(_ stream: UnsafeMutablePointer<git_stream>?) -> UnsafeMutablePointer<wriftsync_socket_stream> {
        UnsafeMutableRawPointer(stream!).assumingMemoryBound(to: wriftsync_socket_stream.self)
    }

    private static func fail(_ message: String) -> Int32 {
        git_error_set_str(Int32(GIT_ERROR_NET.rawValue), message)
        return -1
    }

    private static func connect(_ stream: UnsafeMutablePointer<wriftsync_socket_stream>) -> Int32 {
        let host = String(cString: stream.pointee.host)
        let port = String(cString: stream.pointee.port)
        let thread = pthread_self()
        if let allowed = registry.withLock({ $0.endpoint(of: thread) }), !allowed.matches(host: host, port: port) {
            let asked = Endpoint(host: host, port: port)
            return fail("refusing to connect to \(asked): the repository's credentials are sent only to \(allowed), the host and port of --repo (a redirect?)")
        }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var info: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(stream.pointee.host, stream.pointee.port, &hints, &info)
        guard resolved == 0 else { return fail("failed to resolve address for \(host): \(String(cString: gai_strerror(resolved)))") }
        defer { freeaddrinfo(info) }
        var candidate = info
        var lastError = ECONNREFUSED
        while let address = candidate?.pointee {
            candidate = address.ai_next
            let socket = Glibc.socket(address.ai_family, address.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), address.ai_protocol)
            guard socket >= 0 else { continue }
            // Registered before connecting, so that an abort also stops a connect the server never answers.
            let registered = registry.withLock { registry -> Bool in
                guard !registry.isAborted(thread) else { return false }
                registry.sockets[socket] = thread
                return true
            }
            guard registered else {
                Glibc.close(socket)
                return fail(givenUp)
            }
            let connected = connect(socket, to: address, thread: thread, port: port)
            if connected == 0 {
                stream.pointee.s = socket
                return 0
            }
            unregisterAndClose(socket)
            if connected == ECANCELED { return fail(givenUp) }
            lastError = connected
        }
        return fail("failed to connect to \(host): \(String(cString: strerror(lastError)))")
    }

    private static let givenUp = "the fetch was given up at its deadline"

    /// Connects `socket`, watching for an abort: 0, or the error (`ECANCELED` when aborted). An abort that
    /// came between registering the socket and the connect's start shut down a socket not connecting yet,
    /// which does nothing: a blocking connect would then wait for the kernel to give up on a server dropping
    /// its SYNs (about two minutes). Non-blocking, it is checked for as long as the connect is under way
    /// (one look a tenth of a second while it is; none for a server that answers at once).
    private static func connect(_ socket: Int32, to address: addrinfo, thread: pthread_t, port: String) -> Int32 {
        let flags = fcntl(socket, F_GETFL)
        guard flags >= 0, fcntl(socket, F_SETFL, flags | O_NONBLOCK) == 0 else { return errno }
        if let hook = beforeConnect.withLock({ $0[port] }) { hook() }
        if Glibc.connect(socket, address.ai_addr, address.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { return errno }
            while true {
                if registry.withLock({ $0.isAborted(thread) }) { return ECANCELED }
                var watched = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
                let ready = poll(&watched, 1, 100)
                if ready < 0 && errno == EINTR { continue }
                if ready < 0 { return errno }
                if ready == 0 { continue }
                // An abort's shutdown wakes the poll with a reset: report it as the abort it is.
                if registry.withLock({ $0.isAborted(thread) }) { return ECANCELED }
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                guard getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { return errno }
                if error != 0 { return error }
                break
            }
        }
        // Connected: from here an abort's shutdown ends any read or write. One that came before is seen here.
        if registry.withLock({ $0.isAborted(thread) }) { return ECANCELED }
        return fcntl(socket, F_SETFL, flags) == 0 ? 0 : errno
    }

    /// For tests: work run on the connecting thread just before connecting to a port, where an abort would
    /// otherwise go unseen.
    static let beforeConnect = Mutex<[String: @Sendable () -> Void]>([:])

    private static func read(_ stream: UnsafeMutablePointer<wriftsync_socket_stream>, _ buffer: UnsafeMutableRawPointer?, _ length: Int) -> Int {
        while true {
            let count = recv(stream.pointee.s, buffer, length, 0)
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return Int(fail("error receiving data from socket: \(String(cString: strerror(errno)))")) }
            guard charge(count) else { return Int(fail("the server sent more than the fetch may receive")) }
            return count
        }
    }

    private static func write(_ stream: UnsafeMutablePointer<wriftsync_socket_stream>, _ data: UnsafePointer<CChar>?, _ length: Int) -> Int {
        while true {
            // MSG_NOSIGNAL: a server closing first must fail the write, not kill the process with SIGPIPE.
            let count = send(stream.pointee.s, data, length, Int32(MSG_NOSIGNAL))
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return Int(fail("error sending data to socket: \(String(cString: strerror(errno)))")) }
            return count
        }
    }

    private static func close(_ stream: UnsafeMutablePointer<wriftsync_socket_stream>) -> Int32 {
        let socket = stream.pointee.s
        stream.pointee.s = -1
        guard socket >= 0 else { return 0 }
        unregisterAndClose(socket)
        return 0
    }

    private static func unregisterAndClose(_ socket: Int32) {
        registry.withLock { registry in
            registry.sockets[socket] = nil
            Glibc.close(socket)
        }
    }
}

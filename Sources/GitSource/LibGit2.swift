import CLibGit2
import Foundation
import Synchronization
import SystemCrypto

/// Process-wide libgit2 state. libgit2 must be initialised once before any call; it is never shut down
/// because other threads (a timed-out fetch) may still be inside it when the process ends.
enum LibGit2 {
    private static let initialised: Bool = {
        git_libgit2_init()
        // Sockets a fetch given up at its deadline can be stopped on (see ``SocketStream``).
        // Without it neither the deadline's abort nor the credentials' host and port would hold: never run so.
        let registered = SocketStream.register()
        precondition(registered == 0, "git_stream_register failed (\(registered)): WriftSync cannot bound its git connections")
        _ = wriftsync_git_set_user_agent("wriftsync-git/\(GitSourceVersion.string)")
        return true
    }()

    static func ensureInitialised() {
        _ = initialised
    }

    /// The value of libgit2's process-wide pack object limit last set, so that it is written only when it
    /// changes, and never while another thread's fetch may be reading it for the same value.
    private static let packMaxObjects = Mutex<Int?>(nil)

    /// Sets libgit2's limit on the objects one fetched pack may hold (process-wide; at least 1).
    static func setPackMaxObjects(_ objects: Int) throws {
        let objects = max(1, objects)
        try packMaxObjects.withLock { current in
            guard current != objects else { return }
            try check("git_libgit2_opts", wriftsync_git_set_pack_max_objects(objects))
            current = objects
        }
    }

    /// The one place every libgit2 call goes through: a negative result becomes a `GitSourceError.libgit2`
    /// naming the function, with libgit2's message read in the same synchronous call (it is thread-local).
    @discardableResult
    static func check(_ function: StaticString, _ code: Int32, redacting secrets: [String] = []) throws -> Int32 {
        guard code < 0 else { return code }
        throw lastError(function: function, code: code, redacting: secrets)
    }

    /// The error libgit2 recorded for the current thread, as a `GitSourceError`.
    static func lastError(function: StaticString, code: Int32, redacting secrets: [String] = []) -> GitSourceError {
        var message = "unknown error"
        if let last = git_error_last(), let text = last.pointee.message {
            message = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        git_error_clear()
        return .libgit2(function: "\(function)", code: code, message: Redaction.scrub(message, secrets: secrets))
    }
}

/// libgit2's process-wide set-up, for front ends.
public enum GitLibrary {
    /// Runs libgit2's one-time initialisation (which, with mbedTLS, parses the system's CA bundle: 6–9 ms),
    /// if it has not run yet; whatever reads git first would otherwise pay it. Meant for a thread of its own at
    /// start-up, so that it overlaps the process's other start-up work (argument parsing, the API client).
    ///
    /// libcrypto is initialised first without its exit-time clean-up (see
    /// ``CryptoLibrary/initialiseWithoutExitCleanup()``): libssh2 initialises it inside libgit2's set-up, and
    /// a process may leave while that thread still runs. Call ``prepareForBackgroundInitialisation()`` on the
    /// main thread before starting that thread.
    public static func initialise() {
        LibGit2.ensureInitialised()
    }

    /// Initialises libcrypto, on the calling thread, without its exit-time clean-up: before any other thread
    /// can, since the first initialisation decides.
    public static func prepareForBackgroundInitialisation() {
        CryptoLibrary.initialiseWithoutExitCleanup()
    }
}

/// The version string WriftSync reports in user agents and `--version`.
public enum GitSourceVersion {
    public static let string = "0.1.0"
}

extension git_oid {
    /// The 40-character hexadecimal form.
    var hex: String {
        var copy = self
        return withUnsafePointer(to: &copy) { pointer in
            var buffer = [CChar](repeating: 0, count: Int(GIT_OID_HEXSZ) + 1)
            git_oid_fmt(&buffer, pointer)
            return String(decoding: buffer.prefix(Int(GIT_OID_HEXSZ)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}

/// A strarray whose strings live as long as the value; libgit2 only borrows them.
final class CStringArray {
    private let storage: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) {
        count = strings.count
        storage = .allocate(capacity: max(count, 1))
        for (index, string) in strings.enumerated() {
            (storage + index).initialize(to: strdup(string))
        }
    }

    deinit {
        for index in 0..<count { free(storage[index]) }
        storage.deallocate()
    }

    /// A strarray valid while this object lives.
    var strarray: git_strarray {
        git_strarray(strings: storage, count: count)
    }
}

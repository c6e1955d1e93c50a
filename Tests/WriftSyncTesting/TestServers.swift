import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A server process started by a test and killed when the value goes away. Started with posix_spawn,
/// not Foundation's Process: servers like sshd close inherited descriptors, which Foundation's child
/// monitor takes for an exit and then blocks in waitpid, stalling every other Process in the tests.
public class ServerProcess: @unchecked Sendable {
    public let pid: pid_t
    public let port: Int

    public init(command: [String], port: Int, environment: [String: String], readPortFromOutput: Bool = false) throws {
        var pipe: [Int32] = [-1, -1]
        guard Glibc.pipe(&pipe) == 0 else { throw Shell.Failure(command: command, status: errno, output: "pipe") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, pipe[0])
        try closeInheritedDescriptors(&actions, command: command)
        let (spawned, pid) = spawn(["/usr/bin/env"] + command, environment: environment, actions: &actions)
        close(pipe[1])
        guard spawned == 0 else {
            close(pipe[0])
            throw Shell.Failure(command: command, status: spawned, output: "posix_spawn failed")
        }
        self.pid = pid
        defer { close(pipe[0]) }
        if readPortFromOutput {
            // The server prints `listening PORT` once it accepts connections.
            var line = [UInt8]()
            var byte: UInt8 = 0
            while read(pipe[0], &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
            let text = String(decoding: line, as: UTF8.self)
            guard text.hasPrefix("listening "), let parsed = Int(text.dropFirst("listening ".count)) else {
                Self.stop(pid)
                throw Shell.Failure(command: command, status: -1, output: "did not start: \(text)")
            }
            self.port = parsed
        } else {
            self.port = port
            do {
                try Shell.waitForPort(port)
            } catch {
                Self.stop(pid)
                throw error
            }
        }
    }

    deinit {
        Self.stop(pid)
    }

    private static func stop(_ pid: pid_t) {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

/// `git daemon` serving a repository's parent directory over git://.
public final class GitDaemon: ServerProcess, @unchecked Sendable {
    public let repository: TestRepository

    public init(serving repository: TestRepository) throws {
        self.repository = repository
        let port = try Shell.freePort()
        try super.init(
            // The daemon itself, not the `git` wrapper, which would outlive a signal sent to it.
            command: [try Shell.run(["git", "--exec-path"]) + "/git-daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1", "--port=\(port)", "--base-path=\(repository.root)", repository.root],
            port: port,
            environment: repository.environment
        )
    }

    public var url: String { "git://127.0.0.1:\(port)/repo.git" }
}

/// `git http-backend` behind the Python test server: smart HTTP(S) with optional Basic or Bearer auth.
public final class HTTPGitServer: ServerProcess, @unchecked Sendable {
    public enum Auth {
        case none
        case basic(user: String, password: String)
        case bearer(String)
    }

    public let repository: TestRepository
    public let logPath: String
    public let tls: Bool

    public init(serving repository: TestRepository, auth: Auth = .none, certificate: TestCertificateAuthority? = nil) throws {
        self.repository = repository
        self.logPath = repository.root + "/http-\(UUID().uuidString.prefix(6)).log"
        self.tls = certificate != nil
        var command = ["python3", Shell.packageRoot + "/Tests/Fixtures/git_http_server.py", "--root", repository.root, "--port", "0", "--log", logPath]
        switch auth {
        case .none: break
        case let .basic(user, password): command += ["--basic", "\(user):\(password)"]
        case let .bearer(token): command += ["--bearer", token]
        }
        if let certificate {
            command += ["--cert", certificate.serverCertificate, "--key", certificate.serverKey]
        }
        try super.init(command: command, port: 0, environment: repository.environment, readPortFromOutput: true)
    }

    public var url: String { "\(tls ? "https" : "http")://localhost:\(port)/repo.git" }

    /// One `(status, hadAuthorizationHeader)` per request served.
    public func requests() -> [(status: Int, authorised: Bool)] {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 4, let status = Int(fields[2]) else { return nil }
            return (status, fields[3] == "yes")
        }
    }
}

/// A test CA and a server certificate for `localhost` signed by it (libgit2 with mbedTLS checks no IP SANs).
public final class TestCertificateAuthority: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public var caCertificate: String { directory.path + "/ca.pem" }
    public var serverCertificate: String { directory.path + "/server.pem" }
    public var serverKey: String { directory.path + "/server.key" }

    public init(commonName: String = "WriftSync Test CA") throws {
        directory = try TemporaryDirectory("ca")
        let dir = directory.path
        try Shell.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/ca.key", "-out", caCertificate,
                       "-days", "2", "-subj", "/CN=\(commonName)", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try Shell.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", serverKey, "-out", dir + "/server.csr", "-subj", "/CN=localhost"])
        try "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
            .write(toFile: dir + "/ext.cnf", atomically: true, encoding: .utf8)
        try Shell.run(["openssl", "x509", "-req", "-in", dir + "/server.csr", "-CA", caCertificate, "-CAkey", dir + "/ca.key", "-CAcreateserial",
                       "-out", serverCertificate, "-days", "2", "-extfile", dir + "/ext.cnf"])
    }
}

/// `sshd` on a loopback port with its own ed25519 host key, accepting one ed25519 client key.
public final class SSHServer: ServerProcess, @unchecked Sendable {
    public let repository: TestRepository
    public let keys: TemporaryDirectory
    public var clientKey: String { keys.path + "/client_ed25519" }
    public var hostPublicKey: String { keys.path + "/host_ed25519.pub" }
    public var user: String { ProcessInfo.processInfo.environment["USER"] ?? (try? Shell.run(["id", "-un"])) ?? "root" }

    public init(serving repository: TestRepository, clientKeyPassphrase: String = "") throws {
        self.repository = repository
        let keys = try TemporaryDirectory("ssh")
        self.keys = keys
        let dir = keys.path
        try Shell.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir + "/host_ed25519"])
        try Shell.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", clientKeyPassphrase, "-f", dir + "/client_ed25519"])
        try FileManager.default.copyItem(atPath: dir + "/client_ed25519.pub", toPath: dir + "/authorized_keys")
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let port = try Shell.freePort()
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(dir)/host_ed25519
            AuthorizedKeysFile \(dir)/authorized_keys
            PidFile \(dir)/sshd.pid
            StrictModes no
            UsePAM no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin prohibit-password
            MaxAuthTries 6
            """
        try config.write(toFile: dir + "/sshd_config", atomically: true, encoding: .utf8)
        try super.init(command: ["/usr/sbin/sshd", "-D", "-e", "-f", dir + "/sshd_config"], port: port, environment: repository.environment)
    }

    public var url: String { "ssh://\(user)@localhost:\(port)\(repository.path)" }
    public var scpLikeURL: String { "\(user)@localhost:\(repository.path)" }

    /// A known_hosts file trusting this server's host key (plain, or hashed like `ssh-keygen -H`).
    public func knownHosts(hashed: Bool = false) throws -> String {
        let key = try String(contentsOfFile: hostPublicKey, encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        let path = keys.path + "/known_hosts-\(UUID().uuidString.prefix(6))"
        try "[localhost]:\(port) \(key)\n".write(toFile: path, atomically: true, encoding: .utf8)
        if hashed {
            try Shell.run(["ssh-keygen", "-q", "-H", "-f", path])
        }
        return path
    }
}

/// `posix_spawn` of `command` (its first element the executable's path) with `environment` as the child's
/// whole environment, the C arrays made and freed here: posix_spawn's result (0, or an errno) and the pid.
public func spawn(
    _ command: [String], environment: [String: String], actions: inout posix_spawn_file_actions_t,
    attributes: UnsafePointer<posix_spawnattr_t>? = nil
) -> (result: Int32, pid: pid_t) {
    let argv = command.map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, command[0], &actions, attributes, argv, envp)
    return (result, pid)
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module does not export,
/// looked up at run time (RTLD_DEFAULT is the null handle on glibc).
private let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()

/// Makes a posix_spawn child close every descriptor from 3 up: a server holding the write end of some
/// other test's pipe (a `wriftsync` or `curl` child's output) would keep that test waiting for an end
/// of file for as long as the server runs.
public func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t, command: [String]) throws {
    guard let addCloseFrom, addCloseFrom(&actions, 3) == 0 else {
        throw Shell.Failure(command: command, status: errno, output: "posix_spawn_file_actions_addclosefrom_np (glibc 2.34+) failed")
    }
}

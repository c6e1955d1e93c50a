import Foundation

/// How WriftSync reads repositories. Defaults suit a controller reconciling every minute.
public struct GitSourceConfiguration: Sendable {
    /// Where mirrors live: `$XDG_CACHE_HOME/wriftsync`, else `~/.cache/wriftsync`.
    public var cacheDirectory: String
    /// How long a fetch (lock wait included) may take, in seconds.
    public var fetchTimeout: Double = 60
    /// The most bytes one fetch (a first clone included) may receive: a server sending without end would
    /// otherwise fill the disk at the network's speed until `fetchTimeout`.
    public var maxFetchSize: Int = Self.defaultMaxFetchSize
    /// 2 GiB: git hosts warn well below it, and it is the most libgit2 inflates for one object.
    public static let defaultMaxFetchSize = 2 << 30
    /// The most objects one fetch's pack may hold, checked against the count in its header before anything
    /// else is read: libgit2 keeps about 100 bytes per object while indexing, so 2 GiB of the smallest
    /// objects would take 20 GB. Process-wide in libgit2: one process fetches with one value.
    public var maxFetchObjects: Int = Self.defaultMaxFetchObjects
    /// 10 million, about the Linux kernel's history: about 1 GB of indexing at most.
    public static let defaultMaxFetchObjects = 10_000_000
    /// Files larger than this many bytes are refused.
    public var maxFileSize: Int = 1 << 20
    /// Credentials for the git server.
    public var credentials = GitCredentials()
    /// The known_hosts file SSH host keys are verified against; nil means `~/.ssh/known_hosts`.
    public var knownHostsFile: String?
    /// Extra CA certificates (PEM) trusted for HTTPS, in addition to the system's.
    public var caFile: String?
    /// Send credentials over plain `http://` to a host that is not loopback. Off by default: anyone on the
    /// path would read them.
    public var allowInsecureHTTP = false

    public init(cacheDirectory: String? = nil) {
        self.cacheDirectory = cacheDirectory ?? Self.defaultCacheDirectory()
    }

    /// `$XDG_CACHE_HOME/wriftsync`, else `$HOME/.cache/wriftsync`.
    public static func defaultCacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return xdg + "/wriftsync"
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.cache/wriftsync"
    }

    var resolvedKnownHostsFile: String {
        knownHostsFile ?? ((ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.ssh/known_hosts")
    }
}

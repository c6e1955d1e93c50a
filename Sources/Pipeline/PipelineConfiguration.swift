import Applier
import GitSource
import LiveState

/// Everything that shapes a pipeline, as nested values with working defaults: where the declarations are,
/// how much of the repository may be read, and the rails every apply passes.
public struct PipelineConfiguration: Sendable {
    /// The repository and the directory of declarations in it.
    public struct Repository: Sendable {
        /// The repository (credentials already taken out of its URL).
        public var spec: RepositorySpec
        /// How it is fetched (cache directory, credentials, timeout).
        public var source: GitSource
        /// The ref to read; `nil` for the remote's HEAD.
        public var ref: String?
        /// The directory of declarations inside the repository.
        public var directory: String
        /// The keys whose signatures are trusted; `nil` verifies nothing. With a policy, no commit without a
        /// valid signature by a trusted key is read further.
        public var signatures: SignaturePolicy?

        /// Creates repository settings.
        public init(spec: RepositorySpec, source: GitSource, ref: String? = nil, directory: String = "models", signatures: SignaturePolicy? = nil) {
            self.spec = spec
            self.source = source
            self.ref = ref
            self.directory = directory
            self.signatures = signatures
        }
    }

    /// Bounds on what one load reads, so that a hostile repository costs bounded time and memory.
    public struct Limits: Sendable {
        /// The largest file read, in bytes.
        public var maxFileSize: Int
        /// The most declaration files under the directory.
        public var maxFiles: Int
        /// The most bytes of declaration files together; also bounds them with their schemas files, and
        /// their YAML nodes (one per 16 bytes).
        public var maxTotalSize: Int

        /// Creates limits; the defaults are 1 MiB per file, 10,000 files and 32 MiB in all.
        public init(maxFileSize: Int = 1 << 20, maxFiles: Int = ReadLimits.defaultMaxFiles, maxTotalSize: Int = ReadLimits.defaultMaxTotalSize) {
            self.maxFileSize = maxFileSize
            self.maxFiles = maxFiles
            self.maxTotalSize = maxTotalSize
        }
    }

    /// The checks a plan passes before anything is applied.
    public struct Rails: Sendable {
        /// A plan deleting more versions than this is refused as a whole.
        public var maxDeletes: Int

        /// Creates rails; the default refuses plans deleting more than 10 versions.
        public init(maxDeletes: Int = ApplyRails.defaultMaxDeletes) {
            self.maxDeletes = maxDeletes
        }
    }

    /// The release gate: smoke tests of each new version before the model's older versions are deleted.
    public struct Gate: Sendable {
        /// Run the smoke tests (`--skip-smoke` turns them off, for emergencies).
        public var enabled: Bool
        /// The longest one test may take, whatever its `max_seconds` (`--smoke-timeout`).
        public var timeout: Duration

        /// Creates gate settings; the defaults run the tests with a 300 s cap each.
        public init(enabled: Bool = true, timeout: Duration = .seconds(300)) {
            self.enabled = enabled
            self.timeout = timeout
        }
    }

    /// Where the declarations are; `nil` for a pipeline that only checks and applies saved plans (its
    /// fetch and load stages must not be called).
    public var repository: Repository?
    /// What one load may read.
    public var limits: Limits
    /// What every apply passes.
    public var rails: Rails
    /// Version details kept on disk between runs (versions are immutable); `nil` keeps none.
    public var detailsCache: VersionDetailsCache?
    /// Requests per second an apply is paced at, for the plan's time estimate.
    public var rateLimit: Double
    /// Where WriftSync keeps its own state (the release gate's quarantine); `nil` keeps none, and no
    /// smoke test runs.
    public var stateDirectory: String?
    /// The release gate.
    public var gate: Gate

    /// Creates a configuration.
    public init(
        repository: Repository?, limits: Limits = Limits(), rails: Rails = Rails(),
        detailsCache: VersionDetailsCache? = nil, rateLimit: Double = 3, stateDirectory: String? = nil, gate: Gate = Gate()
    ) {
        self.repository = repository
        self.limits = limits
        self.rails = rails
        self.detailsCache = detailsCache
        self.rateLimit = rateLimit
        self.stateDirectory = stateDirectory
        self.gate = gate
    }
}

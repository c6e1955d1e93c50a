import ArgumentParser
import Foundation
import GitSource
import LiveState
import Pipeline

/// The flags every subcommand that reads the repository shares.
struct GitOptions: ParsableArguments {
    // Optional only because `apply --plan FILE` needs no repository; every other subcommand calls
    // `requireRepository()` in its `validate()`.
    @Option(name: .long, help: ArgumentHelp(HelpText.repo, valueName: "url-or-path"))
    var repo: String?

    @Option(name: .long, help: ArgumentHelp("Branch, tag, or full or abbreviated commit id (default: the remote's HEAD).", valueName: "ref"))
    var ref: String?

    @Option(name: .long, help: ArgumentHelp("Directory inside the repository holding the declarations.", valueName: "dir"))
    var path: String = "models"

    @Option(name: .long, help: ArgumentHelp("Where repository mirrors are cached (default: $XDG_CACHE_HOME/wriftsync, else ~/.cache/wriftsync).", valueName: "dir"))
    var cacheDir: String?

    @Option(name: .long, help: ArgumentHelp("Where WriftSync keeps its own state: history.jsonl (the record of every reconcile and apply that changed something, failed or was refused) and the release gate's quarantine (default: the cache directory).", valueName: "dir"))
    var stateDir: String?

    @Option(name: .long, help: ArgumentHelp("Seconds a fetch may take before it fails.", valueName: "seconds"))
    var gitTimeout: Double = 60

    @Option(name: .long, help: ArgumentHelp("Most bytes one fetch may receive (a first clone included); a larger one is stopped and fails.", valueName: "bytes"))
    var maxFetchSize: Int = GitSourceConfiguration.defaultMaxFetchSize

    @Option(name: .long, help: ArgumentHelp("Most objects one fetch may receive (a first clone included), checked before the pack is read.", valueName: "count"))
    var maxFetchObjects: Int = GitSourceConfiguration.defaultMaxFetchObjects

    @Option(name: .long, help: ArgumentHelp("Largest file read from the repository, in bytes.", valueName: "bytes"))
    var maxFileSize: Int = 1 << 20

    @Option(name: .long, help: ArgumentHelp("Most files read from --path (declarations; for `source`, every file).", valueName: "count"))
    var maxFiles: Int = ReadLimits.defaultMaxFiles

    @Option(name: .long, help: ArgumentHelp("Most bytes read from --path, all files together; also bounds the declarations with their schemas files, and their YAML nodes (one per 16 bytes).", valueName: "bytes"))
    var maxTotalSize: Int = ReadLimits.defaultMaxTotalSize

    @Option(name: .long, help: ArgumentHelp("HTTP user name (sent with the password or token below).", valueName: "name"))
    var gitUsername: String?

    @Option(name: .long, help: ArgumentHelp("Environment variable holding the HTTP password or access token.", valueName: "var"))
    var gitPasswordEnv: String?

    @Option(name: .long, help: ArgumentHelp("File holding the HTTP password or access token.", valueName: "file"))
    var gitPasswordFile: String?

    @Option(name: .long, help: ArgumentHelp("Environment variable holding an HTTP bearer token.", valueName: "var"))
    var gitBearerTokenEnv: String?

    @Option(name: .long, help: ArgumentHelp("File holding an HTTP bearer token.", valueName: "file"))
    var gitBearerTokenFile: String?

    @Option(name: .long, help: ArgumentHelp("SSH private key (ed25519 or ECDSA); KEY.pub is used when present.", valueName: "file"))
    var sshKey: String?

    @Option(name: .long, help: ArgumentHelp("Environment variable holding the SSH key's passphrase.", valueName: "var"))
    var sshPassphraseEnv: String?

    @Option(name: .long, help: ArgumentHelp("File holding the SSH key's passphrase.", valueName: "file"))
    var sshPassphraseFile: String?

    @Option(name: .long, help: ArgumentHelp("known_hosts file SSH host keys are verified against (default: ~/.ssh/known_hosts).", valueName: "file"))
    var knownHosts: String?

    @Option(name: .long, help: ArgumentHelp("Extra CA certificates (PEM) to trust for HTTPS, added to the system's.", valueName: "file"))
    var gitCaFile: String?

    @Flag(name: .long, help: "Allow sending git credentials over plain http:// to a host that is not loopback (they would travel unencrypted).")
    var gitInsecureHttp = false

    @Option(name: .long, help: ArgumentHelp("SSH keys trusted to sign commits, in ssh-keygen's allowed_signers format (git's gpg.ssh.allowedSignersFile). With this or --trusted-gpg-keys, only commits with a valid signature by a trusted key are acted on.", valueName: "file"))
    var trustedSigners: String?

    @Option(name: .long, help: ArgumentHelp("OpenPGP public keys trusted to sign commits, ASCII-armoured (gpg --armor --export FINGERPRINT).", valueName: "file"))
    var trustedGpgKeys: String?

    @Option(name: .long, help: ArgumentHelp("Which commits must be signed: head (the commit the ref resolves to), or all-since-last (also every commit since the last applied one, merged ones included; only `run` keeps a last applied commit, elsewhere this is head).", valueName: "mode"))
    var verifyMode: VerifyMode = .head

    func validate() throws {
        if gitPasswordEnv != nil && gitPasswordFile != nil {
            throw ValidationError("Give --git-password-env or --git-password-file, not both.")
        }
        if gitBearerTokenEnv != nil && gitBearerTokenFile != nil {
            throw ValidationError("Give --git-bearer-token-env or --git-bearer-token-file, not both.")
        }
        if (gitPasswordEnv ?? gitPasswordFile) != nil && (gitBearerTokenEnv ?? gitBearerTokenFile) != nil {
            throw ValidationError("Give a password or a bearer token, not both.")
        }
        if sshPassphraseEnv != nil && sshPassphraseFile != nil {
            throw ValidationError("Give --ssh-passphrase-env or --ssh-passphrase-file, not both.")
        }
        if (sshPassphraseEnv ?? sshPassphraseFile) != nil && sshKey == nil {
            throw ValidationError("An SSH passphrase needs --ssh-key.")
        }
        guard gitTimeout > 0 else { throw ValidationError("--git-timeout must be positive.") }
        guard maxFetchSize > 0 else { throw ValidationError("--max-fetch-size must be positive.") }
        guard maxFetchObjects > 0 else { throw ValidationError("--max-fetch-objects must be positive.") }
        guard maxFileSize > 0 else { throw ValidationError("--max-file-size must be positive.") }
        guard maxFiles > 0 else { throw ValidationError("--max-files must be positive.") }
        guard maxTotalSize > 0 else { throw ValidationError("--max-total-size must be positive.") }
        // A missing or empty file of trusted keys fails here, at start; its content is parsed by
        // `signaturePolicy()`, which reports each problem as file:line.
        do {
            if let trustedSigners { try SignaturePolicy.checkFile(trustedSigners, flag: "--trusted-signers") }
            if let trustedGpgKeys { try SignaturePolicy.checkFile(trustedGpgKeys, flag: "--trusted-gpg-keys") }
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The signature policy of `--trusted-signers`, `--trusted-gpg-keys` and `--verify-mode`, read and
    /// checked now; nil when neither file is given (commits are not verified).
    func signaturePolicy() throws(SignaturePolicyError) -> SignaturePolicy? {
        try SignaturePolicy.load(trustedSigners: trustedSigners, trustedGPGKeys: trustedGpgKeys, mode: verifyMode)
    }

    /// Fails validation when `--repo` is missing, with the message ArgumentParser gives a required option.
    func requireRepository() throws {
        guard repo != nil else { throw ValidationError("Missing expected argument '--repo <url-or-path>'") }
    }

    /// `--repo` as it may be printed or logged: without the credentials a URL may embed.
    var displayRepository: String {
        guard let repo else { return "" }
        return (try? RepositorySpec(repo))?.description ?? Redaction.redactURL(repo)
    }

    /// The repository spec and the source configuration these flags describe; reads the secrets.
    func makeSource() throws -> (RepositorySpec, GitSource) {
        guard let repo else { throw ValidationError("Missing expected argument '--repo <url-or-path>'") }
        let spec = try RepositorySpec(repo)
        try checkLocalRepository(spec)
        var configuration = GitSourceConfiguration(cacheDirectory: cacheDir)
        configuration.fetchTimeout = gitTimeout
        configuration.maxFetchSize = maxFetchSize
        configuration.maxFetchObjects = maxFetchObjects
        configuration.maxFileSize = maxFileSize
        configuration.knownHostsFile = knownHosts
        configuration.caFile = gitCaFile
        configuration.allowInsecureHTTP = gitInsecureHttp
        var credentials = GitCredentials(username: gitUsername)
        credentials.password = try secret(env: gitPasswordEnv, file: gitPasswordFile)
        credentials.bearerToken = try secret(env: gitBearerTokenEnv, file: gitBearerTokenFile)
        if let sshKey {
            credentials.sshKey = .init(privateKeyPath: sshKey, passphrase: try secret(env: sshPassphraseEnv, file: sshPassphraseFile))
        }
        configuration.credentials = credentials
        return (spec, GitSource(configuration: configuration))
    }

    private func secret(env: String?, file: String?) throws -> Secret? {
        if let env { return try Secret.environment(env) }
        if let file { return try Secret.file(file) }
        return nil
    }
}

extension VerifyMode: ExpressibleByArgument {}

extension GitOptions {
    /// The cache directory: mirrors, version details, the shared pacing state and the run lock live here.
    var cacheDirectory: String { cacheDir ?? GitSourceConfiguration.defaultCacheDirectory() }

    /// The cache directory when `--cache-dir` is not given.
    static var defaultCacheDirectory: String { GitSourceConfiguration.defaultCacheDirectory() }

    /// Where WriftSync's own state lives: `--state-dir`, else the cache directory.
    var stateDirectory: String { stateDir ?? cacheDirectory }

    /// The cache of version details, beside the repository mirrors.
    func versionDetailsCache(api: APIOptions) -> VersionDetailsCache {
        VersionDetailsCache(cacheDirectory: cacheDirectory, baseURL: api.baseURL)
    }
}

extension GitOptions {
    /// The pipeline these flags describe: the repository, its read limits, the details cache of the API
    /// `api` names (none without one), and the rails. Reads the git secrets.
    func pipeline(
        api: APIOptions? = nil, maxDeletes: Int = PipelineConfiguration.Rails().maxDeletes, gate: PipelineConfiguration.Gate = .init()
    ) throws -> ReconcilePipeline {
        let (spec, source) = try makeSource()
        return ReconcilePipeline(configuration: PipelineConfiguration(
            repository: .init(spec: spec, source: source, ref: ref, directory: path, signatures: try signaturePolicy()),
            limits: .init(maxFileSize: maxFileSize, maxFiles: maxFiles, maxTotalSize: maxTotalSize),
            rails: .init(maxDeletes: maxDeletes),
            detailsCache: api.map { versionDetailsCache(api: $0) },
            rateLimit: api?.rateLimit ?? 3,
            stateDirectory: stateDirectory,
            gate: gate
        ))
    }
}

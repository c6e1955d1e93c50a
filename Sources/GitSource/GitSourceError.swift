import Foundation

/// Everything that can go wrong while reading desired state from git. Each description says what failed
/// and what the user can do about it; none ever contains a credential.
public enum GitSourceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A libgit2 function failed; `function` is its C name, `message` libgit2's own text.
    case libgit2(function: String, code: Int32, message: String)
    /// The `--repo` value is not a repository URL or path WriftSync understands.
    case invalidRepository(spec: String, reason: String)
    /// The server refused the credentials (or asked for some and none were configured).
    case authenticationFailed(url: String, detail: String)
    /// A credential could not be read from its environment variable or file.
    case credentialUnavailable(source: String, reason: String)
    /// The SSH server's host key is not in the known_hosts file.
    case unknownHostKey(host: String, fingerprint: String, knownHosts: String)
    /// The SSH server offered a key that differs from the one in known_hosts.
    case hostKeyMismatch(host: String, fingerprint: String, knownHosts: String)
    /// SSH needs a known_hosts file and none was given or found.
    case knownHostsMissing(path: String)
    /// The TLS certificate could not be verified.
    case certificateRejected(url: String, message: String)
    /// The fetch did not finish within the timeout.
    case timeout(url: String, seconds: Double)
    /// The fetch received more bytes than the cap, and was stopped.
    case fetchTooLarge(url: String, limit: Int)
    /// The pack the server sends holds more objects than the cap; refused from its header.
    case fetchTooManyObjects(url: String, limit: Int)
    /// Another process held the mirror's lock for longer than the timeout.
    case lockTimeout(path: String, seconds: Double)
    /// The remote has no branches at all.
    case emptyRepository(url: String)
    /// No branch, tag or commit matches the ref.
    case refNotFound(ref: String, url: String, available: [String])
    /// The ref names both a branch and a tag.
    case ambiguousRef(ref: String, url: String)
    /// The path to read does not exist at that commit.
    case pathNotFound(path: String, commit: String)
    /// A symbolic link was found under the read path; WriftSync never follows links.
    case symlinkRefused(path: String)
    /// A submodule was found under the read path; its content is not part of this repository.
    case submoduleRefused(path: String)
    /// A path names a directory (or something else) where a file was expected.
    case notAFile(path: String)
    /// A file is larger than the size cap.
    case fileTooLarge(path: String, size: Int, limit: Int)
    /// A commit, tag or tree object is larger than WriftSync reads (`what` names it: `commit 4a32…`); its size
    /// comes from the object's header, so it was never inflated.
    case objectTooLarge(what: String, size: Int, limit: Int)
    /// The directory read holds more files to read than the cap (`count` is where counting stopped).
    case tooManyFiles(path: String, count: Int, limit: Int)
    /// The files to read under the directory are larger together than the cap.
    case filesTooLarge(path: String, size: Int, limit: Int)
    /// Directories are nested deeper than the limit below the directory read.
    case tooDeep(path: String, limit: Int)
    /// Credentials would go over plain HTTP to a host that is not loopback.
    case insecureCredentials(url: String, host: String)
    /// A file in the cache directory could not be created, locked or written.
    case cacheUnavailable(path: String, reason: String)
    /// A local `--repo` is a directory inside a repository rather than its root; `directory` is the `--path`
    /// that names the declarations from the root.
    case insideRepository(path: String, root: String, directory: String)
    /// The working tree was asked for, and the repository has none (a URL, read through a bare mirror, or a
    /// bare repository).
    case noWorkingTree(repository: String)
    /// The path to read does not exist in the working tree.
    case worktreePathNotFound(path: String, workingDirectory: String)

    /// One line: the paths and messages inside come from the repository and the server, and a file name
    /// holding a line break must not forge a second log line.
    public var description: String {
        // libgit2 quotes the URL it fetched, query included, and some hosts take a token there.
        Self.escapingControlCharacters(Redaction.redactURLs(in: message))
    }

    private var message: String {
        switch self {
        case let .libgit2(function, code, message):
            return "\(function) failed (\(code)): \(message)\(Self.hint(function: function, message: message))"
        case let .invalidRepository(spec, reason):
            return "invalid repository '\(Redaction.redactURL(spec))': \(reason). Use an https://, http://, ssh://, git:// or file:// URL, an scp-like git@host:path, or the path of a local repository."
        case let .authenticationFailed(url, detail):
            return "authentication failed for \(url): \(detail). Check --git-username with --git-password-env/--git-password-file, --git-bearer-token-env/--git-bearer-token-file, or --ssh-key."
        case let .credentialUnavailable(source, reason):
            return "cannot read credential from \(source): \(reason)"
        case let .unknownHostKey(host, fingerprint, knownHosts):
            return "SSH host key for \(host) is unknown (offered \(fingerprint)); not connecting. If that fingerprint is the server's, add its key to \(knownHosts) (for example with `ssh-keyscan`) and retry."
        case let .hostKeyMismatch(host, fingerprint, knownHosts):
            return "SSH host key for \(host) DOES NOT MATCH \(knownHosts) (offered \(fingerprint)); not connecting. The server's key changed or someone is intercepting the connection: verify the new key with the server's owner before updating \(knownHosts)."
        case let .knownHostsMissing(path):
            return "SSH host keys are always verified, but the known_hosts file \(path) does not exist. Pass --known-hosts FILE with the server's key (for example from `ssh-keyscan HOST`)."
        case let .certificateRejected(url, message):
            return "TLS certificate of \(url) was rejected: \(message). If the server uses a private CA, pass its certificate with --git-ca-file."
        case let .timeout(url, seconds):
            return "fetching \(url) timed out after \(Self.format(seconds)) s. Check that the server is reachable, or raise --git-timeout."
        case let .fetchTooLarge(url, limit):
            return "fetching \(url) was stopped after more than \(limit) bytes (--max-fetch-size): the repository's new objects are larger than that, or the server sends more than the repository holds. If the repository is that large, raise --max-fetch-size."
        case let .fetchTooManyObjects(url, limit):
            return "fetching \(url) was refused: the server sends more than \(limit) objects (--max-fetch-objects). If the repository is that large, raise --max-fetch-objects."
        case let .lockTimeout(path, seconds):
            return "another process has held the lock \(path) for over \(Self.format(seconds)) s; waiting gave up. If no other wriftsync is running, the lock is stale only if that file's process is gone; the lock is released automatically when it exits."
        case let .emptyRepository(url):
            return "repository \(url) has no branches; push a commit first."
        case let .refNotFound(ref, url, available):
            let known = available.isEmpty ? "" : " Available: \(available.joined(separator: ", "))\(available.count >= 10 ? ", …" : "")."
            return "ref '\(ref)' not found in \(url): no branch, tag or commit of that name.\(known)"
        case let .ambiguousRef(ref, url):
            return "ref '\(ref)' names both a branch and a tag in \(url); nothing was read. Pass --ref refs/tags/\(ref) or --ref refs/heads/\(ref)."
        case let .pathNotFound(path, commit):
            return "path '\(path)' does not exist at commit \(commit.prefix(12)); check --path."
        case let .symlinkRefused(path):
            return "\(path): is a symbolic link; WriftSync never follows links in the repository. Replace it with the file itself."
        case let .submoduleRefused(path):
            return "\(path): is a submodule; its content is not part of this repository. Copy the files in instead."
        case let .notAFile(path):
            return "\(path): is not a regular file."
        case let .fileTooLarge(path, size, limit):
            return "\(path): is \(size) bytes, over the \(limit)-byte limit; split it or raise --max-file-size."
        case let .objectTooLarge(what, size, limit):
            return "\(what) is \(size) bytes, over the \(limit)-byte limit for such an object; WriftSync did not read it. Point --ref at a commit without it."
        case let .tooManyFiles(path, count, limit):
            return "\(path.isEmpty ? "the repository" : path): holds more than \(limit) files to read (stopped counting at \(count)); remove some or raise --max-files."
        case let .tooDeep(path, limit):
            let shown = path.count > 120 ? String(path.prefix(120)) + "…" : path
            return "\(shown): directories nested more than \(limit) deep; WriftSync reads at most \(limit) levels below --path."
        case let .filesTooLarge(path, size, limit):
            return "\(path.isEmpty ? "the repository" : path): the files to read total more than \(limit) bytes (at least \(size)); remove some or raise --max-total-size."
        case let .cacheUnavailable(path, reason):
            return "cache \(path): \(reason). Check --cache-dir is writable."
        case let .insideRepository(path, root, directory):
            return "\(path) is not the root of a git repository: it is a directory inside the repository at \(root). Use --repo \(root) --path \(directory) (--path is relative to the repository's root)."
        case let .noWorkingTree(repository):
            return "\(repository) has no working tree to read (--worktree reads a local repository's working directory; a URL is read through a bare mirror). Give --repo the path of a local checkout, or leave out --worktree to read the commit."
        case let .worktreePathNotFound(path, workingDirectory):
            return "path '\(path)' does not exist in the working tree of \(workingDirectory); check --path."
        case let .insecureCredentials(url, host):
            return "refusing to send git credentials over plain http:// to \(host) (\(url)): anyone on the path could read them. Use an https:// URL, or allow it explicitly with --git-insecure-http."
        }
    }

    private static func hint(function: String, message: String) -> String {
        let lowered = message.lowercased()
        if lowered.contains("not owned by current user") {
            return ". The repository belongs to another user; run WriftSync as its owner or give it a copy."
        }
        if lowered.contains("could not resolve") || lowered.contains("failed to resolve address") {
            return ". Check the host name in --repo."
        }
        if lowered.contains("connection refused") || lowered.contains("failed to connect") {
            return ". Check that the server is running and the port in --repo is right."
        }
        if lowered.contains("not found") || lowered.contains("404") || lowered.contains("does not appear to be a git repository") {
            return ". Check the repository path in --repo and that your credentials can see it."
        }
        return ""
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }

    /// Line breaks, tabs and other control characters (C0, DEL, C1, LS, PS) as `\n`, `\r`, `\t` or `\u{…}`.
    static func escapingControlCharacters(_ text: String) -> String {
        func isControl(_ scalar: Unicode.Scalar) -> Bool {
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
        }
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where isControl(scalar): result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

import Foundation
import GitSource

/// An SSH key pair made by `ssh-keygen` for signing commits (`gpg.format=ssh`), removed with the value.
public final class SSHSigningKey: @unchecked Sendable {
    public let directory: TemporaryDirectory
    /// `ed25519`, or `ecdsa` with `bits` 256, 384 or 521.
    public let type: String
    public var privateKey: String { directory.path + "/key" }
    public var publicKeyFile: String { privateKey + ".pub" }

    public init(_ type: String = "ed25519", bits: Int? = nil) throws {
        directory = try TemporaryDirectory("sshsign")
        self.type = type
        try Shell.run(["ssh-keygen", "-q", "-t", type] + (bits.map { ["-b", String($0)] } ?? []) + ["-N", "", "-C", "test-signer", "-f", directory.path + "/key"])
    }

    /// `keytype base64` from the .pub file.
    public var publicKey: String {
        get throws { try String(contentsOfFile: publicKeyFile, encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ") }
    }

    /// `SHA256:…` as `ssh-keygen -l` prints it.
    public var fingerprint: String {
        get throws { String(try Shell.run(["ssh-keygen", "-l", "-f", publicKeyFile]).split(separator: " ")[1]) }
    }

    /// An allowed_signers line for this key.
    public func allowedSignersLine(principals: String = "deploy@acme.example", options: String? = nil) throws -> String {
        [principals, options, try publicKey].compactMap { $0 }.joined(separator: " ")
    }

    /// `ssh-keygen -Y sign -n namespace` of `message`: an armoured SSHSIG.
    public func sign(_ message: Data, namespace: String = "git") throws -> Data {
        let file = directory.path + "/message-\(UUID().uuidString.prefix(6))"
        try message.write(to: URL(fileURLWithPath: file))
        try Shell.run(["ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", privateKey, file])
        return try Data(contentsOf: URL(fileURLWithPath: file + ".sig"))
    }
}

/// An OpenPGP key made by `gpg --batch --quick-gen-key` (no passphrase) in a GNUPGHOME of its own. The
/// gpg-agent that signing starts there is stopped, and the home removed, with the value.
public final class GPGSigningKey: @unchecked Sendable {
    public let home: TemporaryDirectory
    public let fingerprint: String
    public let userID: String

    /// `expire` as gpg takes it (`0` never, `1d`, …); `fakedTime` (`20200101T000000`) makes the key as if then.
    public init(userID: String = "Deploy Bot <deploy@acme.example>", algorithm: String = "ed25519", expire: String = "0", fakedTime: String? = nil) throws {
        home = try TemporaryDirectory("gpgtest")
        self.userID = userID
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: home.path)
        let faked = fakedTime.map { ["--faked-system-time", $0] } ?? []
        try Shell.run(["gpg", "--batch", "--quiet", "--homedir", home.path, "--passphrase", "", "--pinentry-mode", "loopback"] + faked
                      + ["--quick-gen-key", userID, algorithm, "sign", expire])
        let listing = try Shell.run(["gpg", "--batch", "--homedir", home.path, "--with-colons", "--list-keys"])
        fingerprint = listing.split(separator: "\n").first { $0.hasPrefix("fpr:") }.map { String($0.split(separator: ":", omittingEmptySubsequences: false)[9]) } ?? ""
    }

    deinit {
        _ = try? Shell.run(["gpgconf", "--homedir", home.path, "--kill", "all"])
        // The agent deletes its sockets as it exits, which can make a removal racing it fail half-way: retry
        // for up to a second.
        for _ in 0..<100 where FileManager.default.fileExists(atPath: home.path) {
            try? FileManager.default.removeItem(atPath: home.path)
            if FileManager.default.fileExists(atPath: home.path) { usleep(10_000) }
        }
    }

    /// The public key, ASCII-armoured.
    public func exportPublicKey() throws -> String {
        try Shell.run(["gpg", "--batch", "--homedir", home.path, "--armor", "--export", fingerprint])
    }

    /// Revokes the key with the revocation certificate gpg made with it.
    public func revoke() throws {
        let certificate = home.path + "/openpgp-revocs.d/\(fingerprint).rev"
        // gpg prefixes the certificate's armour with ':' so that it is not imported by accident.
        let text = try String(contentsOfFile: certificate, encoding: .utf8).replacingOccurrences(of: ":-----BEGIN", with: "-----BEGIN")
        try Shell.run(["gpg", "--batch", "--quiet", "--homedir", home.path, "--import"], input: Data(text.utf8))
    }

    /// A `gpg.program` for git that runs gpg in this home (and at `fakedTime`, if given).
    public func gpgProgram(fakedTime: String? = nil) throws -> String {
        let path = home.path + "/gpg-\(UUID().uuidString.prefix(6))"
        let faked = fakedTime.map { " --faked-system-time \($0)" } ?? ""
        let script = "#!/bin/sh\nexec gpg --homedir '\(home.path)' --pinentry-mode loopback --passphrase ''\(faked) \"$@\"\n"
        // Written by a child, not this process: a descriptor open for writing here could be inherited by a process
        // another test spawns at that moment, and git's exec of the script would then fail with ETXTBSY.
        try Shell.run(["sh", "-c", "cat > \"$0\" && chmod 700 \"$0\"", path], input: Data(script.utf8))
        return path
    }
}

extension TestRepository {
    /// Commits everything as `email`, signed with an SSH key (`gpg.format=ssh`), with a GPG key, or not
    /// at all; `date` sets the committer date (git's formats, e.g. `2020-01-01T00:00:00Z`).
    @discardableResult
    public func signedCommit(_ message: String, email: String = "deploy@acme.example", ssh: SSHSigningKey? = nil, gpg: GPGSigningKey? = nil, gpgProgram: String? = nil, date: String? = nil) throws -> CommitID {
        var environment = self.environment
        environment["GIT_COMMITTER_EMAIL"] = email
        environment["GIT_AUTHOR_EMAIL"] = email
        if let date {
            environment["GIT_COMMITTER_DATE"] = date
            environment["GIT_AUTHOR_DATE"] = date
        }
        var command = ["git"]
        if let ssh { command += ["-c", "gpg.format=ssh", "-c", "user.signingkey=\(ssh.privateKey)"] }
        if let gpg { command += ["-c", "gpg.format=openpgp", "-c", "user.signingkey=\(gpg.fingerprint)", "-c", "gpg.program=\(try gpgProgram ?? gpg.gpgProgram())"] }
        try Shell.run(["git", "add", "-A"], in: path, environment: environment)
        try Shell.run(command + ["commit", "-q", "--allow-empty", "-m", message] + (ssh != nil || gpg != nil ? ["-S"] : []), in: path, environment: environment)
        return try head()
    }

    /// Rewrites the head commit's message, keeping its signature, and moves `branch` to the result: the
    /// signature no longer covers the commit's bytes.
    @discardableResult
    public func tamperWithHead(branch: String = "main") throws -> CommitID {
        let original = try git("cat-file", "commit", "HEAD")
        guard let range = original.range(of: "\n\n") else { throw Shell.Failure(command: ["tamper"], status: -1, output: original) }
        let tampered = original[..<range.upperBound] + "tampered after signing\n"
        let id = try Shell.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], in: path, environment: environment, input: Data(tampered.utf8))
        try git("update-ref", "refs/heads/\(branch)", id)
        return CommitID(hex: id)!
    }
}

extension TestRepository {
    /// A commit on top of `main` written by hand, with `signature` (its lines joined by newlines) as its
    /// `gpgsig` header and `message`: what a hostile pusher can put in a commit object.
    @discardableResult
    public func commit(withSignatureHeader signature: String, message: String = "hand-made\n") throws -> CommitID {
        let tree = try git("rev-parse", "HEAD^{tree}")
        let parent = try head().hex
        let header = signature.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n ")
        let object = "tree \(tree)\nparent \(parent)\nauthor A <deploy@acme.example> 1700000000 +0000\ncommitter A <deploy@acme.example> 1700000000 +0000\ngpgsig \(header)\n\n\(message)"
        let id = try Shell.run(["git", "hash-object", "-t", "commit", "-w", "--stdin", "--literally"], in: path, environment: environment, input: Data(object.utf8))
        try git("update-ref", "refs/heads/main", id)
        return CommitID(hex: id)!
    }
}

/// Writes `lines` to a file in `directory` and returns its path.
public func writeFile(_ lines: [String], in directory: TemporaryDirectory, name: String) throws -> String {
    let path = directory.path + "/" + name
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

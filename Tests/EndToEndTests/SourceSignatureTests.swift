import Foundation
import Testing
@testable import GitSource
import WriftSyncTesting

/// `wriftsync source --trusted-signers/--trusted-gpg-keys`, run as a user runs it (the built executable).
@Suite(.onOwnThreads) struct SourceSignatureTests {
    let repository: TestRepository
    let keys: TemporaryDirectory
    let cache: TemporaryDirectory

    init() throws {
        repository = try TestRepository()
        keys = try TemporaryDirectory("trust")
        cache = try TemporaryDirectory("cli")
    }

    func source(_ url: String, _ extra: [String], environment: [String: String] = [:]) throws -> SourceCommandTests.Run {
        try SourceCommandTests.run(["source", "--repo", url, "--cache-dir", cache.path] + extra, environment: environment)
    }

    @Test func printsAGoodSSHSignatureInTextAndJSON() throws {
        let key = try SSHSigningKey()
        let head = try repository.signedCommit("signed", ssh: key)
        let daemon = try GitDaemon(serving: repository)
        let signers = try writeFile(["# deploy", try key.allowedSignersLine()], in: keys, name: "allowed_signers")
        let text = try source(daemon.url, ["--trusted-signers", signers])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("commit      \(head.hex)\nsignature   good, ssh ed25519 \(try key.fingerprint) (deploy@acme.example)\n"))

        let json = try source(daemon.url, ["--trusted-signers", signers, "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let signature = try #require(object["signature"] as? [String: String])
        #expect(signature == ["status": "good", "method": "ssh", "key_type": "ed25519", "fingerprint": try key.fingerprint, "signer": "deploy@acme.example"])
    }

    @Test func printsAGoodOpenPGPSignature() throws {
        let key = try GPGSigningKey()
        try repository.signedCommit("signed", gpg: key)
        let server = try HTTPGitServer(serving: repository)
        let trusted = try writeFile([try key.exportPublicKey()], in: keys, name: "keys.asc")
        // The private keyrings go under TMPDIR: a directory of this test's, empty again afterwards.
        let temporary = try TemporaryDirectory("tmpdir")
        let result = try source(server.url, ["--trusted-gpg-keys", trusted, "--json"], environment: ["TMPDIR": temporary.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path) == [], "every private GnuPG home is removed")
        let stranger = try GPGSigningKey(userID: "Mallory <mallory@evil.example>")
        let strange = try repository.signedCommit("by a stranger", gpg: stranger)
        let refused = try source(server.url, ["--trusted-gpg-keys", trusted], environment: ["TMPDIR": temporary.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("error: commit \(strange.hex) refused: signed by an untrusted OpenPGP key (key "))
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path) == [], "removed after a refusal too")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["signature"] as? [String: String] == [
            "status": "good", "method": "openpgp", "key_type": "ed25519", "fingerprint": key.fingerprint, "signer": "Deploy Bot <deploy@acme.example>",
        ])
    }

    @Test func withoutTrustedKeysTheSignatureIsNotChecked() throws {
        let text = try source(repository.path, [])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("signature   not checked (no --trusted-signers or --trusted-gpg-keys)\n"))
        let json = try source(repository.path, ["--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["signature"] as? [String: String] == ["status": "not-checked"])
    }

    @Test func aRefusalExitsOneWithOneLineAndNoListing() throws {
        let trusted = try SSHSigningKey()
        let stranger = try SSHSigningKey()
        let signers = try writeFile([try trusted.allowedSignersLine()], in: keys, name: "allowed_signers")
        let daemon = try GitDaemon(serving: repository)

        let unsigned = try repository.head()
        let refused = try source(daemon.url, ["--trusted-signers", signers])
        #expect(refused.status == 1)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr == "error: commit \(unsigned.hex) refused: not signed; only commits signed by a key in --trusted-signers or --trusted-gpg-keys are acted on\n")

        let strange = try repository.signedCommit("by a stranger", ssh: stranger)
        let untrusted = try source(daemon.url, ["--trusted-signers", signers, "--json"])
        #expect(untrusted.status == 1)
        #expect(untrusted.stdout.isEmpty)
        #expect(untrusted.stderr == "error: commit \(strange.hex) refused: signed by an untrusted SSH ed25519 key (key \(try stranger.fingerprint)); to trust it, add its public key to \(signers)\n")

        try repository.signedCommit("by the trusted key", ssh: trusted)
        let tampered = try repository.tamperWithHead()
        let bad = try source(daemon.url, ["--trusted-signers", signers])
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("error: commit \(tampered.hex) refused: bad signature"))
        #expect(bad.stderr.split(separator: "\n").count == 1)
    }

    @Test func badTrustFilesFailAtStartNamingTheFileAndLine() throws {
        let key = try SSHSigningKey()
        let broken = try writeFile(["# ok", try key.allowedSignersLine(), "*@acme.example cert-authority \(try key.publicKey)"], in: keys, name: "allowed_signers")
        let parsed = try source(repository.path, ["--trusted-signers", broken])
        #expect(parsed.status == 1)
        #expect(parsed.stderr == "error: \(broken):3: cert-authority is not supported: WriftSync trusts signing keys themselves, not SSH certificates; list each signer's public key instead of the CA's\n")

        let missing = keys.path + "/nope"
        let unreadable = try source(repository.path, ["--trusted-signers", missing])
        #expect(unreadable.status != 0)
        #expect(unreadable.stderr.contains("--trusted-signers \(missing): cannot be read: no such file"))

        let empty = try writeFile([""], in: keys, name: "empty.asc")
        let emptyKeys = try source(repository.path, ["--trusted-gpg-keys", empty])
        #expect(emptyKeys.status != 0)
        #expect(emptyKeys.stderr.contains("--trusted-gpg-keys \(empty): the file is empty"))

        let secret = try writeFile(["-----BEGIN PGP PRIVATE KEY BLOCK-----", "", "lFgE", "-----END PGP PRIVATE KEY BLOCK-----"], in: keys, name: "secret.asc")
        let secretKeys = try source(repository.path, ["--trusted-gpg-keys", secret])
        #expect(secretKeys.status == 1)
        #expect(secretKeys.stderr.contains("--trusted-gpg-keys \(secret): holds a PRIVATE key"))

        let garbage = try writeFile(["-----BEGIN PGP PUBLIC KEY BLOCK-----", "", "bm90IGEga2V5", "-----END PGP PUBLIC KEY BLOCK-----"], in: keys, name: "garbage.asc")
        let garbageKeys = try source(repository.path, ["--trusted-gpg-keys", garbage])
        #expect(garbageKeys.status == 1)
        #expect(garbageKeys.stderr.contains("--trusted-gpg-keys \(garbage): gpg found no usable public key in it"))

        let mode = try source(repository.path, ["--trusted-signers", broken, "--verify-mode", "everything"])
        #expect(mode.status != 0)
        #expect(mode.stderr.contains("Please provide one of 'head' and 'all-since-last'"))
    }

    @Test func allSinceLastWithoutALastCommitChecksTheHead() throws {
        let key = try SSHSigningKey()
        try repository.signedCommit("signed", ssh: key)
        let signers = try writeFile([try key.allowedSignersLine()], in: keys, name: "allowed_signers")
        let result = try source(repository.path, ["--trusted-signers", signers, "--verify-mode", "all-since-last"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("signature   good, ssh ed25519"))
    }
}

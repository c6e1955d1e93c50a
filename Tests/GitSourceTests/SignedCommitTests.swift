import Foundation
import Testing
@testable import GitSource
import WriftSyncTesting

/// Commit signature verification with real keys made at test time (`ssh-keygen`, `gpg --quick-gen-key`),
/// commits signed by `git commit -S`, fetched over git daemon and smart HTTP like every other source.
@Suite(.onOwnThreads) struct SignedCommitTests {
    /// A repository whose head is signed as `email` by `ssh` or `gpg` (or unsigned), served by `server`.
    struct Setup {
        let repository: TestRepository
        let keys: TemporaryDirectory
        let fixture: SourceFixture

        init() throws {
            repository = try TestRepository()
            keys = try TemporaryDirectory("trust")
            fixture = try SourceFixture()
        }

        func allowedSigners(_ lines: [String]) throws -> AllowedSigners {
            try AllowedSigners(contentsOf: writeFile(lines, in: keys, name: "allowed_signers-\(UUID().uuidString.prefix(6))"))
        }

        func openPGPKeys(_ keys: [GPGSigningKey]) throws -> OpenPGPKeys {
            try OpenPGPKeys(contentsOf: writeFile(keys.map { try $0.exportPublicKey() }, in: self.keys, name: "keys-\(UUID().uuidString.prefix(6)).asc"))
        }

        /// Fetches `url` into a mirror and verifies what `ref` resolves to.
        func verify(_ url: String, ref: String = "main", policy: SignaturePolicy, since: CommitID? = nil) throws(SignatureRefusal) -> SignatureVerification {
            let synced: GitSource.SyncResult, resolved: ResolvedRef
            do {
                synced = try fixture.sync(url)
                resolved = try synced.repository.resolve(ref)
            } catch {
                throw SignatureRefusal(commit: CommitID(hex: String(repeating: "0", count: 40))!, reason: .verificationFailed("fetch: \(error)"))
            }
            return try synced.repository.verify(commit: resolved.commit, policy: policy, since: since)
        }
    }

    func refusal(_ body: () throws(SignatureRefusal) -> SignatureVerification) -> SignatureRefusal? {
        do {
            let verification = try body()
            Issue.record("expected a refusal, got \(verification)")
            return nil
        } catch {
            return error
        }
    }

    // MARK: accepted

    @Test func acceptsAnEd25519SignatureOverGitDaemon() throws {
        let setup = try Setup()
        let key = try SSHSigningKey("ed25519")
        let head = try setup.repository.signedCommit("signed", ssh: key)
        let daemon = try GitDaemon(serving: setup.repository)
        let policy = SignaturePolicy(allowedSigners: try setup.allowedSigners([try key.allowedSignersLine()]), openPGPKeys: nil)
        let verification = try setup.verify(daemon.url, policy: policy)
        #expect(verification == SignatureVerification(commit: head, method: .ssh, keyType: "ed25519", fingerprint: try key.fingerprint, signer: "deploy@acme.example"))
        #expect(verification.description == "ssh ed25519 \(try key.fingerprint) (deploy@acme.example)")
    }

    @Test(arguments: [256, 384, 521])
    func acceptsAnECDSASignatureOverSmartHTTP(bits: Int) throws {
        let setup = try Setup()
        let key = try SSHSigningKey("ecdsa", bits: bits)
        let head = try setup.repository.signedCommit("signed", ssh: key)
        let server = try HTTPGitServer(serving: setup.repository)
        let policy = SignaturePolicy(allowedSigners: try setup.allowedSigners([try key.allowedSignersLine(principals: "*@acme.example")]), openPGPKeys: nil)
        let verification = try setup.verify(server.url, policy: policy)
        #expect(verification.commit == head)
        #expect(verification.keyType == "ecdsa-nistp\(bits)")
        #expect(verification.fingerprint == (try key.fingerprint))
    }

    @Test func acceptsAnOpenPGPSignatureOverSmartHTTP() throws {
        let setup = try Setup()
        let key = try GPGSigningKey()
        let head = try setup.repository.signedCommit("signed", gpg: key)
        let server = try HTTPGitServer(serving: setup.repository)
        let policy = SignaturePolicy(allowedSigners: nil, openPGPKeys: try setup.openPGPKeys([key]))
        let verification = try setup.verify(server.url, policy: policy)
        #expect(verification == SignatureVerification(commit: head, method: .openpgp, keyType: "ed25519", fingerprint: key.fingerprint, signer: "Deploy Bot <deploy@acme.example>"))
    }

    @Test func eitherFileMayTrustTheCommitWhenBothAreGiven() throws {
        let setup = try Setup()
        let ssh = try SSHSigningKey()
        let gpg = try GPGSigningKey()
        let policy = SignaturePolicy(allowedSigners: try setup.allowedSigners([try ssh.allowedSignersLine()]), openPGPKeys: try setup.openPGPKeys([gpg]))
        try setup.repository.signedCommit("by ssh", ssh: ssh)
        #expect(try setup.verify(setup.repository.path, policy: policy).method == .ssh)
        try setup.repository.signedCommit("by gpg", gpg: gpg)
        #expect(try setup.verify(setup.repository.path, policy: policy).method == .openpgp)
    }

    @Test func theKeyringLivesInAPrivateHomeThatIsRemovedAfterwards() throws {
        let home: String
        do {
            let keyring = try GPGMEKeyring()
            home = keyring.home
            let attributes = try FileManager.default.attributesOfItem(atPath: home)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
            #expect(URL(fileURLWithPath: home).lastPathComponent.hasPrefix("wriftsync-gnupg-"))
            #expect(home != ProcessInfo.processInfo.environment["GNUPGHOME"])
            let key = try GPGSigningKey()
            #expect(try keyring.importKeys(Data(key.exportPublicKey().utf8)).map(\.fingerprint) == [key.fingerprint])
            #expect(FileManager.default.fileExists(atPath: home + "/pubring.kbx"))
            // Public keys need no agent; one started in the home would outlive it.
            #expect(!FileManager.default.fileExists(atPath: home + "/S.gpg-agent"))
        }
        #expect(!FileManager.default.fileExists(atPath: home), "the private GnuPG home is removed with the keyring")
    }

    // MARK: refused

    @Test func refusesAnUnsignedCommit() throws {
        let setup = try Setup()
        let key = try SSHSigningKey()
        let head = try setup.repository.head()
        let daemon = try GitDaemon(serving: setup.repository)
        let policy = SignaturePolicy(allowedSigners: try setup.allowedSigners([try key.allowedSignersLine()]), openPGPKeys: nil)
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(daemon.url, policy: policy) })
        #expect(refused.reason == .unsigned)
        #expect(refused.commit == head)
        #expect(refused.isStalled)
        #expect(refused.description == "commit \(head.hex) refused: not signed; only commits signed by a key in --trusted-signers or --trusted-gpg-keys are acted on")
    }

    @Test func refusesAnSSHKeyThatIsNotTrusted() throws {
        let setup = try Setup()
        let trusted = try SSHSigningKey()
        let stranger = try SSHSigningKey()
        let head = try setup.repository.signedCommit("signed by a stranger", ssh: stranger)
        let server = try HTTPGitServer(serving: setup.repository)
        let path = try writeFile([try trusted.allowedSignersLine()], in: setup.keys, name: "allowed_signers")
        let policy = SignaturePolicy(allowedSigners: try AllowedSigners(contentsOf: path), openPGPKeys: nil)
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(server.url, policy: policy) })
        #expect(refused.code == "unknown-key")
        #expect(refused.fingerprint == (try stranger.fingerprint))
        #expect(refused.description == "commit \(head.hex) refused: signed by an untrusted SSH ed25519 key (key \(try stranger.fingerprint)); to trust it, add its public key to \(path)")
    }

    @Test func refusesAnOpenPGPKeyThatIsNotTrusted() throws {
        let setup = try Setup()
        let trusted = try GPGSigningKey()
        let stranger = try GPGSigningKey(userID: "Mallory <mallory@evil.example>")
        let head = try setup.repository.signedCommit("signed by a stranger", gpg: stranger)
        let daemon = try GitDaemon(serving: setup.repository)
        let policy = SignaturePolicy(allowedSigners: nil, openPGPKeys: try setup.openPGPKeys([trusted]))
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(daemon.url, policy: policy) })
        #expect(refused.commit == head)
        #expect(refused.code == "unknown-key")
        // gpg names the key that signed by its fingerprint (or at least its key id, the fingerprint's tail).
        #expect(refused.fingerprint.map { stranger.fingerprint.hasSuffix($0) } == true)
        #expect(refused.description.contains("signed by an untrusted OpenPGP key"))
    }

    @Test func refusesASignatureOfTheOtherKindWhenOnlyOneFileIsGiven() throws {
        let setup = try Setup()
        let ssh = try SSHSigningKey()
        let gpg = try GPGSigningKey()
        try setup.repository.signedCommit("ssh", ssh: ssh)
        let onlyGPG = SignaturePolicy(allowedSigners: nil, openPGPKeys: try setup.openPGPKeys([gpg]))
        let sshRefused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: onlyGPG) })
        #expect(sshRefused.description.hasSuffix("SSH signatures are trusted only with --trusted-signers, and none was given"))
        try setup.repository.signedCommit("gpg", gpg: gpg)
        let onlySSH = SignaturePolicy(allowedSigners: try setup.allowedSigners([try ssh.allowedSignersLine()]), openPGPKeys: nil)
        let gpgRefused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: onlySSH) })
        #expect(gpgRefused.description.hasSuffix("OpenPGP signatures are trusted only with --trusted-gpg-keys, and none was given"))
        #expect(gpgRefused.code == "unknown-key" && gpgRefused.isStalled)
        // Refused without gpg: where it cannot run (an SSH-only image has none), that was a failure to verify,
        // retried for ever.
        let verifier = CommitVerifier(policy: onlySSH)
        let repository = try GitRepository.open(setup.repository.path)
        let signed = try SignedCommit.read(try #require(CommitID(hex: try setup.repository.git("rev-parse", "HEAD"))), in: repository)
        #expect(throws: SignatureRefusal.self) { try verifier.verify(signed) }
        #expect(verifier.keyring == nil, "no keyring was made, no gpg started")
    }

    @Test func refusesATrustedKeyOutsideItsValidityWindow() throws {
        let setup = try Setup()
        let key = try SSHSigningKey()
        let daemon = try GitDaemon(serving: setup.repository)
        let policy = SignaturePolicy(allowedSigners: try setup.allowedSigners([
            "# retired at the start of 2024",
            try key.allowedSignersLine(options: "valid-after=\"20230101Z\",valid-before=\"20240101Z\""),
        ]), openPGPKeys: nil)
        // Inside the window (and on its bounds, which are inclusive, as ssh-keygen has them).
        try setup.repository.signedCommit("in 2023", ssh: key, date: "2023-06-01T12:00:00Z")
        #expect(try setup.verify(daemon.url, policy: policy).fingerprint == (try key.fingerprint))
        try setup.repository.signedCommit("on the last second", ssh: key, date: "2024-01-01T00:00:00Z")
        #expect(try setup.verify(daemon.url, policy: policy).fingerprint == (try key.fingerprint))

        let late = try setup.repository.signedCommit("after valid-before", ssh: key, date: "2024-01-01T00:00:01Z")
        let expired = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(daemon.url, policy: policy) })
        #expect(expired.code == "key-expired")
        #expect(expired.description == "commit \(late.hex) refused: key expired: the commit is dated 2024-01-01T00:00:01Z, after its valid-before 2024-01-01T00:00:00Z (allowed_signers line 2) (key \(try key.fingerprint))")

        let early = try setup.repository.signedCommit("before valid-after", ssh: key, date: "2022-12-31T23:59:59Z")
        let notYet = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(daemon.url, policy: policy) })
        #expect(notYet.code == "key-not-yet-valid")
        #expect(notYet.commit == early)
        #expect(notYet.description.contains("before its valid-after 2023-01-01T00:00:00Z"))
    }

    @Test func refusesASignerWhosePrincipalsDoNotMatchTheCommitterEmail() throws {
        let setup = try Setup()
        let key = try SSHSigningKey()
        let server = try HTTPGitServer(serving: setup.repository)
        let policy = SignaturePolicy(allowedSigners: try setup.allowedSigners([
            try key.allowedSignersLine(principals: "ops@acme.example,*@ci.acme.example,!bot@ci.acme.example"),
        ]), openPGPKeys: nil)
        let head = try setup.repository.signedCommit("as deploy", email: "deploy@acme.example", ssh: key)
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(server.url, policy: policy) })
        #expect(refused.code == "principal-mismatch")
        #expect(refused.description == "commit \(head.hex) refused: committer email deploy@acme.example is not among the key's principals ops@acme.example,*@ci.acme.example,!bot@ci.acme.example (allowed_signers line 1) (key \(try key.fingerprint))")
        // The wildcard matches; the negated pattern wins over it.
        try setup.repository.signedCommit("as a runner", email: "runner-7@ci.acme.example", ssh: key)
        #expect(try setup.verify(server.url, policy: policy).signer == "runner-7@ci.acme.example")
        try setup.repository.signedCommit("as the bot", email: "bot@ci.acme.example", ssh: key)
        #expect(refusal { () throws(SignatureRefusal) in try setup.verify(server.url, policy: policy) }?.code == "principal-mismatch")
    }

    @Test func refusesANamespaceTheKeyMayNotSignIn() throws {
        let setup = try Setup()
        let key = try SSHSigningKey()
        try setup.repository.signedCommit("signed", ssh: key)
        let policy = SignaturePolicy(allowedSigners: try setup.allowedSigners([try key.allowedSignersLine(options: "namespaces=\"file,email\"")]), openPGPKeys: nil)
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: policy) })
        #expect(refused.code == "wrong-namespace")
        #expect(refused.description.contains("the key may sign only in namespaces \"file,email\", not \"git\""))
        let allowed = SignaturePolicy(allowedSigners: try setup.allowedSigners([try key.allowedSignersLine(options: "namespaces=\"file,g*\"")]), openPGPKeys: nil)
        #expect(try setup.verify(setup.repository.path, policy: allowed).method == .ssh)
    }

    @Test func refusesAnSSHSignedCommitWhoseBytesChangedAfterSigning() throws {
        let setup = try Setup()
        let key = try SSHSigningKey()
        try setup.repository.signedCommit("signed", ssh: key)
        let tampered = try setup.repository.tamperWithHead()
        let daemon = try GitDaemon(serving: setup.repository)
        let policy = SignaturePolicy(allowedSigners: try setup.allowedSigners([try key.allowedSignersLine()]), openPGPKeys: nil)
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(daemon.url, policy: policy) })
        #expect(refused.commit == tampered)
        #expect(refused.reason == .badSignature)
        #expect(refused.description == "commit \(tampered.hex) refused: bad signature: it does not match the commit's content, which was changed after signing or forged (key \(try key.fingerprint))")
    }

    @Test func refusesAnOpenPGPSignedCommitWhoseBytesChangedAfterSigning() throws {
        let setup = try Setup()
        let key = try GPGSigningKey()
        try setup.repository.signedCommit("signed", gpg: key)
        let tampered = try setup.repository.tamperWithHead()
        let server = try HTTPGitServer(serving: setup.repository)
        let policy = SignaturePolicy(allowedSigners: nil, openPGPKeys: try setup.openPGPKeys([key]))
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(server.url, policy: policy) })
        #expect(refused.commit == tampered)
        #expect(refused.reason == .badSignature)
        #expect(refused.fingerprint == key.fingerprint)
    }

    @Test func refusesARevokedOpenPGPKey() throws {
        let setup = try Setup()
        let key = try GPGSigningKey()
        let head = try setup.repository.signedCommit("signed before the key was revoked", gpg: key)
        try key.revoke()
        let policy = SignaturePolicy(allowedSigners: nil, openPGPKeys: try setup.openPGPKeys([key]))
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: policy) })
        #expect(refused.commit == head)
        #expect(refused.code == "key-revoked")
        #expect(refused.fingerprint == key.fingerprint)
    }

    @Test func refusesAnExpiredOpenPGPKey() throws {
        let setup = try Setup()
        // Made and used in 2020, expiring a day later: long expired now.
        let key = try GPGSigningKey(expire: "1d", fakedTime: "20200101T000000")
        let head = try setup.repository.signedCommit("signed in 2020", gpg: key, gpgProgram: try key.gpgProgram(fakedTime: "20200101T010000"), date: "2020-01-01T01:00:00Z")
        let policy = SignaturePolicy(allowedSigners: nil, openPGPKeys: try setup.openPGPKeys([key]))
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: policy) })
        #expect(refused.commit == head)
        #expect(refused.code == "key-expired")
    }

    @Test func refusesAnRSASSHKeyAsUnsupported() throws {
        let setup = try Setup()
        let ed25519 = try SSHSigningKey()
        let rsa = try SSHSigningKey("rsa", bits: 2048)
        let head = try setup.repository.signedCommit("rsa", ssh: rsa)
        let policy = SignaturePolicy(allowedSigners: try setup.allowedSigners([try ed25519.allowedSignersLine()]), openPGPKeys: nil)
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: policy) })
        #expect(refused.commit == head)
        #expect(refused.description == "commit \(head.hex) refused: signed with an SSH ssh-rsa key; WriftSync verifies ed25519 and ECDSA keys")
    }

    /// Signature headers a hostile pusher can write: (what, header, refusal code, message fragment).
    static let hostileHeaders: [(String, String, String, String)] = [
        ("an OpenPGP block of garbage", "-----BEGIN PGP SIGNATURE-----\n\nbm90IGEgc2lnbmF0dXJl\n=AAAA\n-----END PGP SIGNATURE-----", "malformed-signature", "malformed OpenPGP signature: not OpenPGP packets"),
        // What gpg would verify one packet after the other, for minutes: refused before it runs.
        ("an OpenPGP block of compressed data", "-----BEGIN PGP SIGNATURE-----\n\noAEA\n=AAAA\n-----END PGP SIGNATURE-----", "malformed-signature", "packet 1 is compressed data (tag 8), not a signature"),
        ("an OpenPGP block of five signatures", "-----BEGIN PGP SIGNATURE-----\n\niAEEiAEEiAEEiAEEiAEE\n=AAAA\n-----END PGP SIGNATURE-----", "malformed-signature", "more than 4 signatures"),
        ("an OpenPGP signature followed by literal data", "-----BEGIN PGP MESSAGE-----\n\niAEEiAEErAJiAA==\n=AAAA\n-----END PGP MESSAGE-----", "malformed-signature", "packet 3 is literal data (tag 11)"),
        // gpg reads every block: a second one of compressed data was never looked at.
        ("two OpenPGP blocks, the second of compressed data",
         "-----BEGIN PGP SIGNATURE-----\n\niAEE\n=AAAA\n-----END PGP SIGNATURE-----\n-----BEGIN PGP SIGNATURE-----\n\noAEA\n=AAAA\n-----END PGP SIGNATURE-----",
         "malformed-signature", "more than one armoured block"),
        ("an OpenPGP block of 64 KiB", "-----BEGIN PGP SIGNATURE-----\n\n" + String(repeating: "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n", count: 900) + "-----END PGP SIGNATURE-----", "malformed-signature", "over the 16384-byte limit"),
        ("an SSH block of garbage", "-----BEGIN SSH SIGNATURE-----\nbm90IGEgc2lnbmF0dXJl\n-----END SSH SIGNATURE-----", "malformed-signature", "malformed SSH signature: does not start with SSHSIG"),
        ("an SSH block claiming 4 GiB", "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAf////8=\n-----END SSH SIGNATURE-----", "malformed-signature", "public key: claims 4294967295 bytes"),
        ("an SSH block of 64 KiB", "-----BEGIN SSH SIGNATURE-----\n" + String(repeating: "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n", count: 900) + "-----END SSH SIGNATURE-----", "malformed-signature", "over the 16384-byte limit"),
        ("an X.509 block", "-----BEGIN SIGNED MESSAGE-----\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\n-----END SIGNED MESSAGE-----", "unsupported", "X.509"),
        ("plain text", "trust me", "malformed-signature", "no format WriftSync knows"),
    ]

    @Test(arguments: hostileHeaders)
    func refusesHostileSignatureHeadersForGood(_ row: (String, String, String, String)) throws {
        let (what, header, code, fragment) = row
        let setup = try Setup()
        let gpg = try GPGSigningKey()
        let ssh = try SSHSigningKey()
        let head = try setup.repository.commit(withSignatureHeader: header)
        let policy = SignaturePolicy(allowedSigners: try setup.allowedSigners([try ssh.allowedSignersLine()]), openPGPKeys: try setup.openPGPKeys([gpg]))
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: policy) })
        #expect(refused.commit == head, "\(what)")
        #expect(refused.code == code, "\(what): \(refused)")
        #expect(refused.description.contains(fragment), "\(what): \(refused)")
        #expect(refused.isStalled, "\(what): a hostile commit is refused for good, not retried")
        #expect(!refused.description.contains("\n"))
    }

    @Test func refusesASignedCommitWithBytesAfterANUL() throws {
        let setup = try Setup()
        let key = try SSHSigningKey("ed25519")
        let signed = try setup.repository.signedCommit("signed", ssh: key)
        let policy = SignaturePolicy(allowedSigners: try setup.allowedSigners([try key.allowedSignersLine()]), openPGPKeys: nil)
        #expect(try setup.verify(setup.repository.path, policy: policy).commit == signed)
        // The same object with a NUL and anything after it: a new id, the same signature. libgit2 stops the signed
        // bytes at the NUL, so the signature still verifies over them; git says the commit is not signed.
        var object = Data(try setup.repository.git("cat-file", "commit", "HEAD").utf8)
        if object.last != UInt8(ascii: "\n") { object.append(UInt8(ascii: "\n")) }
        object.append(contentsOf: [0] + Array("anything at all\n".utf8))
        let forged = try Shell.run(["git", "hash-object", "-t", "commit", "-w", "--stdin", "--literally"],
                                   in: setup.repository.path, environment: setup.repository.environment, input: object)
        try setup.repository.git("update-ref", "refs/heads/main", forged)
        #expect(forged != signed.hex)
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: policy) })
        #expect(refused.commit.hex == forged)
        #expect(refused.code == "malformed-signature" && refused.description.contains("NUL byte"), "\(refused)")
        #expect(refused.isStalled)
    }

    @Test(arguments: [10, 30, 60])
    func refusesACorruptedOpenPGPSignatureForGood(at offset: Int) throws {
        let setup = try Setup()
        let key = try GPGSigningKey()
        try setup.repository.signedCommit("signed", gpg: key)
        let object = try setup.repository.git("cat-file", "commit", "HEAD")
        let lines = object.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix("gpgsig ") })
        let end = try #require(lines.firstIndex { $0.hasSuffix("-----END PGP SIGNATURE-----") })
        var signature = lines[start...end].map { String($0.dropFirst($0.hasPrefix("gpgsig ") ? 7 : 1)) }
        // One Base64 character of the packets changed: the armour's checksum no longer matches.
        var body = Array(signature[2])
        body[offset % body.count] = body[offset % body.count] == "A" ? "B" : "A"
        signature[2] = String(body)
        try setup.repository.git("reset", "-q", "--hard", "HEAD~1")
        let head = try setup.repository.commit(withSignatureHeader: signature.joined(separator: "\n"))
        let policy = SignaturePolicy(allowedSigners: nil, openPGPKeys: try setup.openPGPKeys([key]))
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: policy) })
        #expect(refused.commit == head)
        #expect(refused.description == "commit \(head.hex) refused: malformed OpenPGP signature: gpg could not read a signature from it")
        #expect(refused.isStalled, "\(refused)")
    }

    @Test func refusesACommitObjectOverTheSizeLimitWithoutReadingIt() throws {
        let setup = try Setup()
        let ssh = try SSHSigningKey()
        let message = String(repeating: "x", count: SignedCommit.maxObjectSize) + "\n"
        let head = try setup.repository.commit(withSignatureHeader: "trust me", message: message)
        let policy = SignaturePolicy(allowedSigners: try setup.allowedSigners([try ssh.allowedSignersLine()]), openPGPKeys: nil)
        // Resolving the ref already refuses it, from the object's header (libgit2's peel would read it whole).
        let synced = try setup.fixture.sync(setup.repository.path)
        let resolving = try #require(gitError { _ = try synced.repository.resolve("main") })
        guard case let .objectTooLarge(what, size, limit) = resolving else {
            Issue.record("expected objectTooLarge, got \(resolving)")
            return
        }
        #expect(what == "commit \(head.hex)" && size > limit && limit == SignedCommit.maxObjectSize)
        // And a commit reached otherwise (a walk of all-since-last) is refused by the signature check.
        let refused = try #require(refusal { () throws(SignatureRefusal) in try synced.repository.verify(commit: head, policy: policy) })
        #expect(refused.commit == head)
        #expect(refused.code == "malformed-signature")
        #expect(refused.description.contains("over the \(SignedCommit.maxObjectSize)-byte limit for a commit"))
    }

    // MARK: all-since-last

    /// S0, then S1 adding a file, both signed by `key`, and the signers trusting it.
    static func twoSignedCommits() throws -> (setup: Setup, key: SSHSigningKey, old: CommitID, applied: CommitID, signers: AllowedSigners) {
        let setup = try Setup()
        let key = try SSHSigningKey()
        let old = try setup.repository.signedCommit("S0", ssh: key)
        try setup.repository.write("models/c.yaml", "model: acme/c\n")
        let applied = try setup.repository.signedCommit("S1", ssh: key)
        return (setup, key, old, applied, try setup.allowedSigners([try key.allowedSignersLine()]))
    }

    /// main: S0 (signed, last verified) ── M (signed merge)
    ///            └─ side: U (unsigned) ──┘
    @Test func refusesABranchMovedBackToAnOlderSignedCommitInAllSinceLast() throws {
        let (setup, key, old, applied, signers) = try Self.twoSignedCommits()
        let policy = SignaturePolicy(allowedSigners: signers, openPGPKeys: nil, mode: .allSinceLast)
        #expect(try setup.verify(setup.repository.path, policy: policy, since: old).commit == applied)

        // `git push -f origin S0:main`: every commit there is signed by a trusted key, and it undoes S1.
        try setup.repository.git("reset", "-q", "--hard", old.hex)
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: policy, since: applied) })
        #expect(refused.commit == old)
        #expect(refused.code == "history-rewound")
        #expect(refused.description.contains("in the history of the last verified commit \(applied.hex): the branch was moved back"), "\(refused)")
        #expect(refused.isStalled)
        // `head` mode verifies the head alone, as documented; a new commit on top of the old one is no rewind.
        #expect(try setup.verify(setup.repository.path, policy: SignaturePolicy(allowedSigners: signers, openPGPKeys: nil, mode: .head), since: applied).commit == old)
        try setup.repository.write("models/d.yaml", "model: acme/d\n")
        let forward = try setup.repository.signedCommit("S2, a new history", ssh: key)
        #expect(try setup.verify(setup.repository.path, policy: policy, since: applied).commit == forward, "a force-push with new signed commits is checked as before")
    }

    /// The signature covers the commit without its `gpgsig` header, so writing that header otherwise — the
    /// Base64 folded at another place — makes a new id whose signature still verifies (for git too). The range
    /// walk knows commits by id: the copy of an old commit pushed back over newer ones was applied, undoing them.
    @Test func refusesACopyOfAnOlderSignedCommitUnderANewIdInAllSinceLast() throws {
        let (setup, key, old, applied, signers) = try Self.twoSignedCommits()
        let policy = SignaturePolicy(allowedSigners: signers, openPGPKeys: nil, mode: .allSinceLast)

        /// `commit`'s object with the first Base64 line of its signature split in two, pushed as main.
        func refolded(_ commit: CommitID) throws -> String {
            var lines = try setup.repository.git("cat-file", "commit", commit.hex).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let begin = try #require(lines.firstIndex { $0.hasPrefix("gpgsig ") })
            let folded = lines[begin + 1]
            lines[begin + 1] = String(folded.prefix(20))
            lines.insert(" " + folded.dropFirst(20), at: begin + 2)
            let copy = try Shell.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], in: setup.repository.path,
                                     environment: setup.repository.environment, input: Data((lines.joined(separator: "\n") + "\n").utf8))
            try setup.repository.git("update-ref", "refs/heads/main", copy)
            return copy
        }
        // A copy of the last verified commit itself (re-signed, say) undoes nothing: accepted.
        let same = try refolded(applied)
        #expect(try setup.verify(setup.repository.path, policy: policy, since: applied).commit.hex == same)
        let copy = try refolded(old)
        #expect(copy != old.hex)
        #expect(try setup.verify(setup.repository.path, policy: SignaturePolicy(allowedSigners: signers, openPGPKeys: nil)).commit.hex == copy,
                "its signature verifies: in head mode it is an ordinary signed commit")

        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: policy, since: applied) })
        #expect(refused.commit.hex == copy)
        #expect(refused.code == "history-rewound")
        #expect(refused.description.contains("is a copy of \(old.hex), in the history of the last verified commit \(applied.hex)"), "\(refused)")
        #expect(refused.isStalled)
        // A new signed commit on top of the copy is a new history, checked as before.
        try setup.repository.git("reset", "-q", "--soft", copy)
        try setup.repository.write("models/d.yaml", "model: acme/d\n")
        let forward = try setup.repository.signedCommit("S2 on the copy", ssh: key)
        #expect(try setup.verify(setup.repository.path, policy: policy, since: applied).commit == forward)
    }

    /// A committer line naming two emails: libgit2 takes the last, git the first. A key listed for one address was
    /// matched against it, and the commit accepted, while git shows it as made by the other.
    @Test(arguments: [
        "committer Bob <bob@acme.example> <deploy@acme.example> 1700000000 +0000\n",
        // The check read every committer line, the last one winning: a second, plain one cleared it.
        "committer Bob <bob@acme.example> <deploy@acme.example> 1700000000 +0000\ncommitter X <x@acme.example> 1700000000 +0000\n",
        "committer Bob <bob@acme.example> 1700000000 +0000\ncommitter A <deploy@acme.example> 1700000000 +0000\n",
    ])
    func refusesACommitterNamedTwice(_ committer: String) throws {
        let setup = try Setup()
        let key = try SSHSigningKey()
        let policy = SignaturePolicy(allowedSigners: try setup.allowedSigners([try key.allowedSignersLine()]), openPGPKeys: nil)
        let tree = try setup.repository.git("rev-parse", "HEAD^{tree}")
        let parent = try setup.repository.head().hex
        let headers = "tree \(tree)\nparent \(parent)\nauthor A <deploy@acme.example> 1700000000 +0000\n" + committer
        let message = "\nby whom?\n"
        let signature = String(decoding: try key.sign(Data((headers + message).utf8)), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").joined(separator: "\n ")
        let object = headers + "gpgsig " + signature + "\n" + message
        let forged = try Shell.run(["git", "hash-object", "-t", "commit", "-w", "--stdin", "--literally"], in: setup.repository.path,
                                   environment: setup.repository.environment, input: Data(object.utf8))
        try setup.repository.git("update-ref", "refs/heads/main", forged)
        if committer.split(separator: "\n").count == 1 {
            #expect(try setup.repository.git("log", "-1", "--format=%ce", forged) == "bob@acme.example", "git shows Bob")
        }
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: policy) })
        #expect(refused.commit.hex == forged)
        #expect(refused.code == "malformed-signature" && refused.description.contains("the committer is named more than once"), "\(refused)")
    }

    /// A head with no parent (a new history) is compared with the last verified commit's whole history for a
    /// copy; past the walk's bound that was refused as "more than 1000 commits since the last verified commit".
    @Test func anOrphanHeadPastTheWalkBoundIsRefusedForWhatItIs() throws {
        let (setup, key, _, applied, signers) = try Self.twoSignedCommits()
        for index in 1...20 {
            try setup.repository.write("models/n\(index).yaml", "model: acme/n\(index)\n")
            try setup.repository.commit("plain \(index)")
        }
        let since = try setup.repository.signedCommit("S2", ssh: key)
        try setup.repository.git("checkout", "-q", "--orphan", "fresh")
        let orphan = try setup.repository.signedCommit("a new history", ssh: key)
        try setup.repository.git("update-ref", "refs/heads/main", orphan.hex)
        var policy = SignaturePolicy(allowedSigners: signers, openPGPKeys: nil, mode: .allSinceLast)
        #expect(try setup.verify(setup.repository.path, policy: policy, since: since).commit == orphan, "a new history, no copy")
        #expect(try setup.verify(setup.repository.path, policy: policy, since: applied).commit == orphan)
        // The range walk (the orphan alone) fits in 16 steps; the comparison with 24 commits of history does not.
        policy.maxWalkSteps = 16
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: policy, since: since) })
        #expect(refused.reason == .historyTooLongToCompare(steps: 16))
        #expect(refused.code == "too-many-commits" && refused.isStalled)
        #expect(refused.description.contains("cannot be told from a copy of a commit in the history of the last verified commit"), "\(refused)")
        #expect(!refused.description.contains("more than 1000 commits"))
    }

    /// libgit2 looks for the `gpgsig` header through the whole object, git only among the headers: a signature
    /// moved to the end of the message verified over the bytes of the commit it came from, under a new id git
    /// calls unsigned.
    @Test func refusesASignatureInTheMessage() throws {
        let setup = try Setup()
        let key = try SSHSigningKey()
        let signed = try setup.repository.signedCommit("signed", ssh: key)
        let policy = SignaturePolicy(allowedSigners: try setup.allowedSigners([try key.allowedSignersLine()]), openPGPKeys: nil)
        let lines = try setup.repository.git("cat-file", "commit", signed.hex).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let begin = try #require(lines.firstIndex { $0.hasPrefix("gpgsig ") })
        let end = try #require(lines[begin...].firstIndex { $0.hasSuffix("-----END SSH SIGNATURE-----") })
        let moved = Array(lines[..<begin]) + Array(lines[(end + 1)...]) + Array(lines[begin...end])
        let object = moved.joined(separator: "\n") + "\n"
        let forged = try Shell.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], in: setup.repository.path,
                                   environment: setup.repository.environment, input: Data(object.utf8))
        try setup.repository.git("update-ref", "refs/heads/main", forged)
        #expect(throws: (any Error).self, "git calls it unsigned") { try setup.repository.git("verify-commit", forged) }
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: policy) })
        #expect(refused.commit.hex == forged)
        #expect(refused.code == "malformed-signature" && refused.description.contains("in the commit's message"), "\(refused)")
        #expect(refused.isStalled)
    }

    @Test func refusesAnUnsignedCommitBehindASignedMergeInAllSinceLast() throws {
        let setup = try Setup()
        let key = try SSHSigningKey()
        let lastVerified = try setup.repository.signedCommit("S0", ssh: key)
        try setup.repository.git("checkout", "-q", "-b", "side")
        try setup.repository.write("models/c.yaml", "model: acme/c\n")
        let unsigned = try setup.repository.signedCommit("U, unsigned")
        try setup.repository.git("checkout", "-q", "main")
        try setup.repository.signedCommit("S1", ssh: key)
        var environment = setup.repository.environment
        environment["GIT_COMMITTER_EMAIL"] = "deploy@acme.example"
        try Shell.run(["git", "-c", "gpg.format=ssh", "-c", "user.signingkey=\(key.privateKey)", "merge", "-q", "--no-ff", "-S", "-m", "M, signed merge", "side"],
                      in: setup.repository.path, environment: environment)
        let merge = try setup.repository.head()
        let daemon = try GitDaemon(serving: setup.repository)
        let signers = try setup.allowedSigners([try key.allowedSignersLine()])

        // The head alone is signed and trusted.
        let head = try setup.verify(daemon.url, policy: SignaturePolicy(allowedSigners: signers, openPGPKeys: nil, mode: .head), since: lastVerified)
        #expect(head.commit == merge)
        #expect(head.verifiedCommits == 1)

        let policy = SignaturePolicy(allowedSigners: signers, openPGPKeys: nil, mode: .allSinceLast)
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(daemon.url, policy: policy, since: lastVerified) })
        #expect(refused.commit == unsigned)
        #expect(refused.head == merge)
        #expect(refused.reason == .unsigned)
        #expect(refused.description == "commit \(unsigned.hex) (in the history of head \(merge.short) since the last verified commit \(lastVerified.short)) refused: not signed; only commits signed by a key in --trusted-signers or --trusted-gpg-keys are acted on")

        // From a last verified commit past the unsigned one, everything since is signed: S2 on top.
        try setup.repository.signedCommit("S2", ssh: key)
        let accepted = try setup.verify(daemon.url, policy: policy, since: merge)
        #expect(accepted.verifiedCommits == 1)
        // Without a last verified commit, all-since-last checks the head alone.
        #expect(try setup.verify(daemon.url, policy: policy).verifiedCommits == 1)
    }

    /// S0 (signed, last verified) ── U (unsigned) ── B (a commit over 8 MiB) ── S1 (signed head)
    ///
    /// libgit2's history walk read every commit whole, B included, and the range then failed at U, the oldest.
    /// Through the bounded object database the walk itself refuses B from its header.
    @Test func aCommitOverTheSizeLimitStopsTheWalkOfAllSinceLastUnread() throws {
        let setup = try Setup()
        let key = try SSHSigningKey()
        let lastVerified = try setup.repository.signedCommit("S0", ssh: key)
        try setup.repository.write("models/c.yaml", "model: acme/c\n")
        let unsigned = try setup.repository.signedCommit("U, unsigned")
        let huge = try setup.repository.commit(withSignatureHeader: "trust me", message: String(repeating: "x", count: SignedCommit.maxObjectSize) + "\n")
        try setup.repository.write("models/d.yaml", "model: acme/d\n")
        let head = try setup.repository.signedCommit("S1", ssh: key)
        let signers = try setup.allowedSigners([try key.allowedSignersLine()])
        let policy = SignaturePolicy(allowedSigners: signers, openPGPKeys: nil, mode: .allSinceLast)
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: policy, since: lastVerified) })
        #expect(refused.commit == huge, "not \(unsigned.hex), the oldest: the walk stopped at the oversized commit")
        #expect(refused.head == head && refused.since == lastVerified)
        #expect(refused.code == "malformed-signature")
        #expect(refused.description.contains("the commit object \(huge.hex) is "), "\(refused)")
        #expect(refused.description.contains("over the \(SignedCommit.maxObjectSize)-byte limit for a commit"), "\(refused)")
        #expect(refused.isStalled)
    }

    @Test func allSinceLastVerifiesEveryCommitAndIsBounded() throws {
        let setup = try Setup()
        let key = try SSHSigningKey()
        let lastVerified = try setup.repository.signedCommit("S0", ssh: key)
        for index in 1...5 { try setup.repository.signedCommit("S\(index)", ssh: key) }
        let signers = try setup.allowedSigners([try key.allowedSignersLine()])
        let policy = SignaturePolicy(allowedSigners: signers, openPGPKeys: nil, mode: .allSinceLast)
        #expect(try setup.verify(setup.repository.path, policy: policy, since: lastVerified).verifiedCommits == 5)

        let bounded = SignaturePolicy(allowedSigners: signers, openPGPKeys: nil, mode: .allSinceLast, maxCommits: 3)
        let refused = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: bounded, since: lastVerified) })
        #expect(refused.reason == .tooManyCommits(limit: 3))
        // Nothing later can pass while the record stands: the message says how to go on.
        #expect(refused.description.contains("remove applied-commits.json from the state directory and restart run (or run once with run --once --verify-mode head)"), "\(refused)")

        let gone = CommitID(hex: String(repeating: "ab", count: 20))!
        let missing = try #require(refusal { () throws(SignatureRefusal) in try setup.verify(setup.repository.path, policy: policy, since: gone) })
        #expect(missing.reason == .lastVerifiedCommitMissing(gone))
        #expect(missing.description.contains("remove applied-commits.json from the state directory and restart run"), "\(missing)")
        #expect(missing.isStalled)
    }
}

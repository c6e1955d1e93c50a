import Foundation

/// The OpenPGP public keys trusted to sign commits (`--trusted-gpg-keys`): ASCII-armoured, as
/// `gpg --armor --export FINGERPRINT` writes them, several blocks in one file allowed. Read once at
/// start: the file is imported into a throw-away keyring to check it and learn the keys' fingerprints,
/// which are what trust is decided by; each verification imports the same bytes into a fresh keyring.
public struct OpenPGPKeys: Sendable {
    /// The largest file read (a key with many certifications can take tens of KiB).
    public static let maxFileSize = 4 << 20

    /// The file the keys were read from, as given.
    public let path: String
    /// The file's bytes.
    let armored: Data
    /// The keys it holds.
    let keys: [GPGMEKeyring.Key]

    /// The primary fingerprints of the trusted keys.
    public var fingerprints: [String] { keys.map(\.fingerprint) }

    /// Reads and checks the file: it must hold at least one ASCII-armoured public key and no private key.
    public init(contentsOf path: String) throws(SignaturePolicyError) {
        let data = try SignaturePolicyError.readFile(path, flag: "--trusted-gpg-keys", limit: Self.maxFileSize)
        try self.init(path: path, armored: data)
    }

    init(path: String, armored: Data) throws(SignaturePolicyError) {
        let text = String(decoding: armored, as: UTF8.self)
        guard !text.contains("-----BEGIN PGP PRIVATE KEY BLOCK-----") else {
            throw .invalidOpenPGPKeys(path: path, reason: "holds a PRIVATE key; give only public keys (gpg --armor --export FINGERPRINT), and treat that private key as exposed")
        }
        guard text.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----") else {
            throw .invalidOpenPGPKeys(path: path, reason: "holds no ASCII-armoured public key (-----BEGIN PGP PUBLIC KEY BLOCK-----); export one with gpg --armor --export FINGERPRINT")
        }
        let keyring = try GPGMEKeyring()
        let keys: [GPGMEKeyring.Key]
        do {
            keys = try keyring.importKeys(armored)
        } catch {
            guard case let .openPGPUnavailable(reason) = error else { throw error }
            throw .invalidOpenPGPKeys(path: path, reason: "gpg found no usable public key in it (\(reason)); export the keys again with gpg --armor --export FINGERPRINT")
        }
        guard !keys.isEmpty else {
            throw .invalidOpenPGPKeys(path: path, reason: "gpg found no usable public key in it; export the keys again with gpg --armor --export FINGERPRINT")
        }
        self.path = path
        self.armored = armored
        self.keys = keys
    }

    /// The trusted key a signing (sub)key belongs to, by full fingerprint: what trust is decided by.
    func key(signedBy fingerprint: String) -> GPGMEKeyring.Key? {
        let wanted = fingerprint.uppercased()
        return keys.first { $0.subkeyFingerprints.contains(wanted) }
    }

    /// The primary fingerprint to show for what gpg named the signer by — gpg gives only the 16-digit
    /// key id of a bad signature. For messages only: a key id never decides trust.
    func displayFingerprint(for reported: String) -> String {
        let wanted = reported.uppercased()
        guard wanted.count >= 16 else { return reported }
        return keys.first { $0.subkeyFingerprints.contains { $0.hasSuffix(wanted) } }?.fingerprint ?? reported
    }
}

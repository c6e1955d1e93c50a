import CGPGME
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A GnuPG keyring of WriftSync's own, driven through GPGME: a private GNUPGHOME made for this value
/// (mode 0700, under the temporary directory) and removed with it, so neither the user's keyring nor their
/// gpg.conf ever takes part, and nothing imported outlives the verification. GPGME runs `gpg` for each
/// operation; the home's own gpg.conf keeps gpg from starting a gpg-agent (public keys need none) or
/// fetching keys. Not thread-safe (one GPGME context): use one per thread and verification.
final class GPGMEKeyring {
    /// What gpg said about one signature.
    struct SignatureStatus {
        /// The fingerprint (or, for an unknown key, the key id) of the key that made it; may be a subkey.
        let fingerprint: String
        /// libgpg-error's code: 0 good, GPG_ERR_BAD_SIGNATURE, GPG_ERR_NO_PUBKEY, GPG_ERR_KEY_EXPIRED, …
        let code: UInt32
        let summary: UInt32
        /// The key that made it may not sign (gpg's `wrong_key_usage`).
        let wrongKeyUsage: Bool
    }

    /// One public key in the keyring.
    struct Key: Sendable, Hashable {
        /// The primary key's fingerprint (40 hex digits for a v4 key).
        let fingerprint: String
        /// Every subkey's fingerprint, the primary's included.
        let subkeyFingerprints: [String]
        /// The first valid user id (`Name <email>`), or "" when none is.
        let userID: String
        /// The primary key's algorithm, as gpg names it (`ed25519`, `rsa3072`, …).
        let algorithm: String
        let revoked: Bool
        let expired: Bool
    }

    private let context: gpgme_ctx_t
    let home: String

    /// A new empty keyring in a private temporary home.
    init() throws(SignaturePolicyError) {
        try Self.initialise()
        var template = Array((NSTemporaryDirectory() + "/wriftsync-gnupg-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw .openPGPUnavailable(reason: "cannot create a private GnuPG home under \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))")
        }
        home = String(cString: made)
        // mkdtemp makes it 0700 already; gpg refuses a home others can read, so say it outright.
        chmod(home, 0o700)
        // Public keys need no gpg-agent, and one started here would outlive the home; no key is ever
        // fetched from a key server either.
        guard FileManager.default.createFile(atPath: home + "/gpg.conf", contents: Data("no-autostart\nno-auto-key-retrieve\n".utf8), attributes: [.posixPermissions: 0o600]) else {
            Self.remove(home)
            throw .openPGPUnavailable(reason: "cannot write the private GnuPG home \(home)")
        }
        var context: gpgme_ctx_t?
        let created = gpgme_new(&context)
        guard created == 0, let context else {
            Self.remove(home)
            throw .openPGPUnavailable(reason: "gpgme_new: \(Self.message(created))")
        }
        self.context = context
        var error = gpgme_set_protocol(context, GPGME_PROTOCOL_OpenPGP)
        if error == 0 { error = gpgme_ctx_set_engine_info(context, GPGME_PROTOCOL_OpenPGP, nil, home) }
        guard error == 0 else {
            throw .openPGPUnavailable(reason: "cannot point gpg at a private home: \(Self.message(error))")
        }
        // Never ask a key server or dirmngr for a missing key: only the imported keys count.
        gpgme_set_offline(context, 1)
    }

    deinit {
        gpgme_release(context)
        Self.remove(home)
    }

    /// Removes the home, retrying briefly: a gpg that GPGME has finished with may still be deleting its
    /// lock files as it exits, and a removal racing it fails half-way.
    static func remove(_ home: String) {
        for _ in 0..<100 {
            try? FileManager.default.removeItem(atPath: home)
            guard FileManager.default.fileExists(atPath: home) else { return }
            usleep(10_000)
        }
    }

    /// Imports ASCII-armoured public keys and returns every key the keyring then holds.
    func importKeys(_ armored: Data) throws(SignaturePolicyError) -> [Key] {
        var data: gpgme_data_t?
        let created = armored.withUnsafeBytes { buffer in
            gpgme_data_new_from_mem(&data, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count, 1)
        }
        guard created == 0, let data else { throw .openPGPUnavailable(reason: "gpgme_data_new_from_mem: \(Self.message(created))") }
        defer { gpgme_data_release(data) }
        let imported = gpgme_op_import(context, data)
        guard imported == 0 else { throw .openPGPUnavailable(reason: "importing the keys failed: \(Self.message(imported))") }
        return try keys()
    }

    /// Every key in the keyring.
    func keys() throws(SignaturePolicyError) -> [Key] {
        let started = gpgme_op_keylist_start(context, nil, 0)
        guard started == 0 else { throw .openPGPUnavailable(reason: "listing the keys failed: \(Self.message(started))") }
        var keys: [Key] = []
        while true {
            var key: gpgme_key_t?
            let next = gpgme_op_keylist_next(context, &key)
            guard next == 0, let key else { break }
            defer { gpgme_key_unref(key) }
            var fingerprints: [String] = []
            var subkey = key.pointee.subkeys
            var algorithm = ""
            while let current = subkey {
                if let fpr = current.pointee.fpr { fingerprints.append(String(cString: fpr).uppercased()) }
                if algorithm.isEmpty, let name = gpgme_pubkey_algo_string(current) {
                    algorithm = String(cString: name)
                    gpgme_free(name)
                }
                subkey = current.pointee.next
            }
            var userID = ""
            var uid = key.pointee.uids
            while let current = uid {
                if current.pointee.revoked == 0, current.pointee.invalid == 0, let text = current.pointee.uid {
                    userID = String(cString: text)
                    break
                }
                uid = current.pointee.next
            }
            guard let primary = fingerprints.first else { continue }
            keys.append(Key(fingerprint: primary, subkeyFingerprints: fingerprints, userID: userID, algorithm: algorithm,
                            revoked: key.pointee.revoked != 0, expired: key.pointee.expired != 0))
        }
        gpgme_op_keylist_end(context)
        return keys
    }

    /// Verifies a detached signature over `signedData`; nil when gpg found no signature in it at all.
    func verify(signature: Data, signedData: Data) throws(SignaturePolicyError) -> [SignatureStatus]? {
        var signatureData: gpgme_data_t?, textData: gpgme_data_t?
        let first = signature.withUnsafeBytes { gpgme_data_new_from_mem(&signatureData, $0.baseAddress?.assumingMemoryBound(to: CChar.self), $0.count, 1) }
        let second = signedData.withUnsafeBytes { gpgme_data_new_from_mem(&textData, $0.baseAddress?.assumingMemoryBound(to: CChar.self), $0.count, 1) }
        defer {
            gpgme_data_release(signatureData)
            gpgme_data_release(textData)
        }
        guard first == 0, second == 0 else { throw .openPGPUnavailable(reason: "gpgme_data_new_from_mem: \(Self.message(first == 0 ? second : first))") }
        let verified = gpgme_op_verify(context, signatureData, textData, nil)
        if wriftsync_gpgme_err_code(verified) == GPG_ERR_NO_DATA.rawValue || wriftsync_gpgme_err_code(verified) == GPG_ERR_BAD_DATA.rawValue {
            return nil
        }
        guard verified == 0 else { throw .openPGPUnavailable(reason: "gpg could not verify: \(Self.message(verified))") }
        guard let result = gpgme_op_verify_result(context) else { return nil }
        var statuses: [SignatureStatus] = []
        var signature = result.pointee.signatures
        while let current = signature {
            statuses.append(SignatureStatus(
                fingerprint: current.pointee.fpr.map { String(cString: $0).uppercased() } ?? "",
                code: wriftsync_gpgme_err_code(current.pointee.status),
                summary: current.pointee.summary.rawValue,
                wrongKeyUsage: current.pointee.wrong_key_usage != 0
            ))
            signature = current.pointee.next
        }
        return statuses.isEmpty ? nil : statuses
    }

    static func message(_ error: gpgme_error_t) -> String {
        guard let text = gpgme_strerror(error) else { return "error \(error)" }
        return String(cString: text)
    }

    private static let initialisation: String? = {
        // GPGME writes to gpg over pipes; a gpg that dies mid-write must not kill WriftSync with SIGPIPE
        // (GPGME's manual asks applications to ignore it).
        signal(SIGPIPE, SIG_IGN)
        guard wriftsync_gpgme_check_version() != nil else { return "the GPGME library is older than the one WriftSync was built with" }
        let engine = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP)
        guard engine == 0 else {
            return "GnuPG's gpg was not found or is too old (\(message(engine))); install it (Debian: apt-get install gnupg)"
        }
        return nil
    }()

    /// GPGME must be initialised once, before any context exists.
    static func initialise() throws(SignaturePolicyError) {
        if let failure = initialisation { throw .openPGPUnavailable(reason: failure) }
    }
}

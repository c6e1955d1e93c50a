import SystemCrypto
import Foundation

enum Hashing {
    /// The first 16 hex digits of the SHA-256 of `text`: enough to keep mirror names apart.
    static func shortHex(of text: String) -> String {
        Hex.lowercase(HashFunction.sha256.hash(Data(text.utf8)).prefix(8))
    }

    /// OpenSSH's fingerprint format: `SHA256:` and unpadded Base64.
    static func sshFingerprint(sha256 digest: some Sequence<UInt8>) -> String {
        let base64 = Data(digest).base64EncodedString()
        return "SHA256:" + base64.trimmingCharacters(in: CharacterSet(charactersIn: "="))
    }
}

extension Hashing {
    static func sha256(_ data: Data) -> [UInt8] {
        HashFunction.sha256.hash(data)
    }
}

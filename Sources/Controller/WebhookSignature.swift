import SystemCrypto
import Foundation

/// GitHub's webhook signature: `X-Hub-Signature-256: sha256=<hex of HMAC-SHA256(secret, body)>`.
public enum WebhookSignature {
    /// The header GitHub sends the signature in.
    public static let header = "X-Hub-Signature-256"

    /// The header value for `body` signed with `secret` (what a sender computes).
    public static func sign(_ body: some DataProtocol, secret: some DataProtocol) -> String {
        let code = HashFunction.sha256.authenticationCode(for: body, key: secret)
        return "sha256=" + Hex.lowercase(code)
    }

    /// Whether `header` is a valid signature of `body` under `secret`. The comparison is constant-time
    /// (`CRYPTO_memcmp`), so a forger learns nothing from the response time.
    public static func isValid(_ header: String?, body: some DataProtocol, secret: some DataProtocol) -> Bool {
        validCode(header, body: body, secret: secret) != nil
    }

    /// The signature's 32 bytes when `header` is a valid signature of `body` under `secret`, otherwise `nil`:
    /// what identifies a delivery (the body, under the secret).
    /// Whether `header` is a signature at all (`sha256=` and 64 hex digits): checked before the body is read.
    static func isWellFormed(_ header: String?) -> Bool {
        guard let header, header.hasPrefix("sha256=") else { return false }
        return bytes(fromHex: header.dropFirst(7))?.count == 32
    }

    static func validCode(_ header: String?, body: some DataProtocol, secret: some DataProtocol) -> [UInt8]? {
        guard let header, header.hasPrefix("sha256="), let code = bytes(fromHex: header.dropFirst(7)), code.count == 32,
            HashFunction.sha256.isValidAuthenticationCode(code, for: body, key: secret)
        else { return nil }
        return code
    }

    private static func bytes(fromHex hex: Substring) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }
}

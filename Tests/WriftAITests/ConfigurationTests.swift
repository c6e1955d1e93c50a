import Foundation
import Testing
import WriftAI

@Suite("Configuration")
struct ConfigurationTests {
    @Test("defaults: the real API, 10 s connect, 60 s request, 4 in flight, 3/s, wriftsync user agent")
    func defaults() {
        let configuration = WriftAIClient.Configuration()
        #expect(configuration.server.baseURL == "https://api.wrift.ai/v1")
        #expect(configuration.timeouts.connect == .seconds(10))
        #expect(configuration.timeouts.request == .seconds(60))
        #expect(configuration.pacing.maxInFlight == 4)
        #expect(configuration.pacing.requestsPerSecond == 3)
        #expect(configuration.retry.maxRetries == 4)
        #expect(configuration.pagination.pageSize == 50)
        #expect(configuration.userAgent == "wriftsync/\(WriftAIClient.Configuration.clientVersion)")
        #expect(configuration.token == nil)
    }

    @Test("the environment gives the base URL and the token; a token file wins over the variable")
    func environment() throws {
        let fromVariables = try WriftAIClient.Configuration.fromEnvironment([
            "WRIFTAI_API_BASE_URL": "https://staging.example/v1",
            "WRIFTAI_ACCESS_TOKEN": "variable-token",
        ])
        #expect(fromVariables.server.baseURL == "https://staging.example/v1")
        #expect(fromVariables.token?.value == "variable-token")

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        try "\n  file-token  \n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = try WriftAIClient.Configuration.fromEnvironment(
            ["WRIFTAI_ACCESS_TOKEN": "variable-token"],
            tokenFile: file.path
        )
        #expect(fromFile.token?.value == "file-token")
        #expect(fromFile.server.baseURL == "https://api.wrift.ai/v1")

        #expect(throws: WriftAIError.self) {
            try WriftAIClient.Configuration.fromEnvironment([:], tokenFile: "/nonexistent/token")
        }
    }

    @Test(
        "plain http is accepted on loopback hosts only",
        arguments: [
            ("http://127.0.0.1:8080/v1", true),
            ("http://127.1.2.3/v1", true),
            ("http://localhost:9000/v1", true),
            ("http://[::1]:9000/v1", true),
            ("https://api.wrift.ai/v1", true),
            ("http://api.wrift.ai/v1", false),
            ("http://10.0.0.1/v1", false),
            ("http://127.0.0.1.example.com/v1", false),
            ("ftp://127.0.0.1/v1", false),
            ("https://user:pass@api.wrift.ai/v1", false),
            ("not a url", false),
        ]
    )
    func insecureHTTP(_ baseURL: String, _ accepted: Bool) async throws {
        let configuration = WriftAIClient.Configuration(server: .init(baseURL: baseURL))
        do {
            let client = try WriftAIClient(configuration: configuration)
            try await client.shutdown()
            #expect(accepted, "\(baseURL) was accepted")
        } catch {
            #expect(!accepted, "\(baseURL) was refused: \(error)")
            #expect(!"\(error)".contains("pass"), "credentials are not echoed")
        }
    }

    @Test("plain http to another host is accepted with the explicit opt-in")
    func insecureOptIn() async throws {
        let configuration = WriftAIClient.Configuration(
            server: .init(baseURL: "http://api.wrift.ai/v1", allowInsecureHTTP: true)
        )
        let client = try WriftAIClient(configuration: configuration)
        try await client.shutdown()
        try await client.shutdown()
    }

    @Test("an extra CA file must be readable")
    func caFile() async throws {
        let missing = WriftAIClient.Configuration(server: .init(additionalCAFile: "/nonexistent/ca.pem"))
        #expect {
            try WriftAIClient(configuration: missing)
        } throws: { error in
            (error as? WriftAIError)?.description.contains("/nonexistent/ca.pem") == true
        }
    }

    @Test("unusable pacing and pagination settings are refused")
    func invalidSettings() {
        var zeroInFlight = WriftAIClient.Configuration()
        zeroInFlight.pacing.maxInFlight = 0
        var badPage = WriftAIClient.Configuration()
        badPage.pagination.pageSize = 51
        var badRate = WriftAIClient.Configuration()
        badRate.pacing.requestsPerSecond = 0
        for configuration in [zeroInFlight, badPage, badRate] {
            #expect(throws: WriftAIError.self) { try WriftAIClient(configuration: configuration) }
        }
    }

    @Test("an access token never shows its value")
    func tokenDescription() {
        let token = AccessToken("  very-secret-value  ")
        #expect(token.value == "very-secret-value")
        #expect("\(token)" == "<redacted>")
        #expect(String(reflecting: token) == "AccessToken(<redacted>)")
        let configuration = WriftAIClient.Configuration(token: token)
        #expect(!"\(configuration)".contains("very-secret-value"))
    }
}

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

    /// A setting the client cannot work with, and the words of its refusal.
    struct Unusable: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var change: @Sendable (inout WriftAIClient.Configuration) -> Void
        var message: String
    }

    @Test("unusable pacing and pagination settings are refused", arguments: [
        Unusable(testDescription: "no request in flight", change: { $0.pacing.maxInFlight = 0 }, message: "in flight"),
        Unusable(testDescription: "pages of 51", change: { $0.pagination.pageSize = 51 }, message: "page size"),
        Unusable(testDescription: "a rate of 0", change: { $0.pacing.requestsPerSecond = 0 }, message: "at least 0.001"),
        // One request every 1e10 s: the wait's nanoseconds overflowed an Int64 and trapped.
        Unusable(testDescription: "a rate of 1e-10", change: { $0.pacing.requestsPerSecond = 1e-10 }, message: "at least 0.001"),
        Unusable(testDescription: "a maximum rate of 1e-10", change: { $0.pacing.maxRequestsPerSecond = 1e-10 }, message: "at least 0.001"),
        Unusable(testDescription: "an infinite rate", change: { $0.pacing.requestsPerSecond = .infinity }, message: "finite"),
    ])
    func invalidSettings(_ unusable: Unusable) {
        var configuration = WriftAIClient.Configuration()
        unusable.change(&configuration)
        #expect {
            try WriftAIClient(configuration: configuration)
        } throws: { error in
            "\(error)".contains(unusable.message)
        }
    }

    @Test("the slowest rate accepted is one request every 1,000 s")
    func slowestRate() async throws {
        var configuration = WriftAIClient.Configuration()
        configuration.pacing.requestsPerSecond = WriftAIClient.Configuration.Pacing.minimumRequestsPerSecond
        configuration.pacing.maxRequestsPerSecond = WriftAIClient.Configuration.Pacing.minimumRequestsPerSecond
        let client = try WriftAIClient(configuration: configuration)
        try await client.shutdown()
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

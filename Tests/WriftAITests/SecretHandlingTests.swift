import Logging
import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

@Suite("The token stays secret")
struct SecretHandlingTests {
    @Test("no error description and no log line, at any level, contains the token")
    func tokenNeverShown() async throws {
        let logs = LogCapture()
        var descriptions: [String] = []
        // Faults make the client log retries and resolve lost creates, on top of the plain requests.
        let emulator = Fixture.emulator(faults: .init(failRate: 0.2, loseResponseRate: 0.2, seed: 4))
        try await withSession(emulator: emulator, configure: { $0.retry.maxRetries = 8 }, logger: logs.logger) { session in
            let demo = try Fixture.demo
            let client = session.client
            _ = try await client.createVersion(demo, Fixture.version(1))
            _ = try await client.allVersions(demo).collect()
            _ = try await client.updateConfiguration(demo, number: 1, ConfigurationUpdate(hardwareIdentifier: "gpu"))

            var invalid = Fixture.version(2)
            invalid.containerImageDigest = Users.alice
            invalid.releaseNotes = Users.alice + String(repeating: "x", count: 300)
            let failures = [
                await failure { try await client.createVersion(demo, invalid) },
                await failure { try await client.version(demo, number: 99) },
                await failure { try await client.model(try ModelID(parsing: "alice/\(Users.alice)")) },
                await failure { try await client.listVersions(try ModelID(parsing: "bob/\(Users.alice)")) },
                await failure { try await client.listVersions(demo, cursor: Users.alice, pageSize: 5) },
            ]
            descriptions += failures.compactMap { $0.map { "\($0)" } }
            #expect(descriptions.count == failures.count)
        }
        try await withSession(configure: { $0.token = AccessToken("wrong-\(Users.alice)") }, logger: logs.logger) {
            session in
            if let error = await failure({ try await session.client.model(try Fixture.demo) }) {
                descriptions.append("\(error)")
                descriptions.append(String(reflecting: error))
            }
        }

        #expect(descriptions.count == 7)
        #expect(logs.lines.count > 10)
        #expect(logs.lines.contains { $0.contains("retrying") })
        for text in descriptions + logs.lines {
            #expect(!text.contains(Users.alice), "leaked: \(text)")
        }
        // The path with the token-like model name and cursor was redacted, not dropped.
        #expect(descriptions.contains { $0.contains("<redacted>") })
    }
}

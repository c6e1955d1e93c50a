import Testing
import WriftAIEmulator
import WriftAIModels

@Suite("Lifecycle")
struct LifecycleTests {
    @Test("a port that is taken makes the start fail with an error instead of hanging")
    func portTaken() async throws {
        try await withEmulator { _, running in
            var configuration = Fixture.configuration()
            configuration.server.port = running.port
            await #expect(throws: (any Error).self) {
                try await withRunningEmulator(
                    configuration: configuration, storage: try InMemoryEmulatorStorage(), logger: Fixture.logger
                ) { _ in
                    Issue.record("a second emulator started on a taken port")
                }
            }
        }
    }

    @Test("the running emulator reports its URLs on 127.0.0.1 and the real port")
    func urls() async throws {
        try await withEmulator { client, running in
            #expect(running.host == "127.0.0.1")
            #expect(running.port > 0)
            #expect(running.baseURL == "http://127.0.0.1:\(running.port)/v1")
            #expect(running.statsURL == "http://127.0.0.1:\(running.port)/_emulator/stats")
            let answer = try await client.send(.get, "/_emulator/stats")
            #expect(answer.status == 200)
        }
    }
}

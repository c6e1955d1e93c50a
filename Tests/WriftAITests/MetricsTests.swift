import MetricsTestKit
import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels

@Suite("Request metrics")
struct MetricsTests {
    private static let label = "wriftsync_api_requests_total"

    private func count(_ metrics: TestMetrics, _ method: String, _ route: String, _ code: String) -> Int64 {
        metrics.counterTotal(label: Self.label, dimensions: [("method", method), ("route", route), ("code", code)])
    }

    @Test("requests are counted by method, route template and status")
    func counted() async throws {
        let metrics = TestMetrics()
        try await withSession(metricsFactory: metrics) { session in
            let demo = try Fixture.demo
            _ = try await session.client.createVersion(demo, Fixture.version(1))
            _ = try await session.client.version(demo, number: 1)
            _ = try await session.client.version(demo, number: 1)
            _ = await failure { try await session.client.version(demo, number: 7) }
            _ = try await session.client.allVersions(demo).collect()
            try await session.client.deleteVersion(demo, number: 1)
        }
        #expect(count(metrics, "POST", "/models/{owner}/{name}/versions", "201") == 1)
        #expect(count(metrics, "GET", "/models/{owner}/{name}/versions/{number}", "200") == 2)
        #expect(count(metrics, "GET", "/models/{owner}/{name}/versions/{number}", "404") == 1)
        #expect(count(metrics, "GET", "/models/{owner}/{name}/versions", "200") == 1)
        #expect(count(metrics, "DELETE", "/models/{owner}/{name}/versions/{number}", "204") == 1)
        #expect(metrics.counterTotal(label: Self.label) == 6)
    }

    @Test("failed attempts without an answer are counted too")
    func transportCounted() async throws {
        let metrics = TestMetrics()
        try await withSession(
            emulator: Fixture.emulator(faults: .init(latencyMilliseconds: 300)),
            configure: {
                $0.timeouts.request = .milliseconds(50)
                $0.retry = .never
            },
            metricsFactory: metrics
        ) { session in
            _ = await failure { try await session.client.model(try Fixture.demo) }
        }
        #expect(count(metrics, "GET", "/models/{owner}/{name}", "timeout") == 1)
    }
}

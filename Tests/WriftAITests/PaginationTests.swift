import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

@Suite("allVersions")
struct PaginationTests {
    /// Creates versions 1…`count` of alice/demo.
    private func createVersions(_ count: Int, _ session: Session) async throws {
        for seed in 1...count {
            _ = try await session.client.createVersion(try Fixture.demo, Fixture.version(seed))
        }
    }

    private func listRequests(_ session: Session) async throws -> Int {
        try await session.stats().count(method: "GET", route: "/v1/models/{owner}/{name}/versions")
    }

    @Test("walks 3+ pages newest first, one request per page")
    func threePages() async throws {
        try await withSession(configure: { $0.pagination.pageSize = 5 }) { session in
            try await createVersions(12, session)
            let versions = try await session.client.allVersions(try Fixture.demo).collect()
            #expect(versions.map(\.number) == Array((1...12).reversed()))
            #expect(versions.map(\.containerImageDigest) == (1...12).reversed().map(digest))
            #expect(try await listRequests(session) == 3)
        }
    }

    @Test("uses pages of 50 by default: 50 versions in one request, 51 in two")
    func defaultPageSize() async throws {
        try await withSession { session in
            try await createVersions(50, session)
            #expect(try await session.client.allVersions(try Fixture.demo).collect().count == 50)
            #expect(try await listRequests(session) == 1)
            _ = try await session.client.createVersion(try Fixture.demo, Fixture.version(51))
            #expect(try await session.client.allVersions(try Fixture.demo).collect().count == 51)
            #expect(try await listRequests(session) == 3)
        }
    }

    @Test("an empty model is one request and no versions")
    func empty() async throws {
        try await withSession { session in
            var iterator = session.client.allVersions(try Fixture.demo).makeAsyncIterator()
            #expect(try await iterator.next() == nil)
            #expect(try await iterator.next() == nil)
            #expect(try await listRequests(session) == 1)
        }
    }

    @Test("works over a legacy server whose list items have no digests")
    func legacy() async throws {
        try await withSession(
            emulator: Fixture.emulator(faults: .init(legacyList: true)),
            configure: { $0.pagination.pageSize = 5 }
        ) { session in
            try await createVersions(11, session)
            let versions = try await session.client.allVersions(try Fixture.demo).collect()
            #expect(versions.map(\.number) == Array((1...11).reversed()))
            #expect(versions.allSatisfy { $0.containerImageDigest == nil })
        }
    }

    @Test("a server that repeats a cursor ends the listing with an error, not a loop")
    func repeatedCursor() async throws {
        try await withSession(
            emulator: Fixture.emulator(faults: .init(repeatCursor: true)),
            configure: { $0.pagination.pageSize = 5 }
        ) { session in
            try await createVersions(12, session)
            var seen: [Int] = []
            let error = await failure {
                for try await version in session.client.allVersions(try Fixture.demo) {
                    seen.append(version.number)
                }
            }
            guard case .pagination(let context, let reason) = error else {
                Issue.record("expected a pagination error, got \(String(describing: error))")
                return
            }
            #expect(context.path == "/v1/models/alice/demo/versions")
            #expect(reason.contains("a second time"))
            #expect(seen == [12, 11, 10, 9, 8])
            #expect(try await listRequests(session) == 2)
        }
    }

    @Test("a listing longer than the page bound ends with an error")
    func pageBound() async throws {
        try await withSession(configure: {
            $0.pagination.pageSize = 5
            $0.pagination.maxPages = 2
        }) { session in
            try await createVersions(11, session)
            let error = await failure { try await session.client.allVersions(try Fixture.demo).collect() }
            guard case .pagination(_, let reason) = error else {
                Issue.record("expected a pagination error, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("2 pages"))
        }
    }
}

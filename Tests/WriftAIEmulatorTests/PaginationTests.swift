import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

@Suite("Pagination")
struct PaginationTests {
    /// Creates versions `1...count` of alice/demo.
    private func populate(_ client: EmulatorTestClient, count: Int) async throws {
        for seed in 1...count {
            let answer = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(seed))
            try #require(answer.status == 201)
        }
    }

    private func page(_ client: EmulatorTestClient, size: Int? = nil, cursor: String? = nil) async throws
        -> Page<ModelVersion>
    {
        var query: [String] = []
        if let size { query.append("page_size=\(size)") }
        if let cursor { query.append("cursor=\(cursor)") }
        let path = "/v1/models/alice/demo/versions" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let answer = try await client.send(.get, path, token: Users.alice)
        try #require(answer.status == 200, "\(path): \(answer.status)")
        return try answer.decode()
    }

    @Test("forward across several pages, then all the way back, newest first")
    func bothWays() async throws {
        try await withRoutes { client in
            try await populate(client, count: 23)
            var pages: [Page<ModelVersion>] = [try await page(client, size: 5)]
            #expect(pages[0].previousCursor == nil)
            while let next = pages.last?.nextCursor, pages.count < 10 {
                pages.append(try await page(client, size: 5, cursor: next))
            }
            #expect(pages.map { $0.items.map(\.number) } == [
                [23, 22, 21, 20, 19], [18, 17, 16, 15, 14], [13, 12, 11, 10, 9], [8, 7, 6, 5, 4], [3, 2, 1],
            ])
            #expect(pages.last?.nextCursor == nil)
            #expect(pages.dropFirst().allSatisfy { $0.previousCursor != nil })
            #expect(pages[0].items.allSatisfy { $0.containerImageDigest == digest($0.number) })

            // Back from the last page, one page at a time, to the first.
            var backward: [[Int]] = [pages.last!.items.map(\.number)]
            var cursor = pages.last?.previousCursor
            while let previous = cursor, backward.count < 10 {
                let earlier = try await page(client, size: 5, cursor: previous)
                backward.append(earlier.items.map(\.number))
                cursor = earlier.previousCursor
            }
            #expect(backward == pages.reversed().map { $0.items.map(\.number) })
        }
    }

    @Test("the default page size is 25; page_size must be 5 to 50")
    func pageSize() async throws {
        try await withRoutes { client in
            try await populate(client, count: 27)
            let first = try await page(client)
            #expect(first.items.count == 25)
            #expect(try await page(client, size: 50).items.count == 27)
            for invalid in ["4", "51", "0", "abc", "-5"] {
                let answer = try await client.send(
                    .get, "/v1/models/alice/demo/versions?page_size=\(invalid)", token: Users.alice)
                #expect(answer.status == 422, "page_size=\(invalid)")
                #expect(answer.validationPaths == ["query.page_size"])
            }
            let both = try await client.send(
                .get, "/v1/models/alice/demo/versions?page_size=2&cursor=garbage", token: Users.alice)
            #expect(both.validationPaths == ["query.page_size", "query.cursor"])
        }
    }

    @Test("an empty model has one empty page with null cursors")
    func empty() async throws {
        try await withRoutes { client in
            let answer = try await client.send(.get, "/v1/models/alice/demo/versions", token: Users.alice)
            #expect(answer.json == ["items": [], "next_cursor": nil, "previous_cursor": nil])
        }
    }

    @Test("paging forward while another connection creates versions skips and repeats nothing")
    func concurrentCreates() async throws {
        try await withEmulator { client, emulator in
            try await populate(client, count: 30)
            let seen = try await withThrowingTaskGroup(of: [Int].self) { group in
                group.addTask {
                    try await withClient(port: emulator.port) { writer in
                        for seed in 100..<120 {
                            let answer = try await writer.send(
                                .post, "/v1/models/alice/demo/versions", token: Users.alice,
                                json: Fixture.versionBody(seed))
                            try #require(answer.status == 201)
                        }
                        return []
                    }
                }
                group.addTask {
                    try await withClient(port: emulator.port) { reader in
                        var numbers: [Int] = []
                        var cursor: String?
                        var firstPage = true
                        for _ in 0..<100 where firstPage || cursor != nil {
                            let current = try await page(reader, size: 5, cursor: cursor)
                            numbers += current.items.map(\.number)
                            cursor = current.nextCursor
                            firstPage = false
                        }
                        return numbers
                    }
                }
                var results: [[Int]] = []
                for try await result in group { results.append(result) }
                return results.first { !$0.isEmpty } ?? []
            }
            // Whatever was newest when the walk began, every older version appears exactly once, in order.
            let top = try #require(seen.first)
            #expect(top >= 30)
            #expect(seen == Array((1...top).reversed()))
        }
    }

    @Test("deleting versions between pages neither shifts nor repeats items")
    func deletesBetweenPages() async throws {
        try await withRoutes { client in
            try await populate(client, count: 15)
            let first = try await page(client, size: 5)
            #expect(first.items.map(\.number) == [15, 14, 13, 12, 11])
            for number in [15, 11, 10, 3] {
                _ = try await client.send(.delete, "/v1/models/alice/demo/versions/\(number)", token: Users.alice)
            }
            let second = try await page(client, size: 5, cursor: first.nextCursor)
            #expect(second.items.map(\.number) == [9, 8, 7, 6, 5])
            let third = try await page(client, size: 5, cursor: second.nextCursor)
            #expect(third.items.map(\.number) == [4, 2, 1])
            #expect(third.nextCursor == nil)
            let back = try await page(client, size: 5, cursor: second.previousCursor)
            #expect(back.items.map(\.number) == [14, 13, 12])
            #expect(back.previousCursor == nil)
        }
    }
}

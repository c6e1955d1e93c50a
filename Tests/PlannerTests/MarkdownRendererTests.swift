import Planner
import Testing
import WriftAIModels

@Suite("MarkdownRenderer")
struct MarkdownRendererTests {
    @Test("golden: the counts, the risks first (deletes, latest changes, warnings), then a collapsed table per model, suspended models and the commit")
    func golden() {
        let expected = #"""
            ### WriftSync plan: 1 to create, 1 to configure, 1 to delete

            2 unchanged · 1 warning · applying makes 3 requests, about 1 s at the rate limit

            - ➖ **1 to delete:** `acme/sentiment` #3
            - 🔀 **latest changes:** `acme/sentiment` #3 (090909090909) → new (030303030303)
            - ⚠️ **1 warning:**
              - ⚠️ `acme/sentiment` #1 `010101010101`: #1 differs from its declaration in release notes (live release notes "First release", declared "Initial release"); these are immutable, so it is left as is (on_immutable_change: replace would re-create it)

            <details><summary><code>acme/sentiment</code>: 1 to create, 1 to configure, 1 to delete, 1 warning · latest #3 → new</summary>

            | Action | Version | Digest | Release notes | Reason |
            |---|---|---|---|---|
            | ➕ create | new | `030303030303` | Add streaming | declared, not live |
            | 🔧 configure | #2 | `020202020202` | Faster \| smaller<br>model | configuration differs: hardware cpu-small → gpu-a100, variables \[\] → \[HF_TOKEN, WANDB_KEY\] |
            | ➖ delete | #3 | `090909090909` | Experimental &lt;b&gt;build&lt;/b&gt; | not declared |

            Latest: #3 (090909090909) → new (030303030303)

            - ⚠️ #1 `010101010101`: #1 differs from its declaration in release notes (live release notes "First release", declared "Initial release"); these are immutable, so it is left as is (on_immutable_change: replace would re-create it)

            </details>

            Suspended, skipped: `acme/summarizer`

            ---
            Planned from commit `4f1c2e0b9a8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b` (`main` of `https://git.example/acme/models.git`).

            """#
        #expect(MarkdownRenderer.render(RendererFixture.plan) == expected)
    }

    @Test("golden: a latest moved off the last declared version in a warning block, kept versions, a replacement, a create's configuration and compatibilities, a model no longer declared")
    func goldenRisks() {
        let expected = #"""
            ### WriftSync plan: 2 to create, 0 to configure, 3 to delete

            3 unchanged · 1 warning · applying makes 5 requests, about 2 s at the rate limit

            > [!WARNING]
            > **`acme/tagger`**: the latest version changes from #4 (040404040404) to #3 (030303030303), which is not the last declared version #2 (020202020202): un-pinned predictions will go to it.

            - ➖ **3 to delete:** `acme/chat` #3 (replaced), `acme/chat` #4, `acme/tagger` #4
            - 🔀 **latest changes:** `acme/chat` #4 (040404040404) → new (050505050505); `acme/tagger` #4 (040404040404) → #3 (030303030303)
            - ⚠️ **1 warning:**
              - ⚠️ `acme/tagger` #3 `030303030303`: after apply the latest version would be #3 (030303030303), not the last declared version #2 (020202020202): it is not declared but is in keep
            - ❔ **no longer declared, left alone:** `acme/retired`

            <details><summary><code>acme/chat</code>: 1 to create, 1 to replace, 1 to delete · latest #4 → new</summary>

            | Action | Version | Digest | Release notes | Reason |
            |---|---|---|---|---|
            | ± replace | #3 | `030303030303` | Three, corrected | replaces #3: immutable drift in release notes |
            | ➕ create | new | `050505050505` | Five | declared, not live<br>configuration: hardware gpu-a100, variables \[HF_TOKEN\]<br>compatibilities: openai_chat_completions |
            | ➖ delete | #4 | `040404040404` | Four | not declared |
            | = kept | #1 | `010101010101` | One | not declared, in keep: never deleted |

            Latest: #4 (040404040404) → new (050505050505)

            </details>

            <details><summary><code>acme/tagger</code>: 1 to delete, 1 warning · latest #4 → #3</summary>

            | Action | Version | Digest | Release notes | Reason |
            |---|---|---|---|---|
            | ➖ delete | #4 | `040404040404` | Four | not declared |
            | = kept | #3 | `030303030303` | Three | not declared, in keep: never deleted |

            Latest: #4 (040404040404) → #3 (030303030303)

            - ⚠️ #3 `030303030303`: after apply the latest version would be #3 (030303030303), not the last declared version #2 (020202020202): it is not declared but is in keep

            </details>

            | Action | Model | Reason |
            |---|---|---|
            | ❔ not managed | `acme/retired` | no longer declared (it was in models/retired.yaml at 9f8e7d6c5b4a): its live versions are left alone |

            ---
            Planned from commit `4f1c2e0b9a8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b` (`main` of `https://git.example/acme/models.git`).

            """#
        #expect(MarkdownRenderer.render(RendererFixture.riskyPlan) == expected)
    }

    @Test("golden: no changes")
    func goldenNoChanges() {
        let expected = """
            ### WriftSync plan: no changes

            1 unchanged · 0 warnings

            ---
            Planned from commit `4f1c2e0b9a8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b` (`main` of `https://git.example/acme/models.git`).

            """
        #expect(MarkdownRenderer.render(RendererFixture.emptyPlan) == expected)
    }

    struct EscapeCase: Sendable, CustomTestStringConvertible {
        var notes: String
        var cell: String
        var testDescription: String { cell }
    }

    @Test(
        "release notes cannot break a table row",
        arguments: [
            EscapeCase(notes: "a|b", cell: #"a\|b"#),
            EscapeCase(notes: "one\ntwo", cell: "one<br>two"),
            EscapeCase(notes: "one\r\ntwo\rthree", cell: "one<br>two<br>three"),
            EscapeCase(notes: "back\\slash|", cell: #"back\\slash\|"#),
            EscapeCase(notes: "<img src=x> & co", cell: "&lt;img src=x&gt; &amp; co"),
            // The escape's backslash is itself escaped, so it renders as `bell\u{7}`.
            EscapeCase(notes: "bell\u{7}", cell: #"bell\\u{7}"#),
            // GitHub's active Markdown, in the bot's own comment: no link, image, mention, autolink or cross-reference.
            EscapeCase(notes: "[Approve](https://evil.example) ![ok](x.png)", cell: "\\[Approve\\](https:\u{2060}//evil.example) !\\[ok\\](x.png)"),
            EscapeCase(notes: "ping @acme/admins, mail ops@acme.example", cell: "ping @\u{2060}acme/admins, mail ops@\u{2060}acme.example"),
            EscapeCase(notes: "see www.evil.example and acme/other#12, not #3", cell: "see www\u{2060}.evil.example and acme/other#\u{2060}12, not #3"),
        ]
    )
    func escaping(_ testCase: EscapeCase) {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(2)]),
            live: [Fixture.live(1, 1, notes: testCase.notes), Fixture.live(2, 2)]
        )
        let markdown = MarkdownRenderer.render(plan)
        #expect(markdown.contains("| ➖ delete | #1 | `010101010101` | \(testCase.cell) | not declared |\n"))
    }

    /// 200 creates with 255-character notes: about 66,000 characters untruncated.
    static var hugePlan: Plan {
        let notes = String(repeating: "n", count: 250)
        return Fixture.plan(
            Fixture.declaration((0..<200).map { Fixture.declared($0, notes: "\($0) " + notes) }),
            live: []
        )
    }

    @Test("a rendering over the cap is cut between rows and says where to look")
    func truncatedAtDefaultCap() throws {
        let markdown = MarkdownRenderer.render(Self.hugePlan)
        #expect(markdown.unicodeScalars.count <= MarkdownRenderer.defaultLimit)
        #expect(markdown.unicodeScalars.count > MarkdownRenderer.defaultLimit - 400)
        #expect(markdown.contains("> **Truncated:** this plan is too long for a comment; see the JSON plan"))
        #expect(markdown.contains("for all 200 changes and 0 warnings."))
        #expect(markdown.hasSuffix("Planned from commit `4f1c2e0b9a8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b` (`main` of `https://git.example/acme/models.git`).\n"))
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| ➕ create") }
        #expect(rows.count > 100 && rows.count < 200)
        for (index, row) in rows.enumerated() {
            #expect(row.hasSuffix(" |"))
            #expect(row.contains("| \(index) nnn"))
        }
    }

    @Test("the cap can be lowered, and a rendering under it is not truncated")
    func customLimit() {
        let full = MarkdownRenderer.render(RendererFixture.plan)
        #expect(MarkdownRenderer.render(RendererFixture.plan, limit: full.unicodeScalars.count) == full)
        let cut = MarkdownRenderer.render(RendererFixture.plan, limit: full.unicodeScalars.count - 1)
        #expect(cut.unicodeScalars.count <= full.unicodeScalars.count - 1)
        #expect(cut.contains("**Truncated:**"))
        #expect(cut.hasPrefix("### WriftSync plan: 1 to create, 1 to configure, 1 to delete\n"))
    }
}

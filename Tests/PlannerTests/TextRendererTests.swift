import Planner
import Testing

@Suite("TextRenderer")
struct TextRendererTests {
    @Test("golden: every kind of line, suspended models, counts and commit; unchanged models left out")
    func golden() {
        let expected = #"""
            acme/sentiment
              + create     new  030303030303  "Add streaming"  (declared, not live)
              ~ configure  #2   020202020202  "Faster | smaller\nmodel"  (configuration differs: hardware cpu-small → gpu-a100, variables [] → [HF_TOKEN, WANDB_KEY])
              - delete     #3   090909090909  "Experimental <b>build</b>"  (not declared)
              ! warning    #1   010101010101  #1 differs from its declaration in release notes (live release notes "First release", declared "Initial release"); these are immutable, so it is left as is (on_immutable_change: replace would re-create it)
              latest: #3 (090909090909) → new (030303030303)

            acme/summarizer (suspended: skipped)

            Plan: 1 to create, 1 to configure, 1 to delete.
            Applying makes 3 requests, about 1 s at the rate limit.
            1 warning.
            From commit 4f1c2e0b9a8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b (main of https://git.example/acme/models.git).

            """#
        #expect(TextRenderer.render(RendererFixture.plan) == expected)
    }

    @Test("golden: the risks — a latest moved off the last declared version, kept versions, a replacement, a create's configuration and compatibilities, a model no longer declared")
    func goldenRisks() {
        let expected = #"""
            ! acme/tagger: the latest version changes from #4 (040404040404) to #3 (030303030303), which is not the last declared version #2 (020202020202): un-pinned predictions will go to it.

            acme/chat
              ± replace    #3   030303030303  "Three, corrected"  (replaces #3: immutable drift in release notes)
              + create     new  050505050505  "Five"  (declared, not live)
                                configuration: hardware gpu-a100, variables [HF_TOKEN]
                                compatibilities: openai_chat_completions
              - delete     #4   040404040404  "Four"  (not declared)
              = kept       #1   010101010101  "One"  (not declared, in keep: never deleted)
              latest: #4 (040404040404) → new (050505050505)

            acme/tagger
              - delete     #4  040404040404  "Four"  (not declared)
              = kept       #3  030303030303  "Three"  (not declared, in keep: never deleted)
              ! warning    #3  030303030303  after apply the latest version would be #3 (030303030303), not the last declared version #2 (020202020202): it is not declared but is in keep
              latest: #4 (040404040404) → #3 (030303030303)

            acme/retired
              ? not managed  no longer declared (it was in models/retired.yaml at 9f8e7d6c5b4a): its live versions are left alone

            Plan: 2 to create, 0 to configure, 3 to delete.
            Applying makes 5 requests, about 2 s at the rate limit.
            1 warning.
            From commit 4f1c2e0b9a8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b (main of https://git.example/acme/models.git).

            """#
        #expect(TextRenderer.render(RendererFixture.riskyPlan) == expected)
    }

    @Test("golden: no changes")
    func goldenNoChanges() {
        let expected = """
            No changes. The live versions match the declarations (1 unchanged).
            From commit 4f1c2e0b9a8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b (main of https://git.example/acme/models.git).

            """
        #expect(TextRenderer.render(RendererFixture.emptyPlan) == expected)
    }

    @Test("warnings are shown even when nothing changes")
    func warningsWithoutChanges() {
        let plan = Fixture.plan(Fixture.declaration([Fixture.declared(1, notes: "New")]), live: [Fixture.live(1, 1)])
        let text = TextRenderer.render(plan)
        #expect(text.hasPrefix("acme/sentiment\n  ! warning    #1  010101010101  #1 differs from its declaration in release notes"))
        #expect(text.contains("No changes. The live versions match the declarations (1 unchanged).\n1 warning.\n"))
    }

    @Test("colour only when asked, and then only ANSI around the same text")
    func colour() {
        let plain = TextRenderer.render(RendererFixture.plan)
        let coloured = TextRenderer.render(RendererFixture.plan, colour: true)
        #expect(!plain.contains("\u{1B}"))
        #expect(coloured.contains("\u{1B}[32m+ create   \u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[33m~ configure\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[31m- delete   \u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[35m! warning  \u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[1macme/sentiment\u{1B}[0m"))
        #expect(Self.strippingANSI(coloured) == plain)
    }

    @Test("control characters in release notes cannot drive the terminal or break lines")
    func controlCharactersEscaped() {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(2)]),
            live: [Fixture.live(1, 1, notes: "evil\u{1B}[2J\rover\u{202E}txt"), Fixture.live(2, 2)]
        )
        let text = TextRenderer.render(plan)
        #expect(!text.contains("\u{1B}"))
        #expect(!text.contains("\r"))
        #expect(!text.contains("\u{202E}"))
        #expect(text.contains(#"  - delete     #1  010101010101  "evil\u{1b}[2J\rover\u{202e}txt"  (not declared)"#))
    }

    /// `text` without `ESC [ … m` sequences.
    static func strippingANSI(_ text: String) -> String {
        var result = ""
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            if scalar == "\u{1B}" {
                while let next = iterator.next(), next != "m" {}
                continue
            }
            result.unicodeScalars.append(scalar)
        }
        return result
    }
}

import Foundation
import Testing
import WriftSyncTesting

/// The documentation stays true to the tree and the executables: every relative link resolves (files, and
/// `#anchors` by GitHub's rules), and every `--flag` it names is a flag of some command.
@Suite(.onOwnThreads) struct DocsTests {
    /// The repository root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// README.md, every page under docs/, and the examples' walk-through.
    static var pages: [String] {
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: root + "/docs")) ?? []
        return ["README.md", "Examples/README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
    }

    /// Flags named in the docs that no `--help` lists, each with its reason (a flag a branch not merged yet
    /// adds). Other tools' flags need no entry: a flag after `git`, `gpg`, `swift`, `ssh-keygen`, `curl` or
    /// `make` on its line (and no `wriftsync` in between) is that tool's.
    static let allowedFlags: [String: String] = [:]

    /// The commands whose flags the docs may name.
    static var otherTools: Regex<Substring> { /(?:^|[\s`(|])(?:git|gpg|swift|ssh-keygen|curl|make)\s+/ }

    @Test func thereArePagesToCheck() {
        #expect(Self.pages.count >= 10, "\(Self.pages)")
    }

    @Test("every relative link resolves, anchors included", arguments: pages)
    func links(_ page: String) throws {
        let text = try String(contentsOfFile: Self.root + "/" + page, encoding: .utf8)
        let directory = (page as NSString).deletingLastPathComponent
        var checked = 0
        for target in Markdown.links(in: text) where !target.contains("://") && !target.hasPrefix("mailto:") {
            checked += 1
            let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let file = parts[0].isEmpty ? page : ((directory.isEmpty ? "" : directory + "/") + parts[0])
            let path = URL(fileURLWithPath: Self.root + "/" + file).standardizedFileURL.path
            #expect(FileManager.default.fileExists(atPath: path), "\(page): link to \(target): no \(file)")
            guard parts.count == 2, FileManager.default.fileExists(atPath: path), path.hasSuffix(".md") else { continue }
            let anchors = Markdown.anchors(in: try String(contentsOfFile: path, encoding: .utf8))
            #expect(anchors.contains(parts[1]), "\(page): link to \(target): no heading with that anchor in \(file); there are \(anchors.sorted())")
        }
        if page == "README.md" { #expect(checked >= 10) }
    }

    @Test func everyFlagTheDocsNameIsInSomeHelp() throws {
        var known: Set<String> = ["--help", "--version"]
        for command in HelpTests.subcommands {
            known.formUnion(Self.flags(inHelp: try HelpTests.help(command.split(separator: " ").map(String.init))))
        }
        known.formUnion(Self.flags(inHelp: try HelpTests.help([], executable: EmulatorProcess.executable)))
        #expect(known.contains("--worktree") && known.contains("--unauthenticated-rate-limit"), "the help was read: \(known.sorted())")
        var named: [String: Set<String>] = [:]
        for page in Self.pages where page != "Examples/README.md" {
            let text = try String(contentsOfFile: Self.root + "/" + page, encoding: .utf8)
            for line in text.split(separator: "\n").map(String.init) {
                // Not after `#`: `(#--verify-mode-all-since-last)` is an anchor.
                // `--hostile-…` names a family of flags: some flag must start with `--hostile-`.
                for match in line.matches(of: /(?:^|[^\w#-])(--[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:-…|-\*)?)/) {
                    let before = String(line[..<match.output.1.startIndex])
                    let tool = before.matches(of: Self.otherTools).last?.range.lowerBound
                    let ours = before.ranges(of: "wriftsync").last?.lowerBound ?? before.ranges(of: "wriftai-emulator").last?.lowerBound
                    if let tool, ours.map({ $0 < tool }) ?? true { continue }
                    named[String(match.output.1), default: []].insert(page)
                }
            }
        }
        let isKnown = { (flag: String) -> Bool in
            guard flag.hasSuffix("-…") || flag.hasSuffix("-*") else { return known.contains(flag) }
            let prefix = String(flag.dropLast())
            return known.contains { $0.hasPrefix(prefix) }
        }
        let unknown = named.filter { !isKnown($0.key) && Self.allowedFlags[$0.key] == nil }
        #expect(unknown.isEmpty, "flags in the docs that no --help lists: \(unknown.mapValues { $0.sorted() })")
        let stale = Self.allowedFlags.keys.filter { known.contains($0) || named[$0] == nil }
        #expect(stale.isEmpty, "allowed flags that now exist or are no longer named: drop them from the list: \(stale)")
        #expect(named["--mirror"] == nil && named["--armor"] == nil, "other tools' flags are not ours to check")
    }

    @Test("GitHub's anchors, as the tests compute them", arguments: [
        ("## The latest-version rule", "the-latest-version-rule"),
        ("## `wriftsync validate` — check the declarations offline", "wriftsync-validate--check-the-declarations-offline"),
        ("### Failures, by class", "failures-by-class"),
        ("## The JSON plan (`--format json`, `--out`), `format_version: 1`", "the-json-plan---format-json---out-format_version-1"),
        ("## [Linked](other.md) heading", "linked-heading"),
    ])
    func anchor(_ heading: String, _ anchor: String) {
        #expect(Markdown.anchors(in: heading + "\n") == [anchor])
    }

    /// The flags of a `--help`: the first flag of each option line (`  --repo <url-or-path>`, `  -h, --help`).
    static func flags(inHelp text: String) -> Set<String> {
        Set(text.split(separator: "\n").compactMap { line in
            line.firstMatch(of: /^\s{2,}(?:-\w, )?(--[a-z0-9-]+)/).map { String($0.output.1) }
        })
    }
}

/// Just enough Markdown for the checks: links outside code, and headings' anchors.
enum Markdown {
    /// The targets of inline links `[text](target)` outside fenced code blocks and code spans.
    static func links(in text: String) -> [String] {
        var targets: [String] = []
        for line in prose(text) {
            let withoutCode = line.replacing(/`[^`]*`/, with: "")
            for match in withoutCode.matches(of: /\]\(([^)\s]+)(?:\s+"[^"]*")?\)/) {
                targets.append(String(match.output.1))
            }
        }
        return targets
    }

    /// The anchors GitHub gives the headings: lowercased, punctuation other than `-` and `_` dropped, spaces
    /// as `-`, and `-1`, `-2` … after repeats.
    static func anchors(in text: String) -> Set<String> {
        var seen: [String: Int] = [:]
        var anchors: Set<String> = []
        for line in prose(text) {
            guard let match = line.firstMatch(of: /^#{1,6}\s+(.+?)\s*#*\s*$/) else { continue }
            var heading = String(match.output.1)
            heading = heading.replacing(/\[([^\]]*)\]\([^)]*\)/) { String($0.output.1) }
            var slug = ""
            for character in heading.lowercased() {
                if character == " " {
                    slug.append("-")
                } else if character == "-" || character == "_" || character.isLetter || character.isNumber {
                    slug.append(character)
                }
            }
            let count = seen[slug, default: 0]
            seen[slug] = count + 1
            anchors.insert(count == 0 ? slug : "\(slug)-\(count)")
        }
        return anchors
    }

    /// The lines outside fenced code blocks.
    private static func prose(_ text: String) -> [Substring] {
        var inFence = false
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                inFence.toggle()
                continue
            }
            if !inFence { lines.append(line) }
        }
        return lines
    }
}

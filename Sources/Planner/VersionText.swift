import WriftAIModels

/// Short, safe renderings of versions and free text shared by the planner's messages and the renderers.
enum VersionText {
    /// `#7 (0123456789ab)`, or `new (0123456789ab)` for a version the plan creates.
    static func reference(_ version: VersionReference) -> String {
        "\(number(version.number)) (\(version.containerImageDigest.short()))"
    }

    /// `#7`, or `new` when the API has not assigned a number yet.
    static func number(_ number: Int?) -> String {
        number.map { "#\($0)" } ?? "new"
    }

    /// `text` in double quotes with quotes, backslashes and every control character escaped, so
    /// release notes from a repository or the API cannot break a line or drive a terminal.
    static func quoted(_ text: String) -> String {
        // Most notes are printable ASCII with nothing to escape: quoted as they are (a plan of 700 changes
        // spent 5 ms escaping them scalar by scalar before its first write).
        if text.utf8.allSatisfy({ (0x20...0x7E).contains($0) && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if isControl(scalar) {
                    result += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// C0, DEL, C1, and the bidirectional overrides that can make text read differently than it is.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}

extension VersionText {
    /// `text` with every control character escaped as `\u{…}` but otherwise unchanged, for
    /// messages and identifiers that are printed unquoted.
    static func sanitized(_ text: String) -> String {
        escapingControls(text, except: [])
    }

    /// A model's name; valid names hold no control character, but renderers treat every text alike.
    static func sanitized(_ model: ModelID) -> String {
        sanitized(model.description)
    }

    /// Like ``sanitized(_:)`` but leaving line breaks for the caller to render.
    static func sanitizedKeepingNewlines(_ text: String) -> String {
        escapingControls(text, except: ["\n", "\r"])
    }

    private static func escapingControls(_ text: String, except allowed: Set<Unicode.Scalar>) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && !allowed.contains($0) }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar), !allowed.contains(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `30 s`, `1.5 s`.
    static func seconds(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded)) s" : "\(rounded) s"
    }

    /// The counts line both human renderers end with.
    static func counts(_ summary: PlanSummary) -> String {
        "\(summary.create) to create, \(summary.updateConfiguration) to configure, \(summary.delete) to delete"
            + (summary.smokeTest > 0 ? ", \(summary.smokeTest) to smoke-test" : "")
    }

    /// The estimate in words: "3 requests, about 1 s at the rate limit".
    static func estimate(_ estimate: PlanEstimate) -> String {
        let requests = estimate.requests == 1 ? "1 request" : "\(estimate.requests) requests"
        return "\(requests), about \(Int(estimate.seconds.rounded(.up))) s at the rate limit"
    }
}

extension VersionText {
    /// Where the plan comes from, after "From" or "Planned from": `commit abc… (main of https://…)`, or
    /// `the working tree of /repo (uncommitted changes on top of commit abc…, refs/heads/main)`. `code` styles
    /// each value.
    static func origin(_ revision: Revision, code: (String) -> String) -> String {
        if revision.worktree == true {
            return "the working tree of \(code(revision.repository)) (uncommitted changes on top of commit \(code(revision.commit)), "
                + "\(code(revision.ref)))"
        }
        return "commit \(code(revision.commit)) (\(code(revision.ref)) of \(code(revision.repository)))"
    }

    /// Why a model is shown as not managed, in one clause.
    static func unmanaged(_ model: UnmanagedModel) -> String {
        "no longer declared (it was in \(model.declaredIn) at \(String(model.lastDeclaredAt.prefix(12)))): "
            + "its live versions are left alone"
    }
}

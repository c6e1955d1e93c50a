import Foundation

/// OpenSSH's patterns (ssh_config(5), PATTERNS): `*` and `?` wildcards, and pattern-lists of
/// comma-separated patterns where a `!` in front negates one.
enum SSHPattern {
    /// One pattern against a name, case-sensitive; callers lower-case both for host names.
    static func matches(_ pattern: String, _ name: String) -> Bool {
        let p = Array(pattern.unicodeScalars), n = Array(name.unicodeScalars)
        var pi = 0, ni = 0, star = -1, mark = 0
        while ni < n.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == n[ni]) {
                pi += 1; ni += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi; mark = ni; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ni = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// A pattern-list as `match_pattern_list` reads it: true when some pattern matches and no negated one
    /// does (a negated match wins over any positive one).
    static func listMatches(_ list: String, _ name: String) -> Bool {
        var matched = false
        for pattern in list.split(separator: ",", omittingEmptySubsequences: true) {
            if pattern.hasPrefix("!") {
                if matches(String(pattern.dropFirst()), name) { return false }
            } else if matches(String(pattern), name) {
                matched = true
            }
        }
        return matched
    }
}

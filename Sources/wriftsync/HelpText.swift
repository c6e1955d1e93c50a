/// The usage lines and examples of each command's `--help`, in one place so that they are read together.
/// The commands' own files keep their flags and discussions.
enum HelpText {
    /// `--repo`: a repository every command but `apply --plan` needs (the usage lines say which).
    static let repo = "Repository: https://, http://, ssh://, git://, file:// URL, user@host:path, or the path of a local repository (its root: a folder inside one goes in --path)."

    static let rootExamples = examples("""
        wriftsync validate --repo . --path models --worktree
        wriftsync plan --repo https://git.example.com/acme/models.git --format markdown --out plan.json
        wriftsync apply --plan plan.json --repo https://git.example.com/acme/models.git --auto-approve
        wriftsync run --repo https://git.example.com/acme/models.git --interval 1m --listen :9090
        """)

    static let sourceUsage = "wriftsync source --repo <url-or-path> [--ref <ref>] [--path <dir>] [--json] [<options>]"
    static let sourceExamples = examples("""
        wriftsync source --repo https://git.example.com/acme/models.git --ref main --path models
        wriftsync source --repo git@git.example.com:acme/models.git --ssh-key ~/.ssh/id_ed25519 --json
        """)

    static let validateUsage = "wriftsync validate --repo <url-or-path> [--ref <ref>] [--path <dir>] [--worktree] [<options>]"
    static let validateExamples = examples("""
        wriftsync validate --repo . --path models              # the committed declarations
        wriftsync validate --repo . --path models --worktree   # uncommitted edits too (a pre-commit hook)
        """)

    static let planUsage = "wriftsync plan --repo <url-or-path> [--ref <ref>] [--path <dir>] [--worktree] [--format <format>] [--out <file>] [<options>]"
    static let planExamples = examples("""
        wriftsync plan --repo . --path models --worktree       # what your uncommitted edits would do
        wriftsync plan --repo https://git.example.com/acme/models.git --format markdown --out plan.json
        wriftsync plan --repo . --detailed-exitcode             # exit 2 when there are changes
        """)

    static let applyUsage = """
        wriftsync apply --repo <url-or-path> [--ref <ref>] [--path <dir>] [--dry-run] [--auto-approve] [<options>]
          wriftsync apply --plan <file> [--repo <url-or-path>] [--dry-run] [--auto-approve] [<options>]
        """
    static let applyExamples = examples("""
        wriftsync apply --repo https://git.example.com/acme/models.git --dry-run
        wriftsync apply --repo https://git.example.com/acme/models.git --auto-approve
        wriftsync apply --plan plan.json --repo https://git.example.com/acme/models.git --auto-approve
        """)

    static let runUsage = "wriftsync run --repo <url-or-path> [--ref <ref>] [--path <dir>] [--interval <duration>] [--listen <host:port>] [<options>]"
    static let runExamples = examples("""
        wriftsync run --repo https://git.example.com/acme/models.git --interval 1m --listen :9090
        wriftsync run --repo . --path models --once --dry-run   # report drift once, change nothing
        """)

    static let historyExamples = examples("""
        wriftsync history --model acme/sentiment --since 7d
        wriftsync history --state-dir /var/lib/wriftsync --limit 20 --format json
        """)

    static let quarantineExamples = examples("""
        wriftsync quarantine list
        wriftsync quarantine clear --model acme/sentiment --digest sha256:…
        """)

    static let quarantineListExamples = examples("""
        wriftsync quarantine list --json
        wriftsync quarantine list --cache-dir /var/cache/wriftsync
        """)

    static let quarantineClearExamples = examples("""
        wriftsync quarantine clear --model acme/sentiment
        wriftsync quarantine clear --digest sha256:…   # one digest, whatever its model
        """)

    static let importExamples = examples("""
        wriftsync import acme/sentiment acme/embeddings --out models
        """)

    static let schemaExamples = examples("""
        wriftsync schema --out wriftsync-declaration.schema.json
        """)

    /// `EXAMPLES:` and the lines, indented as ArgumentParser indents its own sections.
    private static func examples(_ lines: String) -> String {
        "EXAMPLES:\n" + lines.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
    }
}

/// The problems of one file: the first ``maxListed`` listed, the rest only counted, so that a hostile file
/// holding one on every line costs bounded memory and output.
struct CappedDiagnostics: Sendable, Equatable {
    /// Problems listed per file.
    static let maxListed = 200
    private var listed: [Diagnostic] = []
    private var unlisted = 0
    private var firstUnlisted: SourceLocation?

    /// Whether further problems are only counted.
    var isFull: Bool { listed.count >= Self.maxListed }

    /// Whether there is none.
    var isEmpty: Bool { listed.isEmpty && unlisted == 0 }

    mutating func report(_ location: SourceLocation, _ message: String) {
        guard !isFull else {
            unlisted += 1
            if firstUnlisted.map({ location < $0 }) ?? true { firstUnlisted = location }
            return
        }
        listed.append(Diagnostic(location, message))
    }

    /// The problems listed, the unlisted ones summed up in one last diagnostic.
    var all: [Diagnostic] {
        guard let firstUnlisted else { return listed }
        return listed + [Diagnostic(firstUnlisted, "\(unlisted) more problem\(unlisted == 1 ? "" : "s") in this file from here on, not listed (only the first \(Self.maxListed) are)")]
    }
}

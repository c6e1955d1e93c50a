import Foundation
import Pipeline

extension ReconcileFailure {
    /// Prints the failure as every command does: each declaration problem as `file:line:column: message` on
    /// standard error, then one `error: …` line.
    func print() {
        for problem in problems {
            FileHandle.standardError.write(Data("\(problem)\n".utf8))
        }
        printError(description)
    }
}

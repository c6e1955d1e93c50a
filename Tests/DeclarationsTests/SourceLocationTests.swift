import Testing
@testable import Declarations

@Suite struct SourceLocationTests {
    @Test func diagnosticsPrintAsCompilersDoAndSortByPlace() {
        let late = Diagnostic(SourceLocation(file: "models/b.yaml", line: 2, column: 1), "second")
        let early = Diagnostic(SourceLocation(file: "models/a.yaml", line: 9, column: 3), "first")
        #expect(early.description == "models/a.yaml:9:3: first")
        #expect(DeclarationErrors([late, early]).description == "models/a.yaml:9:3: first\nmodels/b.yaml:2:1: second")
    }
}

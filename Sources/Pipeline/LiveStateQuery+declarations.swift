import Declarations
import LiveState
import WriftAIModels

extension LiveStateQuery {
    /// The query a plan of `declarations` needs: every model not suspended, and for each declared image its
    /// schemas and compatibilities (to compare the live version's immutable fields) and whether its
    /// configuration is declared (then read, since it is mutable).
    public init(declarations: [ModelDeclaration]) {
        self.init(declarations.filter { !$0.suspend }.map { declaration in
            var details: [Digest: Expected] = [:]
            for version in declaration.versions where details[version.containerImageDigest] == nil {
                details[version.containerImageDigest] = Expected(
                    schemas: version.schemas,
                    compatibilities: version.compatibilities ?? Compatibilities(),
                    readsConfiguration: version.configuration != nil
                )
            }
            return Model(declaration.model, details: details)
        })
    }
}

import SystemCrypto
import Declarations
import Foundation
import LiveState
import WriftAIModels

extension LiveStateQuery {
    /// The query a plan of `declarations` needs: every model not suspended, and for each declared image its
    /// schemas and compatibilities (to compare the live version's immutable fields), their fingerprint (so a
    /// version once found equal is not read again), and whether its configuration is declared (then read,
    /// since it is mutable).
    public init(declarations: [ModelDeclaration]) {
        var fingerprints: [Compared: String] = [:]
        self.init(declarations.filter { !$0.suspend }.map { declaration in
            var details: [WriftAIModels.Digest: Expected] = [:]
            for version in declaration.versions where details[version.containerImageDigest] == nil {
                let compared = Compared(schemas: version.schemas, compatibilities: version.compatibilities ?? Compatibilities())
                let fingerprint = fingerprints[compared] ?? compared.fingerprint
                fingerprints[compared] = fingerprint
                details[version.containerImageDigest] = Expected(
                    schemas: compared.schemas,
                    compatibilities: compared.compatibilities,
                    readsConfiguration: version.configuration != nil,
                    fingerprint: fingerprint
                )
            }
            return Model(declaration.model, details: details)
        })
    }
}

/// What a version's details are compared on, fingerprinted as SHA-256 of its canonical JSON (sorted keys).
private struct Compared: Hashable, Encodable {
    // Equal and hashed as the planner compares them: schemas semantically, compatibilities by value.
    var schemas: Schemas
    var compatibilities: Compatibilities

    var fingerprint: String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { return nil }
        return Hex.lowercase(HashFunction.sha256.hash(data))
    }
}

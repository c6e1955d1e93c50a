import Declarations
import WriftAIModels

/// An immutable field of a version that can differ between its declaration and the live version.
enum DriftField: CaseIterable {
    case releaseNotes
    case schemas
    case compatibilities

    var label: String {
        switch self {
        case .releaseNotes: "release notes"
        case .schemas: "schemas"
        case .compatibilities: "compatibilities"
        }
    }

    /// The immutable fields in which `live` differs from `declared`.
    ///
    /// Fields the fetcher did not observe (`nil` schemas or compatibilities) are not compared:
    /// unknown is not different. Schemas compare semantically through `JSONValue`'s `==`, so key
    /// order and `1` versus `1.0` are not drift. Undeclared compatibilities mean all `false`, as the
    /// API creates them.
    static func between(declared: VersionDeclaration, live: LiveVersion) -> [DriftField] {
        var fields: [DriftField] = []
        if declared.releaseNotes != live.releaseNotes {
            fields.append(.releaseNotes)
        }
        if let liveSchemas = live.schemas, liveSchemas != declared.schemas {
            fields.append(.schemas)
        }
        if let liveCompatibilities = live.compatibilities,
            liveCompatibilities != (declared.compatibilities ?? Compatibilities())
        {
            fields.append(.compatibilities)
        }
        return fields
    }

    /// "release notes", "release notes and schemas", "release notes, schemas and compatibilities".
    static func list(_ fields: [DriftField]) -> String {
        let labels = fields.map(\.label)
        guard let last = labels.last else { return "" }
        guard labels.count > 1 else { return last }
        return labels.dropLast().joined(separator: ", ") + " and " + last
    }
}

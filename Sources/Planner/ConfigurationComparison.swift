import WriftAIModels

/// Whether a declared configuration is already in place, and how to describe the difference.
enum ConfigurationComparison {
    /// Whether `live` already has `declared`'s hardware and variables.
    ///
    /// Variable names compare as a set: they name attached variables, whose order carries no
    /// meaning, so a reordered list must not produce a plan.
    static func isSatisfied(_ declared: VersionConfiguration, by live: VersionConfiguration) -> Bool {
        declared.hardwareIdentifier == live.hardwareIdentifier
            && Set(declared.variableNames) == Set(live.variableNames)
    }

    /// The reason for updating `live` (or an unobserved configuration) to `declared`.
    static func reason(from live: VersionConfiguration?, to declared: VersionConfiguration) -> String {
        guard let live else {
            return "live configuration unknown (not observed); setting hardware \(declared.hardwareIdentifier), "
                + "variables \(variables(declared.variableNames))"
        }
        var parts: [String] = []
        if live.hardwareIdentifier != declared.hardwareIdentifier {
            parts.append("hardware \(live.hardwareIdentifier) → \(declared.hardwareIdentifier)")
        }
        if Set(live.variableNames) != Set(declared.variableNames) {
            parts.append("variables \(variables(live.variableNames)) → \(variables(declared.variableNames))")
        }
        return "configuration differs: " + parts.joined(separator: ", ")
    }

    static func variables(_ names: [String]) -> String {
        "[" + names.joined(separator: ", ") + "]"
    }
}

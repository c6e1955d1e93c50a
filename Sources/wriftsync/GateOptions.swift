import ArgumentParser
import Pipeline

/// The release gate's flags, shared by `apply` and `run`.
struct GateOptions: ParsableArguments {
    @Flag(name: .long, help: "Create versions without running their smoke tests (for emergencies; the apply's output and history say so).")
    var skipSmoke = false

    @Option(name: .long, help: ArgumentHelp("The longest one smoke test may take, whatever its max_seconds.", valueName: "seconds"))
    var smokeTimeout: Double = 300

    func validate() throws {
        // At most a day: far beyond any prediction, and far from overflowing a duration in milliseconds.
        guard smokeTimeout >= 0.001, smokeTimeout <= 86_400 else {
            throw ValidationError("--smoke-timeout must be from 0.001 to 86400 seconds (a day).")
        }
    }

    /// The pipeline's gate settings.
    var gate: PipelineConfiguration.Gate {
        PipelineConfiguration.Gate(enabled: !skipSmoke, timeout: .milliseconds(Int64(smokeTimeout * 1000)))
    }
}

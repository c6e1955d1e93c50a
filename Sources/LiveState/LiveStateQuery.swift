import WriftAIModels

/// What the live-state reader is asked for: the models to list, and the images whose details (and
/// configuration) the caller needs. The reader knows nothing of declarations: the pipeline builds the query
/// from them, the freshness check from a saved plan.
public struct LiveStateQuery: Sendable {
    /// What the caller expects of one image: details equal to it are not kept (the planner compares only what
    /// differs, and thousands of versions' schemas would otherwise stay in memory until the plan is made).
    public struct Expected: Sendable, Equatable {
        /// The schemas the caller has.
        public var schemas: Schemas
        /// The compatibilities the caller has (all false when it declares none).
        public var compatibilities: Compatibilities
        /// Read the version's configuration too (it is mutable, so never cached).
        public var readsConfiguration: Bool
        /// A digest of `schemas` and `compatibilities`: a version whose details were once found equal to an
        /// expectation with this fingerprint is not read again (versions are immutable). `nil`: always read.
        public var fingerprint: String?

        /// Creates an expectation.
        public init(schemas: Schemas, compatibilities: Compatibilities, readsConfiguration: Bool, fingerprint: String? = nil) {
            self.schemas = schemas
            self.compatibilities = compatibilities
            self.readsConfiguration = readsConfiguration
            self.fingerprint = fingerprint
        }
    }

    /// One model to list.
    public struct Model: Sendable, Equatable {
        /// The model.
        public var model: ModelID
        /// The images whose details are read when listed, with what the caller expects of them.
        public var details: [Digest: Expected]

        /// A model to list, with the images whose details are needed (none: the listing alone).
        public init(_ model: ModelID, details: [Digest: Expected] = [:]) {
            self.model = model
            self.details = details
        }
    }

    /// The models, each listed once.
    public var models: [Model]

    /// A query of `models`.
    public init(_ models: [Model]) {
        self.models = models
    }
}

import Hummingbird
import WriftAIModels

/// The `/v1` API's handlers; each feature lives in its own `EmulatorRoutes+….swift` file.
struct EmulatorRoutes<Storage: EmulatorStorage>: Sendable {
    let storage: Storage
    let configuration: EmulatorConfiguration
    let predictions: PredictionStore
    /// The listing lies of ``EmulatorConfiguration/Hostile``, with their state.
    let hostileListing: HostileListing

    init(storage: Storage, configuration: EmulatorConfiguration, predictions: PredictionStore) {
        self.storage = storage
        self.configuration = configuration
        self.predictions = predictions
        self.hostileListing = HostileListing(configuration: configuration)
    }

    /// Registers every `/v1` route on `router`.
    func register(on router: Router<EmulatorRequestContext>) {
        router.post("/v1/models", use: createModel)
        router.get("/v1/models/{owner}/{name}", use: getModel)
        router.get("/v1/models/{owner}/{name}/versions", use: listVersions)
        router.post("/v1/models/{owner}/{name}/versions", use: createVersion)
        router.get("/v1/models/{owner}/{name}/versions/{number}", use: getVersion)
        router.delete("/v1/models/{owner}/{name}/versions/{number}", use: deleteVersion)
        router.get("/v1/models/{owner}/{name}/versions/{number}/configuration", use: getConfiguration)
        router.patch("/v1/models/{owner}/{name}/versions/{number}/configuration", use: updateConfiguration)
        router.post("/v1/predictions", use: createPrediction)
        router.get("/v1/predictions/{id}", use: getPrediction)
    }
}

// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("StrictConcurrency"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "WriftSync",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "wriftsync", targets: ["wriftsync"]),
        .executable(name: "wriftai-emulator", targets: ["wriftai-emulator"]),
        .library(name: "SystemCrypto", targets: ["SystemCrypto"]),
        .library(name: "GitSource", targets: ["GitSource"]),
        .library(name: "WriftAIModels", targets: ["WriftAIModels"]),
        .library(name: "JSONSchema", targets: ["JSONSchema"]),
        .library(name: "Declarations", targets: ["Declarations"]),
        .library(name: "Planner", targets: ["Planner"]),
        .library(name: "WriftAIEmulator", targets: ["WriftAIEmulator"]),
        .library(name: "WriftAI", targets: ["WriftAI"]),
        .library(name: "LiveState", targets: ["LiveState"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "Controller", targets: ["Controller"]),
        .library(name: "Notifications", targets: ["Notifications"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Tests only: an independent implementation that signs what SystemCrypto (the system's libcrypto) verifies.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // `traits: []`: with its default traits SwiftPM 6.3 rebuilds hummingbird at random.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The API client's own HTTP/1.1 transport (and the notifier's, see HTTP1Client) is on NIO and NIOSSL
        // directly: no AsyncHTTPClient, whose HTTP/2, transport services and configuration packages are not needed.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // The one module that sees libgit2; only GitSource imports it.
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // GPGME, for OpenPGP commit signatures; like CLibGit2, only GitSource imports it.
        .systemLibrary(
            name: "CGPGME",
            pkgConfig: "gpgme",
            providers: [.apt(["libgpgme-dev"])]
        ),
        // The system's OpenSSL libcrypto (which libssh2, under libgit2, links already); only SystemCrypto imports it.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // Hashes, HMACs and SSH signature verification (Ed25519, ECDSA), through libcrypto.
        .target(
            name: "SystemCrypto",
            dependencies: ["COpenSSL"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GitSource",
            dependencies: [
                "CGPGME",
                "CLibGit2",
                "SystemCrypto",
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WriftAIModels",
            swiftSettings: swiftSettings
        ),
        // JSON Schema (draft 2020-12) validation and value generation, on WriftAIModels' JSONValue.
        .target(
            name: "JSONSchema",
            dependencies: ["WriftAIModels"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Declarations",
            dependencies: [
                "JSONSchema",
                "WriftAIModels",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // Pure: declarations + live state in, Plan out. No git, HTTP or crypto here.
        .target(
            name: "Planner",
            dependencies: ["Declarations", "WriftAIModels"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WriftAIEmulator",
            dependencies: [
                "JSONSchema",
                "WriftAIModels",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WriftAI",
            dependencies: [
                "WriftAIModels",
                // The client's own HTTP/1.1 transport (see HTTP1Transport), on NIO and NIOSSL directly.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // The shared pacing file is named by a hash of the token, never the token.
                "SystemCrypto",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Reads the live state for planning; the planner itself stays free of HTTP.
        .target(
            name: "LiveState",
            dependencies: ["WriftAI", "WriftAIModels"],
            swiftSettings: swiftSettings
        ),
        // Executes a Plan through a client that can write; the ordering rules are pure and separate.
        .target(
            name: "Applier",
            dependencies: ["Planner", "LiveState", "WriftAI", "WriftAIModels"],
            swiftSettings: swiftSettings
        ),
        // The one reconcile pipeline: fetch, load, observe, plan, check, apply, as typed stages with classified
        // failures. Every front end (validate, plan, apply, run) calls it; none holds reconcile logic.
        .target(
            name: "Pipeline",
            dependencies: [
                "Applier", "Declarations", "GitSource", "JSONSchema", "LiveState", "Planner", "WriftAI", "WriftAIModels",
                "SystemCrypto",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // What a reconcile tells people and keeps: events from the pipeline's reports and typed failures, their
        // sinks (JSON webhook, Slack, GitHub commit statuses) behind a bounded queue, and `history.jsonl`.
        .target(
            name: "Notifications",
            dependencies: [
                "Applier", "GitSource", "Pipeline", "Planner", "WriftAI", "WriftAIModels",
                "SystemCrypto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The scheduled reconciler: the loop, its HTTP endpoints, metrics and logs. The loop takes any
        // `Reconciling`, so it is testable with a fake too; `buildController` composes it as `run` does.
        .target(
            name: "Controller",
            dependencies: [
                "Applier", "Notifications", "Pipeline", "Planner", "WriftAI",
                "SystemCrypto",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "wriftsync",
            dependencies: [
                "Applier",
                "Controller",
                "Notifications",
                "Pipeline",
                "GitSource",
                "Declarations",
                "Planner",
                "LiveState",
                "WriftAI",
                "WriftAIModels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "wriftai-emulator",
            dependencies: [
                "WriftAIEmulator",
                "WriftAIModels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // For tests only, never a product and never imported by Sources: the support the test targets share
        // (temporary directories and git repositories, git/SSH/HTTP servers, signing keys, the process launcher,
        // the emulator's test client and fixtures, digest fixtures, the seeded random source's draws, the trait
        // that runs tests off the cooperative pool, a recording HTTP server).
        .target(
            name: "WriftSyncTesting",
            dependencies: [
                // Pipeline for its one thread hop, `onOwnThread`, which the library re-exports; Controller for the
                // loop's test clock.
                "Controller", "GitSource", "JSONSchema", "Pipeline", "Planner", "WriftAIEmulator", "WriftAIModels",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/WriftSyncTesting",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GitSourceTests",
            dependencies: [
                "GitSource", "WriftSyncTesting",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The built executables (`wriftsync`, `wriftai-emulator`) run as processes, and the checks of the
        // repository's own files (deploy/, docs, the Makefile, the module graph): the only target that
        // launches the executables (ArchitectureTests checks that).
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "Controller", "GitSource", "JSONSchema", "WriftAI", "WriftAIEmulator", "WriftAIModels", "WriftSyncTesting",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ControllerTests",
            dependencies: [
                "Controller", "Notifications", "Pipeline", "Planner", "Applier", "Declarations", "GitSource", "WriftAI", "WriftAIEmulator", "WriftAIModels", "LiveState",
                "WriftSyncTesting",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NotificationsTests",
            dependencies: [
                "Notifications", "WriftSyncTesting", "Controller", "Applier", "GitSource", "Pipeline", "Planner", "Declarations", "LiveState",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DeclarationsTests",
            dependencies: ["Declarations", "JSONSchema", "WriftAIModels", "WriftSyncTesting", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PlannerTests",
            dependencies: ["Planner", "Declarations", "WriftAIModels", "WriftSyncTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JSONSchemaTests",
            dependencies: ["JSONSchema", "WriftAIModels", "WriftSyncTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SystemCryptoTests",
            dependencies: [
                "SystemCrypto",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WriftAIModelsTests",
            dependencies: ["WriftAIModels", "JSONSchema"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WriftAIEmulatorTests",
            dependencies: [
                "JSONSchema",
                "WriftAIEmulator",
                "WriftAIModels",
                "WriftSyncTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ApplierTests",
            dependencies: [
                "Applier", "Declarations", "Planner", "LiveState", "Pipeline", "WriftAI", "WriftAIModels", "WriftAIEmulator", "WriftSyncTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WriftAITests",
            dependencies: [
                "WriftAI",
                "WriftAIModels",
                "WriftAIEmulator",
                "WriftSyncTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// `make bench` only: with WRIFTSYNC_BENCH set (and its own `--scratch-path .build-bench`), the package also
// has the benchmark library (ordo-one/benchmark), the in-process micro-benchmarks and the end-to-end harness,
// and no tests. Without it — `swift build`, `make test`, CI — none of them is resolved or built.
if Context.environment["WRIFTSYNC_BENCH"] == "1" {
    // One `swift build` makes everything the bench runs, with both cores busy to the end; the test targets are
    // left out (Testing has no static runtime to link against, and the bench measures none of them).
    package.targets.removeAll { $0.type == .test || $0.name == "WriftSyncTesting" }
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"])
    )
    package.targets += [
        // The generated repositories and emulator state, shared by the micro-benchmarks and the harness.
        .target(
            name: "BenchFixtures",
            path: "bench/fixtures",
            swiftSettings: swiftSettings
        ),
        // The in-process micro-benchmarks: built with the products, in their scratch path, and run by `make bench`
        // as `WriftSyncBenchmarks --out FILE` (not through `swift package benchmark`: see MicroBenchmarks).
        .executableTarget(
            name: "WriftSyncBenchmarks",
            dependencies: [
                "BenchFixtures", "Declarations", "Planner", "WriftAIModels",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/WriftSyncBenchmarks",
            swiftSettings: swiftSettings
        ),
        // The end-to-end harness: generates the repositories and emulator state, runs whole `wriftsync`
        // processes against `wriftai-emulator` and git servers, and writes bench/results.json.
        .executableTarget(
            name: "wriftsync-bench",
            dependencies: [
                "BenchFixtures", "LiveState", "WriftAI", "WriftAIModels",
            ],
            path: "bench/harness",
            swiftSettings: swiftSettings
        ),
    ]
}

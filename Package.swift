// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "WriftSync",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wriftsync", targets: ["wriftsync"]),
        .library(name: "GitSource", targets: ["GitSource"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .target(
            name: "GitSource",
            dependencies: [
                "CLibGit2",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "wriftsync",
            dependencies: [
                "GitSource",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "GitSourceTests",
            dependencies: ["GitSource"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

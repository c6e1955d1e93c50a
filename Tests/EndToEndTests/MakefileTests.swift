import Foundation
import Testing
import WriftSyncTesting

/// `make build` and `make demo` install only what they need: never openssh-server, whose install would start
/// sshd and enable it at boot. Only `make test` installs it, through the script that starts nothing.
@Suite(.onOwnThreads) struct MakefileTests {
    static func make(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        try Shell.run(["make", "--no-print-directory", "-C", DocsTests.root] + arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
    }

    @Test func buildAndDemoNameOnlyTheirPackages() throws {
        let commands = try Self.make(["-n", "build", "demo"])
        let installs = commands.split(separator: "\n").filter { $0.hasPrefix("scripts/install-debian-packages.sh ") }
        #expect(installs == ["scripts/install-debian-packages.sh libgit2-dev libgpgme-dev libssl-dev pkg-config git", "scripts/install-debian-packages.sh libgit2-dev libgpgme-dev libssl-dev pkg-config git curl"], "\(commands)")
        #expect(!commands.contains("openssh-server"))
        let test = try Self.make(["-n", "test"])
        #expect(test.contains("scripts/install-debian-packages.sh libgit2-dev libgpgme-dev libssl-dev pkg-config git openssh-server"), "\(test)")
    }

    @Test func onAMachineWithNothingInstalledBuildAndDemoWouldInstallNoSSHServer() throws {
        // A dpkg that knows no package: the script then lists every package it would install (DRY_RUN).
        let bin = try TemporaryDirectory("make")
        try "#!/bin/sh\nexit 1\n".write(toFile: bin.path + "/dpkg", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.path + "/dpkg")
        let environment = ["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"), "DRY_RUN": "1"]
        let build = try Self.make(["-s", "build-deps", "demo-deps"], environment: environment)
        #expect(build == "installing Debian packages: libgit2-dev libgpgme-dev libssl-dev pkg-config git\ninstalling Debian packages: libgit2-dev libgpgme-dev libssl-dev pkg-config git curl", "\(build)")
        let test = try Self.make(["-s", "test-deps"], environment: environment)
        #expect(test == "installing Debian packages: libgit2-dev libgpgme-dev libssl-dev pkg-config git openssh-server openssh-client openssl curl time gnupg chromium")
    }

    @Test func theScriptForbidsStartingServicesDuringTheInstallAndDisablesSSHAfter() throws {
        let script = try String(contentsOfFile: DocsTests.root + "/scripts/install-debian-packages.sh", encoding: .utf8)
        // Checked as text: running it for real would install packages on the test machine.
        #expect(script.contains("policy=/usr/sbin/policy-rc.d"))
        #expect(script.contains("exit 101"))
        #expect(script.contains("trap remove_policy EXIT"))
        #expect(script.contains("deb-systemd-helper disable ssh.service ssh.socket"))
        #expect(script.contains("--no-install-recommends"))
    }
}

import Foundation
import Synchronization
import WriftSyncTesting
#if canImport(Glibc)
import Glibc
#endif

/// Headless Chromium (the Debian package `chromium`, which `make test` installs) loading pages from a server
/// on loopback. Each run has its own profile directory, a time limit, and is killed with every process it
/// started. It cannot reach anything but loopback: every other address goes to a proxy on a closed loopback
/// port, and no name but 127.0.0.1 resolves.
enum Chromium {
    static let executable = "/usr/bin/chromium"

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Fails with what to do when Chromium is not installed.
    static func require() throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw Failure(description: "\(executable) is missing: run `make deps` (or apt-get install chromium) for the browser tests")
        }
    }

    /// The page's DOM once loaded and its scripts run, as Chromium serialises it.
    static func dumpDOM(_ url: String, width: Int = 1280, height: Int = 800) throws -> String {
        let run = try run(["--dump-dom", "--window-size=\(width),\(height)"], url: url)
        guard run.stdout.contains("<html") else {
            throw Failure(description: "chromium printed no DOM for \(url): \(run.stderr.suffix(3000))")
        }
        return run.stdout
    }

    /// A PNG screenshot of the page at `width`×`height` CSS pixels (scale factor 1) written to `path`.
    static func screenshot(_ url: String, to path: String, width: Int, height: Int) throws {
        try? FileManager.default.removeItem(atPath: path)
        let run = try run(["--screenshot=\(path)", "--window-size=\(width),\(height)", "--hide-scrollbars"], url: url)
        guard FileManager.default.fileExists(atPath: path) else {
            throw Failure(description: "chromium wrote no screenshot at \(path): \(run.stderr.suffix(3000))")
        }
    }

    /// Runs Chromium on `url`; returns what it printed. Killed (with its children) after `timeout`.
    static func run(_ arguments: [String], url: String, timeout: Duration = .seconds(120)) throws -> (stdout: String, stderr: String) {
        try require()
        let profile = try TemporaryDirectory("chromium")
        let process = ChildProcess()
        // coreutils' timeout puts itself and Chromium in a process group of their own and, at the limit, kills
        // the whole group: the renderer and helper processes too.
        let seconds = Int(timeout.components.seconds)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = [
            "--kill-after=5", "\(seconds)", executable, "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)",
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--disable-extensions", "--disable-breakpad", "--mute-audio",
            "--force-device-scale-factor=1", "--proxy-server=http://127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        ] + arguments + [url]
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = profile.path
        process.environment = environment
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let group = process.processIdentifier
        let output = Mutex(Data()), errors = Mutex(Data()), done = Mutex(0)
        Thread {
            let data = stdout.fileHandleForReading.readDataToEndOfFile()
            output.withLock { $0 = data }
            done.withLock { $0 += 1 }
        }.start()
        Thread {
            let data = stderr.fileHandleForReading.readDataToEndOfFile()
            errors.withLock { $0 = data }
            done.withLock { $0 += 1 }
        }.start()
        let deadline = ContinuousClock.now + timeout + .seconds(10)
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        let stillRunning = process.isRunning
        // Whatever it left behind goes too (the zygote and utility processes may outlive the browser).
        kill(-group, SIGKILL)
        process.waitUntilExit()
        // 124: timeout's own status when the limit was reached.
        let timedOut = stillRunning || (process.terminationReason == .exit && process.terminationStatus == 124)
        // The pipes close once every process of the group is gone.
        let readDeadline = ContinuousClock.now + .seconds(10)
        while done.withLock({ $0 }) < 2 && ContinuousClock.now < readDeadline { usleep(10_000) }
        let text = String(decoding: output.withLock { $0 }, as: UTF8.self)
        let errorText = String(decoding: errors.withLock { $0 }, as: UTF8.self)
        if timedOut {
            throw Failure(description: "chromium did not finish within \(timeout): \(errorText.suffix(2000))")
        }
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw Failure(description: "chromium exited \(process.terminationStatus): \(errorText.suffix(2000))")
        }
        return (text, errorText)
    }
}

/// What a PNG file holds, checked without trusting the file: its size from the IHDR chunk, and — decoded by
/// Python's zlib, scanline filters undone — how many distinct colours it has and how many pixels have given
/// colours. A blank page is one colour; a rendered one has text, badges and bars.
struct PNGCheck: Decodable {
    let width: Int
    let height: Int
    /// Distinct RGB colours.
    let colours: Int
    /// Pixels differing from the most common colour (the background), as a fraction.
    let foreground: Double
    /// Pixels of each colour asked for, by `#rrggbb`.
    let counts: [String: Int]

    /// The width and height from the IHDR chunk, after checking the signature.
    static func header(_ data: Data) throws -> (width: Int, height: Int) {
        let bytes = [UInt8](data.prefix(33))
        guard bytes.count == 33, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], bytes[12..<16] == Array("IHDR".utf8)[...] else {
            throw Chromium.Failure(description: "not a PNG file")
        }
        func int(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (int(16), int(20))
    }

    /// Decodes `path` and counts the pixels of `colours` (`#rrggbb`).
    static func inspect(_ path: String, colours: [String]) throws -> PNGCheck {
        let output = try Shell.run(["python3", "-c", script, path] + colours)
        return try JSONDecoder().decode(PNGCheck.self, from: Data(output.utf8))
    }

    /// Undoes the five PNG filters of 8-bit RGB or RGBA scanlines and reports the colours.
    static let script = """
        import json, sys, zlib
        from collections import Counter
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
        pos, idat, ihdr = 8, b'', None
        while pos < len(data):
            length = int.from_bytes(data[pos:pos + 4], 'big'); kind = data[pos + 4:pos + 8]
            body = data[pos + 8:pos + 8 + length]; pos += 12 + length
            if kind == b'IHDR': ihdr = body
            elif kind == b'IDAT': idat += body
        width, height = int.from_bytes(ihdr[0:4], 'big'), int.from_bytes(ihdr[4:8], 'big')
        depth, colour_type = ihdr[8], ihdr[9]
        assert depth == 8 and colour_type in (2, 6), (depth, colour_type)
        bpp = 3 if colour_type == 2 else 4
        raw = zlib.decompress(idat); stride = width * bpp
        previous = bytearray(stride); counts = Counter(); pos = 0
        for _ in range(height):
            kind = raw[pos]; line = bytearray(raw[pos + 1:pos + 1 + stride]); pos += 1 + stride
            if kind == 1:
                for i in range(bpp, stride): line[i] = (line[i] + line[i - bpp]) & 255
            elif kind == 2:
                line = bytearray((a + b) & 255 for a, b in zip(line, previous))
            elif kind == 3:
                for i in range(stride): line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + previous[i]) // 2) & 255
            elif kind == 4:
                for i in range(stride):
                    a = line[i - bpp] if i >= bpp else 0; b = previous[i]; c = previous[i - bpp] if i >= bpp else 0
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            counts.update(bytes(line[i:i + 3]) for i in range(0, stride, bpp))
            previous = line
        total = width * height; background = counts.most_common(1)[0][1]
        wanted = {c: counts.get(bytes.fromhex(c[1:]), 0) for c in sys.argv[2:]}
        print(json.dumps({'width': width, 'height': height, 'colours': len(counts),
                          'foreground': (total - background) / total, 'counts': wanted}))
        """
}

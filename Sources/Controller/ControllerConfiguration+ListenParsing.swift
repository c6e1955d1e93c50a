extension ControllerConfiguration.Listen {
    /// Every IPv4 interface: what `--listen :PORT` binds.
    public static let allInterfaces = "0.0.0.0"

    /// Parses `--listen`: `host:port`, `[v6-address]:port`, or `:port` for every interface (`0.0.0.0`);
    /// port 0 picks a free one. `nil` for anything else.
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        // `[]:9090` names no address; `:9090` names every one.
        if host.isEmpty && text.hasPrefix("[") { return nil }
        self.init(host: host.isEmpty ? Self.allInterfaces : host, port: port)
    }
}

import Controller
import Testing

/// `run --listen`: `host:port`, `[v6]:port`, and `:port` for every interface.
@Suite struct ListenParsingTests {
    @Test("accepted forms", arguments: [
        ("127.0.0.1:9090", "127.0.0.1", 9090),
        (":9090", "0.0.0.0", 9090),
        (":0", "0.0.0.0", 0),
        ("[::1]:8080", "::1", 8080),
        ("localhost:0", "localhost", 0),
    ])
    func accepted(_ text: String, _ host: String, _ port: Int) throws {
        let listen = try #require(ControllerConfiguration.Listen(parsing: text))
        #expect(listen.host == host && listen.port == port)
    }

    @Test("refused forms", arguments: ["9090", "127.0.0.1", ":", "host:70000", "host:-1", "[]:9090", "host:http"])
    func refused(_ text: String) {
        #expect(ControllerConfiguration.Listen(parsing: text) == nil)
    }
}
